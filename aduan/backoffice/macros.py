"""Macros (issue 17): a saved action with its template and assignment, applied to one report or
in bulk to a selection of a list.

A macro never acts by itself: it fills in the form of its action (`forms.FORMS`) as a person would
and calls `act()`, so every report goes through its own action with every rule of it, its own
conflict check (against the version the list showed) and its own timeline event. One report's
refusal does not stop the others; the result lists what failed and why.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404, QueryDict
from django.utils.translation import gettext as _

from aduan.reports import errors
from aduan.reports.transitions import TRANSITIONS, Action

from .access import get_workspace_report
from .forms import FORMS, Review
from .models import Macro

# How many reports one bulk application may touch: a page of a list.
BULK_LIMIT = 100


def _body(macro: Macro) -> str:
    return macro.template.body if macro.template_id else ""


@dataclass(frozen=True)
class MacroAction:
    """What a macro of this action sends as its form, who may save it, and whether it makes
    sense for many reports at once (an answer is written for one report, never in bulk)."""

    data: Callable[[Macro], dict]
    role: str  # "dispatcher" or "officer"
    bulk: bool = True


MACRO_ACTIONS: dict[Action, MacroAction] = {
    Action.DISPOSITION: MacroAction(
        lambda m: {"agency": m.target_agency_id or "", "instruction": _body(m)}, "dispatcher"
    ),
    Action.RETURN: MacroAction(lambda m: {"text": _body(m)}, "dispatcher"),
    Action.ARCHIVE: MacroAction(
        lambda m: {"reason": m.archive_reason, "text": _body(m)}, "dispatcher"
    ),
    Action.HOLD: MacroAction(lambda m: {"reason": _body(m)}, "dispatcher"),
    Action.SET_PRIORITY: MacroAction(
        lambda m: {"priority": m.priority or "", "reason": _body(m)}, "dispatcher"
    ),
    Action.DISPATCHER_NOTE: MacroAction(lambda m: {"text": _body(m)}, "dispatcher"),
    Action.ACCEPT: MacroAction(lambda m: {}, "officer"),
    Action.ASSIGN: MacroAction(lambda m: {"officer": m.assignee_id or ""}, "officer"),
    Action.NOTE: MacroAction(lambda m: {"text": _body(m)}, "officer"),
    Action.REQUEST_INFO: MacroAction(lambda m: {"text": _body(m)}, "officer", bulk=False),
    Action.ANSWER: MacroAction(
        lambda m: {"text": _body(m), "outcome": "done"}, "officer", bulk=False
    ),
}


def macro_choices(user) -> list[tuple[str, str]]:
    """The actions `user` may save as a macro, with their labels."""
    role = "dispatcher" if user.is_dispatcher else "officer" if user.is_officer else None
    return [
        (action.value, str(TRANSITIONS[action].label))
        for action, spec in MACRO_ACTIONS.items()
        if spec.role == role
    ]


def macros_for(user):
    """The macros `user` may apply: the dispatchers' (no agency) to a dispatcher, their agency's
    to an officer."""
    mine = Q(pk__in=[])
    if user.is_dispatcher:
        mine |= Q(agency__isnull=True)
    if user.is_officer and user.agency_id and user.sub_unit_id is None:
        mine |= Q(agency_id=user.agency_id)  # a sub-unit's officers have none (issue 16)
    return Macro.objects.filter(mine).select_related("template", "target_agency", "assignee")


@dataclass
class Result:
    code: str
    ok: bool
    message: str = ""


def apply(macro: Macro, user, code: str, version) -> Result:
    """Apply `macro` to the report `code` as `user` saw it at `version`: its action, then its
    assignment when it has one and the action leaves the report with the agency."""
    try:
        report = get_workspace_report(user, code)
    except Http404:
        return Result(code, False, _("Laporan tidak ditemukan atau bukan wewenang Anda."))
    action = Action(macro.action)
    steps = [(action, MACRO_ACTIONS[action].data(macro))]
    if macro.assignee_id and action != Action.ASSIGN:
        steps.append((Action.ASSIGN, {"officer": macro.assignee_id}))
    for step, fields in steps:
        data = QueryDict(mutable=True)
        data.update({**fields, "version": "" if version is None else version})
        try:
            report = FORMS[step](data, report=report, user=user).act()
        except Review:
            return Result(code, False, _("Perlu diperiksa satu per satu di halaman laporan."))
        except errors.ActionError as exc:
            return Result(code, False, str(exc.message))
        version = report.version
    return Result(code, True)


def parse_selection(values: list[str]) -> list[tuple[str, int | None]]:
    """The list's checkboxes: `CODE:VERSION` (the version the list showed), each code once."""
    chosen: dict[str, int | None] = {}
    for value in values:
        code, _sep, version = str(value).partition(":")
        code = code.strip()[:40]
        if code and code not in chosen:
            chosen[code] = int(version) if version.isdigit() else None
    return list(chosen.items())

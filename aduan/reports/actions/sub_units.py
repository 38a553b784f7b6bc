"""Sub-units under an agency (issue 16): pass a report down, take it back."""

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.notifications import outbox, recipients

from .. import (
    errors,
)
from ..models import (
    Audience,
    EventKind,
    Report,
)
from ..transitions import Action
from ._core import _begin, _finish, _holding_agency, _sync

# --- sub-units (issue 16) --------------------------------------------------------------------


def do_pass_down(
    report: Report, sub_unit, *, actor, note: str = "", expected_version=None
) -> Report:
    """The agency passes a report it has accepted down to one of its active sub-units (or on from
    one sub-unit to another). The agency keeps the report, its clock and its oversight: it sees
    everything and approves the sub-unit's answer. The event is internal (the note is an
    instruction to the sub-unit); the sub-unit's officers are told."""
    note = (note or "").strip()
    with transaction.atomic():
        r = _begin(report, Action.PASS_DOWN, actor, expected_version)
        if sub_unit is None or not sub_unit.is_active or sub_unit.agency_id != r.agency_id:
            raise errors.InvalidInput(
                _("Pilih sub-unit aktif dari perangkat daerah yang menangani laporan."),
                field="sub_unit",
            )
        if sub_unit.pk == r.sub_unit_id:
            raise errors.InvalidInput(_("Laporan sudah berada di sub-unit ini."), field="sub_unit")
        previous = r.sub_unit
        r.sub_unit = sub_unit
        if r.assigned_to is not None and r.assigned_to.sub_unit_id not in (None, sub_unit.pk):
            r.assigned_to = None  # an officer of the previous sub-unit no longer works on it
        data = {
            "agency": _holding_agency(r).code,
            "sub_unit": sub_unit.pk,
            "sub_unit_name": sub_unit.name,
        }
        if previous is not None:
            data["previous_sub_unit"] = previous.pk
        _finish(
            r,
            Action.PASS_DOWN,
            actor,
            EventKind.PASSED_DOWN,
            text=note,
            audience=Audience.INTERNAL,
            data=data,
        )
        outbox.queue(
            "report_passed_down",
            report=r,
            users=recipients.sub_unit_officers(sub_unit),
            context={"sub_unit": sub_unit, "text": note},
        )
    return _sync(report, r)


def do_take_back(report: Report, *, actor, note: str = "", expected_version=None) -> Report:
    """The agency takes a report back from its sub-unit: the sub-unit's officers no longer see
    it. Refused while the sub-unit's draft waits (`transitions.GUARDS`)."""
    note = (note or "").strip()
    with transaction.atomic():
        r = _begin(report, Action.TAKE_BACK, actor, expected_version)
        sub_unit = r.sub_unit
        assert sub_unit is not None  # TAKE_BACK's guard: the report is with a sub-unit
        r.sub_unit = None
        if r.assigned_to is not None and r.assigned_to.sub_unit_id is not None:
            r.assigned_to = None
        _finish(
            r,
            Action.TAKE_BACK,
            actor,
            EventKind.TAKEN_BACK,
            text=note,
            audience=Audience.INTERNAL,
            data={
                "agency": _holding_agency(r).code,
                "sub_unit": sub_unit.pk,
                "sub_unit_name": sub_unit.name,
            },
        )
        outbox.queue(
            "report_taken_back",
            report=r,
            users=recipients.sub_unit_officers(sub_unit),
            context={"sub_unit": sub_unit, "text": note},
        )
    return _sync(report, r)

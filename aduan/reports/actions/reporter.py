"""The reporter: resubmit, provide information, accept or reject the answer."""

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.directory.models import SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    errors,
    receipts,
    rules,
    sla,
)
from ..models import (
    Audience,
    EventKind,
    Report,
    Status,
)
from ..transitions import Action
from ._core import _attach, _begin, _end_current_disposition, _finish, _now, _required, _sync
from .split import _reopen_split

# --- the reporter -----------------------------------------------------------------------------

RESUBMITTABLE = (
    "title",
    "description",
    "incident_date",
    "district",
    "village",
    "address",
    "latitude",
    "longitude",
    "parties_involved",
    "extra_answers",
    "category",
    "classification",
)


def do_resubmit(
    report: Report,
    *,
    actor,
    changes: dict | None = None,
    text: str = "",
    attachments=(),
    expected_version=None,
) -> Report:
    """The reporter completes a returned report; it goes back to the dispatcher's queue."""
    changes = changes or {}
    unknown = set(changes) - set(RESUBMITTABLE)
    if unknown:
        raise errors.InvalidInput(
            _("Kolom tidak dapat diubah: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    for field in ("title", "description"):
        if field in changes and not rules.plain_text(changes[field]):
            raise errors.InvalidInput(_("Kolom ini wajib diisi."), field=field)
    if "description" in changes:
        rules.check_description(rules.plain_text(changes["description"]))
    rules.check_lengths(
        **{f: rules.plain_text(changes[f]) for f in ("title", "address") if changes.get(f)}
    )
    with transaction.atomic():
        r = _begin(report, Action.RESUBMIT, actor, expected_version)
        changes = _checked_changes(r, changes)
        for field, value in changes.items():
            setattr(r, field, rules.plain_text(value) if isinstance(value, str) else value)
        sla.set_clock(r, SlaStep.VERIFY, _now())
        event = _finish(
            r,
            Action.RESUBMIT,
            actor,
            EventKind.RESUBMITTED,
            text=(text or "").strip(),
            audience=Audience.PARTIES,
            data={"changed": sorted(changes)},
        )
        _attach(r, attachments, event, actor, public=not r.anonymous, from_reporter=True)
        receipts.issue(r)  # the completed content: the reporter's new receipt
        outbox.queue("report_resubmitted", report=r, users=recipients.dispatchers())
    return _sync(report, r)


def _checked_changes(r: Report, changes: dict) -> dict:
    """The reporter's changes to a returned report, checked by the same rules as a filing
    (`rules`), each together with what it does not change (a new desa in the old kecamatan)."""
    current = {name: changes.get(name, getattr(r, name)) for name in RESUBMITTABLE}
    checked = dict(changes)
    if "incident_date" in changes:
        rules.check_incident_date(current["incident_date"])
    if {"district", "village"} & set(changes):
        checked["district"], checked["village"] = rules.check_place(
            current["district"], current["village"]
        )
    if {"latitude", "longitude"} & set(changes):
        rules.check_point(current["latitude"], current["longitude"])
    if {"extra_answers", "category"} & set(changes):
        checked["extra_answers"] = rules.clean_answers(
            current["category"], current["extra_answers"] or {}
        )
    return checked


def do_provide_info(
    report: Report, *, actor, text: str, attachments=(), expected_version=None
) -> Report:
    """The reporter answers the agency's question; the agency's clock runs again, extended by the
    working days it waited."""
    text = _required(text, "text", _("Informasi tambahan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.PROVIDE_INFO, actor, expected_version)
        now = _now()
        assert r.paused_at is not None  # PROVIDE_INFO's state: the clock waits for the reporter
        waited = sla.working_days_between(r.paused_at, now)
        r.paused_days += waited
        r.paused_at = None
        sla.recompute_due(r)
        event = _finish(
            r,
            Action.PROVIDE_INFO,
            actor,
            EventKind.INFO_PROVIDED,
            text=text,
            audience=Audience.PARTIES,
            data={"paused_working_days": waited},
        )
        _attach(r, attachments, event, actor, public=False, from_reporter=True)
        outbox.queue("info_provided", report=r, users=recipients.handlers(r))
    return _sync(report, r)


def do_accept_answer(
    report: Report, *, actor, rating, comment: str = "", expected_version=None
) -> Report:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise errors.InvalidInput(_("Beri penilaian 1 sampai 5."), field="rating")
    with transaction.atomic():
        r = _begin(report, Action.ACCEPT_ANSWER, actor, expected_version)
        r.rating, r.rating_comment, r.closed_at = rating, (comment or "").strip(), _now()
        _end_current_disposition(r, r.closed_at)
        sla.stop_clock(r)
        _finish(
            r,
            Action.ACCEPT_ANSWER,
            actor,
            EventKind.SATISFIED,
            text=r.rating_comment,
            data={"rating": rating},
        )
        outbox.queue(
            "report_closed",
            report=r,
            users=recipients.handlers(r),
            context={"text": _("Pelapor puas (penilaian %(n)s/5).") % {"n": rating}},
        )
    return _sync(report, r)


def not_fixed_reason(details: str = "") -> str:
    """The reason recorded when a reporter answers "belum selesai" (the portal's button, an SMS or
    WhatsApp reply): the same words whichever channel it came by."""
    said = _("Pelapor menyatakan masalahnya belum selesai.")
    return f"{said} {details.strip()}".strip()


def do_reject_answer(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """Not satisfied: the report goes back to the agency, which answers again."""
    reason = _required(reason, "reason", _("Sebutkan alasan Anda tidak puas."))
    with transaction.atomic():
        r = _begin(report, Action.REJECT_ANSWER, actor, expected_version)
        r.reopen_count += 1
        if r.is_split:
            _reopen_split(r, actor, reason)
            return _sync(report, r)
        # An answer from an outside body with no agency holding the report: the dispatcher
        # decides again (forward it again, disposition it, or close it).
        back_to_dispatcher = r.agency_id is None
        sla.set_clock(r, SlaStep.VERIFY if back_to_dispatcher else SlaStep.ANSWER, _now())
        _finish(
            r,
            Action.REJECT_ANSWER,
            actor,
            EventKind.REOPENED,
            text=reason,
            audience=Audience.PARTIES,
            data={"reopen_count": r.reopen_count},
            target=Status.SUBMITTED if back_to_dispatcher else None,
        )
        outbox.queue(
            "report_reopened",
            report=r,
            users=recipients.dispatchers() if back_to_dispatcher else recipients.handlers(r),
            context={"text": reason},
        )
    return _sync(report, r)

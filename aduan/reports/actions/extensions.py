"""Deadline extensions: the agency asks, a supervisor decides."""

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.notifications import outbox, recipients

from .. import (
    errors,
    sla,
)
from ..models import (
    Audience,
    DeadlineExtension,
    EventKind,
    Report,
)
from ..transitions import Action
from ._core import _begin, _finish, _now, _required, _sync

# --- deadline extensions ----------------------------------------------------------------------

MAX_EXTENSION_DAYS = 60


def do_request_extension(
    report: Report, *, actor, working_days, reason: str, expected_version=None
) -> Report:
    """The agency asks a supervisor for more working days on its answer, saying why. One request
    waits at a time; the deadline moves only when a supervisor grants it."""
    reason = _required(reason, "reason", _("Sebutkan alasan perpanjangan."))
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        working_days = 0
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise errors.InvalidInput(
            _("Perpanjangan 1 sampai %(n)s hari kerja.") % {"n": MAX_EXTENSION_DAYS},
            field="working_days",
        )
    with transaction.atomic():
        r = _begin(report, Action.REQUEST_EXTENSION, actor, expected_version)
        r.pending_extension = DeadlineExtension.objects.create(
            report=r,
            working_days=working_days,
            reason=reason,
            requested_by=actor,
            requested_at=_now(),
            due_before=r.due_at,
        )
        _finish(
            r,
            Action.REQUEST_EXTENSION,
            actor,
            EventKind.EXTENSION_REQUESTED,
            text=reason,
            audience=Audience.INTERNAL,
            data={"working_days": working_days, "extension": r.pending_extension_id},
        )
        outbox.queue(
            "extension_requested",
            report=r,
            users=recipients.supervisors(),
            context={"text": reason, "working_days": working_days},
        )
    return _sync(report, r)


def do_decide_extension(
    report: Report, *, actor, approve: bool, note: str = "", expected_version=None
) -> Report:
    """A supervisor grants or refuses the waiting request. Granted, the answer's deadline moves
    by the working days asked (`sla.recompute_due`, the working-day calendar), the overdue mark,
    reminder and escalation of the old deadline fall away if the new one is still ahead, and the
    public timeline says by how much and why: the extension is part of the public record."""
    note = (note or "").strip()
    if not approve and not note:
        raise errors.InvalidInput(_("Sebutkan alasan penolakan."), field="note")
    with transaction.atomic():
        r = _begin(report, Action.DECIDE_EXTENSION, actor, expected_version)
        now = _now()
        assert r.pending_extension_id is not None  # the guard: an extension waits
        extension = DeadlineExtension.objects.select_for_update().get(pk=r.pending_extension_id)
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
        r.pending_extension = None
        if approve:
            before = r.due_at
            r.extension_days += extension.working_days
            sla.recompute_due(r)
            if r.due_at and r.due_at > now:
                r.escalation_level = 0
                if r.warn_at and r.warn_at > now:
                    r.reminded_at = None
            extension.state = DeadlineExtension.State.APPROVED
            extension.due_before, extension.due_after = before, r.due_at
            kind, audience, text = (
                EventKind.EXTENSION_APPROVED,
                Audience.PUBLIC,
                extension.reason,
            )
            data = {
                "working_days": extension.working_days,
                "due_before": before.isoformat() if before else None,
                "due_after": r.due_at.isoformat() if r.due_at else None,
                "until": sla.local_date(r.due_at).isoformat() if r.due_at else None,
                "extension": extension.pk,
            }
        else:
            extension.state = DeadlineExtension.State.REFUSED
            kind, audience, text = EventKind.EXTENSION_REFUSED, Audience.INTERNAL, note
            data = {"working_days": extension.working_days, "extension": extension.pk}
        extension.save()
        _finish(r, Action.DECIDE_EXTENSION, actor, kind, text=text, audience=audience, data=data)
        context = {"approved": approve, "working_days": extension.working_days, "text": note}
        outbox.queue("extension_decided", report=r, users=recipients.handlers(r), context=context)
        if approve:
            outbox.queue(
                "extension_decided",
                report=r,
                users=recipients.reporters(r),
                **recipients.contacts(r),
                context={**context, "text": extension.reason},
            )
    return _sync(report, r)

"""The system's sweeps (`tasks.py`): auto-close, auto-archive, overdue marks, reminders and
escalation."""

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.notifications import outbox, recipients

from .. import (
    sla,
)
from ..models import (
    ArchiveReason,
    Audience,
    EventKind,
    Report,
    Status,
)
from ..transitions import Action
from ._core import (
    _begin,
    _end_current_disposition,
    _event,
    _finish,
    _iso,
    _now,
    _require_due,
    _sync,
)

# --- the system (sweeps) ----------------------------------------------------------------------


# Working days a reporter still has after a reminder that could not be sent before the deadline.
VERDICT_GRACE_WORKING_DAYS = 2


def do_auto_close(report: Report) -> Report:
    """No verdict in time: the answer stands and the report closes. Never without a reminder
    first (issue 15): a report whose reminder was not sent (the yellow zone fell while the sweep
    was down, or a limit too short to have one) is reminded now instead, and gets
    VERDICT_GRACE_WORKING_DAYS more working days to answer "belum selesai"."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_CLOSE, None, None)
        _require_due(r)
        if r.reminded_at is None:
            now = _now()
            r.reminded_at, r.version = now, r.version + 1
            r.due_at = sla.add_working_days(now, VERDICT_GRACE_WORKING_DAYS)
            r.warn_at = now
            r.save()
            _remind_reporter(r)
            return _sync(report, r)
        r.closed_at = _now()
        _end_current_disposition(r, r.closed_at)
        sla.stop_clock(r)
        _finish(
            r,
            Action.AUTO_CLOSE,
            None,
            EventKind.AUTO_CLOSED,
            text=_("Ditutup otomatis karena pelapor tidak memberi tanggapan dalam batas waktu."),
        )
        outbox.queue(
            "report_closed",
            report=r,
            users=[*recipients.reporters(r), *recipients.handlers(r)],
            **recipients.contacts(r),
        )
    return _sync(report, r)


def do_auto_archive(report: Report) -> Report:
    """Returned and not completed in time."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_ARCHIVE, None, None)
        _require_due(r)
        r.archive_reason, r.closed_at = ArchiveReason.INCOMPLETE, _now()
        sla.stop_clock(r)
        _finish(
            r,
            Action.AUTO_ARCHIVE,
            None,
            EventKind.AUTO_ARCHIVED,
            audience=Audience.PARTIES,
            text=_("Diarsipkan otomatis karena tidak dilengkapi dalam batas waktu."),
        )
        outbox.queue(
            "report_archived",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"reason": ArchiveReason.INCOMPLETE.label},
        )
    return _sync(report, r)


def do_mark_overdue(report: Report) -> bool:
    """Record once that the current step passed its deadline (not a status change). Compare-and-
    swap on `overdue_since` so that two sweeps at once write one event. True if it marked it."""
    now = _now()
    with transaction.atomic():
        marked = (
            Report.objects.overdue(now)
            .filter(pk=report.pk, overdue_since__isnull=True)
            .update(overdue_since=now)
        )
        if not marked:
            return False
        r = Report.objects.select_related("agency").get(pk=report.pk)
        _event(
            r,
            EventKind.OVERDUE,
            None,
            r.status,
            r.status,
            audience=Audience.INTERNAL,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
        users = recipients.handlers(r) if r.agency_id else recipients.dispatchers()
        outbox.queue("report_overdue", report=r, users=users)
    _sync(report, r)
    return True


def do_remind(report: Report) -> bool:
    """Warn once per step that its deadline is near (the report entered the yellow zone): the
    agency's officers, the dispatchers while it waits for verification, or the reporter while it
    waits for them. Compare-and-swap on `reminded_at` (reset by every new step) so that two
    sweeps at once send one reminder. True if it reminded."""
    now = _now()
    with transaction.atomic():
        marked = Report.objects.filter(
            pk=report.pk,
            reminded_at__isnull=True,
            paused_at__isnull=True,
            warn_at__lte=now,
            due_at__gt=now,
            status__in=[*sla.STAFF_CLOCK, *sla.REPORTER_CLOCK],
        ).update(reminded_at=now)
        if not marked:
            return False
        r = Report.objects.select_related("agency").get(pk=report.pk)
        for_reporter = r.status in sla.REPORTER_CLOCK
        _event(
            r,
            EventKind.REMINDED,
            None,
            r.status,
            r.status,
            audience=Audience.PARTIES if for_reporter else Audience.INTERNAL,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
        if for_reporter:
            _remind_reporter(r, event=False)
        else:
            outbox.queue(
                "report_reminder",
                report=r,
                users=recipients.handlers(r) if r.agency_id else recipients.dispatchers(),
            )
    _sync(report, r)
    return True


def _remind_reporter(r: Report, *, event: bool = True) -> None:
    """Waiting for a verdict: the reporter is told, on their own channel, that the report closes by
    itself if they stay silent, and how to say it is not fixed ("belum selesai"); waiting for a
    completion: that it will be archived."""
    if event:
        _event(
            r,
            EventKind.REMINDED,
            None,
            r.status,
            r.status,
            audience=Audience.PARTIES,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
    kind = "verdict_reminder" if r.status == Status.RESPONDED else "report_reminder"
    outbox.queue(
        kind,
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"for_reporter": True},
    )


def do_escalate(report: Report, level: int, *, after_working_days: int) -> bool:
    """Raise an overdue report to `level` once it has been overdue `after_working_days` working
    days: level 1 tells the agency's officers (the dispatchers before a disposition) and the
    agency head; level 2 the supervisors. Levels go up one at a time, by compare-and-swap on
    `escalation_level` (reset by every new step), so each is sent once. True if it escalated."""
    now = _now()
    with transaction.atomic():
        r = (
            Report.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=report.pk)
        )
        if (
            r.status not in sla.STAFF_CLOCK
            or r.paused_at is not None
            or r.due_at is None
            or r.escalation_level != level - 1
            or now <= sla.extend_by_working_days(r.due_at, after_working_days)
        ):
            return False
        r.escalation_level = level
        r.save(update_fields=["escalation_level"])
        _event(
            r,
            EventKind.ESCALATED,
            None,
            r.status,
            r.status,
            audience=Audience.INTERNAL,
            data={"level": level, "step": r.due_step, "due_at": _iso(r.due_at)},
        )
        addresses = [r.agency.head_email] if r.agency and r.agency.head_email else []
        if level == 1:
            users = recipients.handlers(r) if r.agency_id else recipients.dispatchers()
        else:
            users, addresses = recipients.supervisors(), []
        outbox.queue(
            "report_escalated", report=r, users=users, addresses=addresses, context={"level": level}
        )
    _sync(report, r)
    return True

"""The sweeps: huey periodic tasks that move reports whose time ran out.

Each selects candidates, then calls an action that locks the row and re-checks the status and the
deadline, so two workers (or a sweep and a person) acting at once change a report exactly once,
and running a sweep twice does nothing the second time.
"""

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from aduan.ops import metrics

from . import actions, errors, sla
from .models import Report, Status

log = logging.getLogger(__name__)
BATCH = 500


def _sweep(queryset, action) -> int:
    done = 0
    for report in queryset.order_by("due_at")[:BATCH]:
        try:
            action(report)
            done += 1
        except (errors.Conflict, errors.InvalidState):
            pass  # somebody acted on it meanwhile; nothing left to do
    return done


def auto_close_unrated() -> int:
    """Answered reports without a verdict after the limit (10 working days) close."""
    return _sweep(
        Report.objects.filter(status=Status.RESPONDED, due_at__lt=timezone.now()),
        actions.do_auto_close,
    )


def auto_archive_returned() -> int:
    """Returned reports not completed in time (30 days) are archived."""
    return _sweep(
        Report.objects.filter(status=Status.RETURNED, due_at__lt=timezone.now()),
        actions.do_auto_archive,
    )


def mark_overdue() -> int:
    """Open reports past the deadline of their current step are marked once."""
    candidates = Report.objects.overdue().filter(overdue_since__isnull=True)
    return sum(actions.do_mark_overdue(report) for report in candidates.order_by("due_at")[:BATCH])


def send_reminders() -> int:
    """Reports entering the yellow zone: one reminder per step."""
    now = timezone.now()
    candidates = Report.objects.filter(
        status__in=[*sla.STAFF_CLOCK, *sla.REPORTER_CLOCK],
        reminded_at__isnull=True,
        paused_at__isnull=True,
        warn_at__lte=now,
        due_at__gt=now,
    )
    return sum(actions.do_remind(report) for report in candidates.order_by("due_at")[:BATCH])


def escalate_overdue() -> int:
    """Overdue reports go up one escalation level per threshold in ESCALATION_WORKING_DAYS (working
    days after the deadline). A working day is at least a calendar day, so the query can leave out
    everything overdue for fewer calendar days; the action checks the working days."""
    now, done = timezone.now(), 0
    for level, days in enumerate(settings.ESCALATION_WORKING_DAYS, start=1):
        candidates = Report.objects.overdue(now - dt.timedelta(days=days)).filter(
            escalation_level=level - 1
        )
        for report in candidates.order_by("due_at")[:BATCH]:
            done += actions.do_escalate(report, level, after_working_days=days)
    return done


# A report waiting for its author's KTP profile (issue 13): reminded once after a day and once
# after a week, in the app and on the author's channel; it is kept however long it waits.
AWAITING_REMINDERS = ((1, dt.timedelta(days=1)), (2, dt.timedelta(days=7)))


def remind_awaiting_profile() -> int:
    """The authors of reports still waiting for their profile, reminded once per step."""
    now, done = timezone.now(), 0
    for step, after in reversed(AWAITING_REMINDERS):  # a late sweep sends the latest step only
        candidates = Report.objects.filter(
            awaiting_profile_since__lte=now - after, awaiting_reminders__lt=step
        )
        for report in candidates.order_by("awaiting_profile_since")[:BATCH]:
            done += actions.remind_awaiting_profile(report, step, now=now)
    return done


def run_sweeps() -> dict[str, int]:
    return {
        "awaiting_profile_reminded": remind_awaiting_profile(),
        "auto_closed": auto_close_unrated(),
        "auto_archived": auto_archive_returned(),
        "marked_overdue": mark_overdue(),
        "escalated": escalate_overdue(),
        "reminded": send_reminders(),
    }


@db_periodic_task(crontab(minute="*/10"))
@lock_task("aduan-sla-sweep")
def sla_sweep() -> dict[str, int]:
    with metrics.timed("sla_sweep"):
        result = run_sweeps()
    log.info("sla sweep: %s", result)
    return result

"""The sweeps: huey periodic tasks that move reports whose time ran out.

Each selects candidates, then calls an action that locks the row and re-checks the status and the
deadline, so two workers (or a sweep and a person) acting at once change a report exactly once,
and running a sweep twice does nothing the second time.
"""

import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import actions, errors
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
    return _sweep(Report.objects.filter(status=Status.RESPONDED, due_at__lt=timezone.now()), actions.do_auto_close)


def auto_archive_returned() -> int:
    """Returned reports not completed in time (30 days) are archived."""
    return _sweep(Report.objects.filter(status=Status.RETURNED, due_at__lt=timezone.now()), actions.do_auto_archive)


def mark_overdue() -> int:
    """Open reports past the deadline of their current step are marked once."""
    candidates = Report.objects.filter(
        status__in=[Status.SUBMITTED, Status.DISPOSITIONED, Status.IN_PROGRESS],
        due_at__lt=timezone.now(), overdue_since__isnull=True, paused_at__isnull=True,
    )
    return sum(actions.do_mark_overdue(report) for report in candidates.order_by("due_at")[:BATCH])


def remind_verdict() -> int:
    """Answered reports whose verdict deadline is near: the reporter is reminded once."""
    now = timezone.now()
    candidates = Report.objects.filter(status=Status.RESPONDED, reminded_at__isnull=True, warn_at__lte=now,
                                       due_at__gt=now)
    return sum(actions.do_remind_verdict(report) for report in candidates.order_by("due_at")[:BATCH])


def run_sweeps() -> dict[str, int]:
    return {
        "verdict_reminded": remind_verdict(),
        "auto_closed": auto_close_unrated(),
        "auto_archived": auto_archive_returned(),
        "marked_overdue": mark_overdue(),
    }


@db_periodic_task(crontab(minute="*/10"))
@lock_task("aduan-sla-sweep")
def sla_sweep() -> dict[str, int]:
    result = run_sweeps()
    log.info("sla sweep: %s", result)
    return result

"""Working days and deadlines (DESIGN §4).

A limit of N working days started at moment T ends at the close (23:59:59 local time, WITA by
default) of the N-th working day after T's date; the day of T itself does not count. Working days
are Monday–Friday minus every `Holiday` row (national holidays and cuti bersama seeded from the
`holidays` package, plus those a sysadmin adds). Calendar-day limits end N×24 hours after T.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from aduan.directory.models import Holiday, SlaPolicy, SlaStep

from .models import REPORTER_CLOCK_STATUSES, STAFF_CLOCK_STATUSES

# Built-in limits, used when no SlaPolicy row matches (see `load_master_data`, which seeds them).
DEFAULT_LIMITS: dict[tuple[str, bool | None], tuple[int, bool]] = {
    (SlaStep.VERIFY, None): (3, True),
    (SlaStep.ACCEPT, None): (5, True),
    (SlaStep.ANSWER, False): (14, True),
    (SlaStep.ANSWER, True): (60, True),
    (SlaStep.VERDICT, None): (10, True),
    (SlaStep.COMPLETE, None): (30, False),
    (SlaStep.OUTSIDE, None): (10, True),
    (SlaStep.HOLD, None): (5, True),
}
DEFAULT_WARN_SHARE = 0.2
# Enough calendar days to hold any limit in working days, Lebaran included.
_HORIZON_FACTOR = 2
_HORIZON_EXTRA = 30


@dataclass(frozen=True)
class Limit:
    days: int
    working_days: bool
    warn_share: float = DEFAULT_WARN_SHARE


class Calendar:
    """Working days over a window of dates, read from the database in one query."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.holidays = set(
            Holiday.objects.filter(date__range=(start, end)).values_list("date", flat=True)
        )

    def is_working_day(self, day: dt.date) -> bool:
        if not self.start <= day <= self.end:
            raise ValueError(f"{day} is outside the calendar window {self.start}..{self.end}")
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (for 0: `day` itself)."""
        while count > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in (first, last]: how many working days passed from `first` to `last`."""
        count, day = 0, first
        while day < last:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def calendar_around(day: dt.date, days: int) -> Calendar:
    return Calendar(
        day - dt.timedelta(days=7), day + dt.timedelta(days=days * _HORIZON_FACTOR + _HORIZON_EXTRA)
    )


def end_of_day(day: dt.date) -> dt.datetime:
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    day = local_date(start)
    return end_of_day(calendar_around(day, days).add_working_days(day, days))


def working_days_between(first: dt.datetime, last: dt.datetime) -> int:
    a, b = local_date(first), local_date(last)
    if b <= a:
        return 0
    return Calendar(a, b).working_days_between(a, b)


def limit_for(
    step: str, *, classification: str = "", category_id=None, supervisory: bool = False
) -> Limit:
    """The most specific SlaPolicy for the step (category > supervisory flag > classification)."""
    best = None
    for policy in SlaPolicy.objects.filter(step=step):
        if policy.category_id and policy.category_id != category_id:
            continue
        if policy.supervisory is not None and policy.supervisory != supervisory:
            continue
        if policy.classification and policy.classification != classification:
            continue
        if best is None or policy.specificity > best.specificity:
            best = policy
    if best is not None:
        return Limit(best.days, best.working_days, best.warn_share)
    days, working = DEFAULT_LIMITS[(step, supervisory if step == SlaStep.ANSWER else None)]
    return Limit(days, working)


def deadline(limit: Limit, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """(due, warn): when the step is overdue, and when it turns yellow.

    Yellow starts at whichever comes first: one working (or calendar) day before the due date, or
    when only `warn_share` of the whole limit is left.
    """
    if limit.working_days:
        day = local_date(start)
        cal = calendar_around(day, limit.days)
        due = end_of_day(cal.add_working_days(day, limit.days))
        one_day_before = end_of_day(cal.add_working_days(day, max(limit.days - 1, 0)))
    else:
        due = start + dt.timedelta(days=limit.days)
        one_day_before = due - dt.timedelta(days=1)
    by_share = due - (due - start) * limit.warn_share
    return due, max(start, min(one_day_before, by_share))


def deadline_for(report, step: str, start: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    limit = limit_for(
        step,
        classification=report.classification,
        category_id=report.category_id,
        supervisory=report.supervisory,
    )
    return deadline(limit, start)


def extend_by_working_days(moment: dt.datetime, days: int) -> dt.datetime:
    """Move a deadline later by `days` working days, keeping its time of day."""
    if days <= 0:
        return moment
    local = timezone.localtime(moment)
    day = calendar_around(local.date(), days).add_working_days(local.date(), days)
    return local.replace(year=day.year, month=day.month, day=day.day)


# Whose clock runs in which status: staff (reminded and escalated) or the reporter (reminded only).
STAFF_CLOCK = STAFF_CLOCK_STATUSES
REPORTER_CLOCK = REPORTER_CLOCK_STATUSES


def set_clock(report, step: str, start: dt.datetime) -> None:
    """Start the clock of a new step on `report` (not saved): a fresh deadline, nothing paused,
    reminded or escalated yet. Called by the life-cycle actions."""
    report.due_step, report.clock_started_at = step, start
    report.paused_days, report.paused_at, report.extension_days = 0, None, 0
    report.overdue_since, report.reminded_at, report.escalation_level = None, None, 0
    report.due_at, report.warn_at = deadline_for(report, step, start)


def set_follow_up(report, day: dt.date, now: dt.datetime) -> None:
    """An agency's scheduled follow-up (issue 15): its promised day is its next deadline, warned a
    working day before (or at once when that is already past)."""
    set_clock(report, SlaStep.ANSWER, now)
    report.due_at, report.warn_at = _follow_up_deadline(day, now)


def _follow_up_deadline(day: dt.date, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    due = end_of_day(day)
    return due, max(now, due - dt.timedelta(days=1))


def recompute_due(report) -> None:
    """Deadline of the current step from its start, plus the working days it was paused and those
    a supervisor granted (`extension_days`); a scheduled follow-up keeps its promised day."""
    if getattr(report, "follow_up_on", None) and report.due_step == SlaStep.ANSWER:
        due, warn = _follow_up_deadline(report.follow_up_on, report.clock_started_at)
    else:
        due, warn = deadline_for(report, report.due_step, report.clock_started_at)
    added = report.paused_days + report.extension_days
    report.due_at = extend_by_working_days(due, added)
    report.warn_at = extend_by_working_days(warn, added)
    if report.overdue_since and report.due_at > timezone.now():
        report.overdue_since = None


def stop_clock(report) -> None:
    report.due_step, report.due_at, report.warn_at = "", None, None
    report.clock_started_at, report.paused_at, report.paused_days = None, None, 0
    report.extension_days = 0


class Zone:
    GREEN, YELLOW, RED, PAUSED = "green", "yellow", "red", "paused"


def zone(report, now: dt.datetime | None = None) -> str | None:
    """green / yellow / red for an open report with a clock; paused while waiting for the
    reporter."""
    if report.due_at is None:
        return None
    if report.paused_at is not None:
        return Zone.PAUSED
    now = now or timezone.now()
    if now > report.due_at:
        return Zone.RED
    if report.warn_at and now >= report.warn_at:
        return Zone.YELLOW
    return Zone.GREEN

"""Dashboard figures (DESIGN §5, issue 4): per agency, per category and per kecamatan for a
period. A fixed number of queries whatever the number of reports: one grouped aggregate per
grouping, one for the acceptances, one for the answers, one for the calendar, one for the trend
and one for the share by status. Medians in working days are computed in Python over the rows of
those two queries.

"Received" counts the reports submitted in the period, grouped by the agency that holds them now.
"Answered on time" is the share of answers (every round) given within the agency's limit.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.reports import sla
from aduan.reports.models import (
    OPEN_STATUSES,
    AnswerOutcome,
    Disposition,
    EventKind,
    ReportQuerySet,
    Status,
    TimelineEvent,
)
from aduan.reports.visibility import staff_reports

from .filters import Period

GROUPS = {
    "agency": ("agency", "agency__short_name"),
    "category": ("category", "category__name"),
    "district": ("district", "district__name"),
}
# What the dashboard, the public statistics, the recurring problems and the evidence pack count as
# open and as reopened (the reporter said "not satisfied" at least once: `do_reject_answer`).
OPEN = Q(status__in=OPEN_STATUSES)
REOPENED = Q(reopen_count__gt=0)
NONE_NAMES = {
    "agency": _("Belum didisposisikan"),
    "category": _("Tanpa kategori"),
    "district": _("Tanpa kecamatan"),
}


@dataclass
class Row:
    key: object
    name: str
    received: int = 0
    open: int = 0
    overdue: int = 0
    answered: int = 0
    reopened: int = 0
    avg_rating: float | None = None
    # The outcome of each report's latest answer (issue 15): fixed, scheduled, cannot be done.
    done: int = 0
    scheduled: int = 0
    cannot: int = 0
    answers: int = 0
    answers_on_time: int = 0
    accept_days: list = field(default_factory=list)
    answer_days: list = field(default_factory=list)

    @property
    def on_time_pct(self):
        return round(100 * self.answers_on_time / self.answers) if self.answers else None

    @property
    def reopen_pct(self):
        return round(100 * self.reopened / self.answered) if self.answered else None

    @property
    def median_accept(self):
        return round(statistics.median(self.accept_days), 1) if self.accept_days else None

    @property
    def median_answer(self):
        return round(statistics.median(self.answer_days), 1) if self.answer_days else None

    @property
    def param(self):
        return "none" if self.key is None else str(self.key)  # a pk: the template joins it to a URL


def _aggregate(base, group: str, now) -> dict:
    key, name = GROUPS[group]
    rows = {}
    for values in (
        base.values(key, name)
        .annotate(
            received=Count("id"),
            open=Count("id", filter=OPEN),
            overdue=Count("id", filter=ReportQuerySet.overdue_q(now)),
            answered=Count("id", filter=Q(responded_at__isnull=False)),
            reopened=Count("id", filter=REOPENED),
            avg_rating=Avg("rating"),
            done=Count("id", filter=Q(answer_outcome=AnswerOutcome.DONE)),
            scheduled=Count("id", filter=Q(answer_outcome=AnswerOutcome.SCHEDULED)),
            cannot=Count("id", filter=Q(answer_outcome=AnswerOutcome.CANNOT)),
        )
        .order_by(name)
    ):
        rows[values[key]] = Row(
            values[key],
            values[name] or str(NONE_NAMES[group]),
            values["received"],
            values["open"],
            values["overdue"],
            values["answered"],
            values["reopened"],
            round(values["avg_rating"], 2) if values["avg_rating"] is not None else None,
            done=values["done"],
            scheduled=values["scheduled"],
            cannot=values["cannot"],
        )
    return rows


def dashboard(period: Period, now=None, scope=None) -> dict:
    now = now or timezone.now()
    base = period.filter(scope if scope is not None else staff_reports())
    tables = {group: _aggregate(base, group, now) for group in GROUPS}
    accepted = list(
        Disposition.objects.filter(report__in=base, accepted_at__isnull=False).values_list(
            "report__agency",
            "report__category",
            "report__district",
            "created_at",
            "accepted_at",
            named=True,
        )
    )
    answered = list(
        TimelineEvent.objects.filter(report__in=base, kind=EventKind.ANSWERED).values_list(
            "report__agency",
            "report__category",
            "report__district",
            "report__dispositioned_at",
            "created_at",
            "data",
            named=True,
        )
    )
    # One calendar over every date involved (a clock set wrong on a server must not break the page).
    days = [sla.local_date(m) for row in accepted for m in (row.created_at, row.accepted_at)] + [
        sla.local_date(m)
        for row in answered
        for m in (row.report__dispositioned_at, row.created_at)
        if m
    ]
    calendar = sla.Calendar(
        min([period.start, *days]) - dt.timedelta(days=1),
        max([timezone.localdate(now), period.end, *days]) + dt.timedelta(days=1),
    )

    def keys(row) -> tuple:
        """The report's key in each table of GROUPS, in GROUPS' order."""
        return row.report__agency, row.report__category, row.report__district

    def working_days(a, b):
        return calendar.working_days_between(sla.local_date(a), sla.local_date(b)) if b > a else 0

    for row in accepted:
        waited = working_days(row.created_at, row.accepted_at)
        for group, k in zip(GROUPS, keys(row), strict=True):
            if k in tables[group]:
                tables[group][k].accept_days.append(waited)
    for row in answered:
        data = row.data
        for group, k in zip(GROUPS, keys(row), strict=True):
            target = tables[group].get(k)
            if target is None:
                continue
            target.answers += 1
            target.answers_on_time += bool(data.get("on_time", True))
            dispositioned = row.report__dispositioned_at
            if data.get("round") == 1 and dispositioned:
                target.answer_days.append(working_days(dispositioned, row.created_at))
    agencies = list(tables["agency"].values())
    total = Row(None, "Total")
    for row in agencies:
        for attr in (
            "received",
            "open",
            "overdue",
            "answered",
            "reopened",
            "answers",
            "answers_on_time",
            "done",
            "scheduled",
            "cannot",
        ):
            setattr(total, attr, getattr(total, attr) + getattr(row, attr))
        total.accept_days += row.accept_days
        total.answer_days += row.answer_days
    ratings = base.aggregate(avg=Avg("rating"))["avg"]
    total.avg_rating = round(ratings, 2) if ratings is not None else None
    return {
        "agencies": agencies,
        "categories": list(tables["category"].values()),
        "districts": list(tables["district"].values()),
        "total": total,
        "trend": trend(period, scope),
        "status_share": status_share(base),
    }


def trend(period: Period, scope=None, months: int = 12) -> list[tuple[dt.date, int]]:
    """Reports received per month, the `months` months up to the period's end (empty months as
    0)."""
    first = (period.end.replace(day=1) - dt.timedelta(days=31 * (months - 1))).replace(day=1)
    tz = timezone.get_current_timezone()
    lo = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    hi = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    qs = (scope if scope is not None else staff_reports()).filter(
        submitted_at__gte=lo, submitted_at__lt=hi
    )
    counts = defaultdict(int)
    for month, n in (
        qs.annotate(m=TruncMonth("submitted_at", tzinfo=tz))
        .values_list("m")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(month.year, month.month)] += n
    out, day = [], first
    while day <= period.end:
        out.append((day, counts[(day.year, day.month)]))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out[-months:]


def status_share(base) -> list[tuple[str, str, int]]:
    counts = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    return [(value, label, counts.get(value, 0)) for value, label in Status.choices]

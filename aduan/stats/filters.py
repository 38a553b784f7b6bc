"""The filters shared by the staff report list, its exports and the dashboard, so that every
number on the dashboard clicks through to exactly the reports behind it."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.ops.filter_dates import filter_date
from aduan.reports.models import EventKind, Status, TimelineEvent


def late_answer_exists():
    return Exists(
        TimelineEvent.objects.filter(
            report=OuterRef("pk"), kind=EventKind.ANSWERED, data__on_time=False
        )
    )


METRICS = {
    "received": _("Diterima"),
    "open": _("Belum selesai"),
    "overdue": _("Melewati batas waktu"),
    "answered": _("Sudah ditindaklanjuti"),
    "answered_late": _("Tindak lanjut terlambat"),
    "reopened": _("Dibuka kembali"),
    "rated": _("Dinilai pelapor"),
    "done": _("Selesai ditangani"),
    "scheduled": _("Dijadwalkan"),
    "cannot": _("Tidak dapat ditangani"),
}
OUTCOME_METRICS = ("done", "scheduled", "cannot")  # the latest answer's outcome (issue 15)


def apply_metric(qs: QuerySet, metric: str, now=None) -> QuerySet:
    now = now or timezone.now()
    if metric == "open":
        return qs.open()
    if metric == "overdue":
        return qs.overdue(now)
    if metric == "answered":
        return qs.filter(responded_at__isnull=False)
    if metric == "answered_late":
        return qs.filter(late_answer_exists())
    if metric == "reopened":
        return qs.filter(reopen_count__gt=0)
    if metric == "rated":
        return qs.filter(rating__isnull=False)
    if metric in OUTCOME_METRICS:
        return qs.filter(answer_outcome=metric)
    return qs


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def from_params(cls, params, *, default_month=True):
        start = filter_date(params.get("dari"), "dari")
        end = filter_date(params.get("sampai"), "sampai")
        if start is None and end is None and not default_month:
            return None
        today = timezone.localdate()
        start = start or today.replace(day=1)
        end = end or today
        if end < start:
            start, end = end, start
        return cls(start, end)

    def bounds(self):
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )

    def filter(self, qs: QuerySet) -> QuerySet:
        lo, hi = self.bounds()
        return qs.filter(submitted_at__gte=lo, submitted_at__lt=hi)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def params(self) -> str:
        return f"dari={self.start.isoformat()}&sampai={self.end.isoformat()}"


def filter_reports(qs: QuerySet, params, now=None) -> QuerySet:
    """Apply the list's GET parameters (all optional, unknown values ignored)."""
    period = Period.from_params(params, default_month=False)
    if period:
        qs = period.filter(qs)
    status = params.get("status")
    if status in Status.values:
        qs = qs.filter(status=status)
    elif status == "open":
        qs = qs.open()
    agency = params.get("agency")
    if agency == "none":
        qs = qs.filter(agency__isnull=True)
    elif _int(agency):
        qs = qs.filter(agency_id=_int(agency))
    sub_unit = params.get("sub_unit")
    if sub_unit == "none":
        qs = qs.filter(sub_unit__isnull=True)
    elif _int(sub_unit):
        qs = qs.filter(sub_unit_id=_int(sub_unit))
    if params.get("category") == "none":
        qs = qs.filter(category__isnull=True)
    elif _int(params.get("category")):
        qs = qs.filter(category_id=_int(params.get("category")))
    if params.get("district") == "none":
        qs = qs.filter(district__isnull=True)
    elif params.get("district"):
        qs = qs.filter(district_id=params.get("district"))
    for field in ("classification", "channel"):
        if params.get(field):
            qs = qs.filter(**{field: params.get(field)})
    qs = qs.in_zone(params.get("zone"), now)
    if params.get("metric") in METRICS:
        qs = apply_metric(qs, params["metric"], now)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(code__iexact=q) | Q(title__icontains=q))
    return qs


def by_deadline(qs: QuerySet) -> QuerySet:
    return qs.order_by(F("due_at").asc(nulls_last=True), "submitted_at", "id")


def by_priority(qs: QuerySet) -> QuerySet:
    """The dispatcher's queue and the agency inbox: the most urgent first, then the nearest
    deadline (indexes `report_status_priority` and `report_inbox_priority`)."""
    return qs.order_by("priority", F("due_at").asc(nulls_last=True), "submitted_at", "id")

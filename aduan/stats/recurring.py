"""Recurring problems (issue 17): the same problem reported again and again in one desa, found
over a period for supervisors, the monthly evaluation and the evidence pack.

1. SQL first: the period's reports (not archived, with a desa and a category) are counted per
   (desa, category); the `MAX_GROUPS` groups with at least `min_reports` reports are kept, the
   largest first. One query, whatever the number of reports.
2. The same count for the period before, as long, of those groups (the group's trend).
3. The text of the `MAX_PER_GROUP` most recent reports of each kept group, in one query (a row
   number per group), the title and the description's first `TEXT_CHARS` characters.
4. Within each group only, the texts are compared with the duplicate detector's own similarity
   (`triage.similarity`): two reports are linked when `find_duplicates` would call them likely
   duplicates (in the same desa, so with its same-desa bonus); the linked sets (connected
   components) of at least `min_reports` reports are the recurring problems.
5. Per problem: its reports, how many are open and reopened (the dashboard's definitions,
   `figures.OPEN` and `figures.REOPENED`, evaluated in the same query), the count per month of
   the period, the most typical report's title (the one most similar to the others) and the
   newest codes as examples.

The work is capped (at most MAX_GROUPS x MAX_PER_GROUP texts are compared), so 100,000 reports in
a period cost one grouped aggregate and a bounded comparison; a group larger than the cap is
compared on its newest reports, and the problem says how many were compared.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Window
from django.db.models.functions import RowNumber, Substr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aduan.reports.models import Status
from aduan.reports.visibility import public_reports, shown_text, staff_reports
from aduan.triage import duplicates
from aduan.triage.similarity import pairwise_similarity

from .figures import OPEN, REOPENED
from .filters import Period

MIN_REPORTS = 2
# The cost is the character n-grams of each compared text (about 0.5 ms for 400 characters on the
# shared 2-core machine): at most MAX_GROUPS x MAX_PER_GROUP = 6,000 texts, about 3 seconds in the
# worst case, whatever the number of reports; the page keeps the result DASHBOARD_CACHE_SECONDS.
MAX_GROUPS = 60
MAX_PER_GROUP = 100
TEXT_CHARS = 400
EXAMPLES = 5
# A pair in one desa that `find_duplicates` would show as a likely duplicate.
SIMILARITY = duplicates.THRESHOLD - duplicates.SAME_VILLAGE_BONUS


@dataclass
class Member:
    pk: int
    code: str
    title: str
    submitted_at: dt.datetime
    status: str
    is_open: bool
    is_reopened: bool


@dataclass
class RecurringProblem:
    village_id: str
    village: str
    district: str
    category_id: int
    category: str
    members: list[Member]  # newest first
    title: str  # the most typical report's title, as staff read it
    months: list[tuple[dt.date, int]]
    group_count: int  # every report of the desa and category in the period
    group_previous: int  # the same, in the period before, as long
    compared: int  # reports of the group compared by text (at most MAX_PER_GROUP)
    public_examples: list[tuple[str, str]] = field(default_factory=list)  # (code, public title)

    @property
    def count(self) -> int:
        return len(self.members)

    @property
    def open(self) -> int:
        return sum(m.is_open for m in self.members)

    @property
    def reopened(self) -> int:
        return sum(m.is_reopened for m in self.members)

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.members[:EXAMPLES]]

    @property
    def trend(self) -> str:
        """ "up", "down" or "same": the group this period against the period before."""
        if self.group_count > self.group_previous:
            return "up"
        return "down" if self.group_count < self.group_previous else "same"


def previous(period: Period) -> Period:
    end = period.start - dt.timedelta(days=1)
    return Period(end - dt.timedelta(days=period.days - 1), end)


def months_of(period: Period) -> list[dt.date]:
    out, day = [], period.start.replace(day=1)
    while day <= period.end:
        out.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return out


def _eligible(qs):
    return qs.exclude(status=Status.ARCHIVED).filter(village__isnull=False, category__isnull=False)


def _groups(scope, period: Period, min_reports: int) -> list[dict]:
    return list(
        _eligible(period.filter(scope))
        .values("village", "village__name", "district__name", "category", "category__name")
        .annotate(n=Count("id"))
        .filter(n__gte=min_reports)
        .order_by("-n", "village", "category")[:MAX_GROUPS]
    )


def _previous_counts(scope, period: Period, villages: set) -> dict:
    rows = (
        _eligible(previous(period).filter(scope))
        .filter(village__in=villages)
        .values_list("village", "category")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(v, c): n for v, c, n in rows}


def _members(scope, period: Period, keys: set) -> dict:
    """The newest MAX_PER_GROUP reports of each (desa, category) in `keys`, in one query."""
    qs = (
        _eligible(period.filter(scope))
        .filter(village__in={v for v, _c in keys}, category__in={c for _v, c in keys})
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("village"), F("category")],
                order_by=[F("submitted_at").desc(), F("id").desc()],
            ),
            excerpt=Substr("description", 1, TEXT_CHARS),
            is_open=ExpressionWrapper(OPEN, output_field=BooleanField()),
            is_reopened=ExpressionWrapper(REOPENED, output_field=BooleanField()),
        )
        .filter(row__lte=MAX_PER_GROUP)
        .values_list(
            "village",
            "category",
            "pk",
            "code",
            "title",
            "excerpt",
            "submitted_at",
            "status",
            "is_open",
            "is_reopened",
        )
    )
    found: dict = defaultdict(list)
    for village, category, *rest in qs:
        if (village, category) in keys:
            found[(village, category)].append(rest)
    return found


def _clusters(rows: list, min_reports: int) -> list[tuple[list[int], int]]:
    """[(indexes of the linked reports, index of the most typical one)] of one group."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    similarity = pairwise_similarity([f"{r[2]}\n{r[3]}" for r in rows])
    linked = similarity >= SIMILARITY
    _n, labels = connected_components(csr_matrix(linked), directed=False)
    found = []
    for label in np.unique(labels):
        indexes = [int(i) for i in np.flatnonzero(labels == label)]
        if len(indexes) < min_reports:
            continue
        within = similarity[np.ix_(indexes, indexes)].sum(axis=1)
        found.append((indexes, indexes[int(np.argmax(within))]))
    return found


def find(period: Period, *, min_reports: int = MIN_REPORTS, scope=None) -> list[RecurringProblem]:
    """The recurring problems of `period`, the most reported first (see the module's steps).
    `scope`: the reports to look at (default all; the evidence pack leaves confidential ones out,
    since a desa, a category and a count of them would be a drill-down of confidential reports)."""
    scope = staff_reports() if scope is None else scope
    min_reports = max(2, min_reports)
    groups = _groups(scope, period, min_reports)
    if not groups:
        return []
    keys = {(g["village"], g["category"]) for g in groups}
    before = _previous_counts(scope, period, {v for v, _c in keys})
    members = _members(scope, period, keys)
    months = months_of(period)
    problems = []
    for g in groups:
        key = (g["village"], g["category"])
        rows = members.get(key, [])
        for indexes, typical in _clusters(rows, min_reports):
            chosen = sorted((rows[i] for i in indexes), key=lambda r: r[4], reverse=True)
            per_month: dict = defaultdict(int)
            for r in chosen:
                local = timezone.localtime(r[4]).date()
                per_month[local.replace(day=1)] += 1
            problems.append(
                RecurringProblem(
                    village_id=g["village"],
                    village=g["village__name"],
                    district=g["district__name"] or "",
                    category_id=g["category"],
                    category=g["category__name"],
                    members=[Member(r[0], r[1], r[2], r[4], r[5], r[6], r[7]) for r in chosen],
                    title=rows[typical][2],
                    months=[(m, per_month[m]) for m in months],
                    group_count=g["n"],
                    group_previous=before.get(key, 0),
                    compared=len(rows),
                )
            )
    problems.sort(key=lambda p: (-p.count, -p.reopened, -p.open, p.village, p.category))
    return problems


def with_public_examples(problems: list[RecurringProblem]) -> list[RecurringProblem]:
    """Fill each problem's `public_examples` with what the public may read of its reports: only
    public ones (`visibility.public_reports`), in their public text (`shown_text` for nobody), for
    the evidence pack that leaves the regency. One query."""
    wanted = {m.pk for p in problems for m in p.members[:EXAMPLES]}
    shown = {
        r.pk: (r.code, shown_text(r, None).title)
        for r in public_reports()
        .filter(pk__in=wanted)
        .only("pk", "code", "title", "public_title", "reporter_id", "filed_by_id")
    }
    for p in problems:
        p.public_examples = [shown[m.pk] for m in p.members[:EXAMPLES] if m.pk in shown]
    return problems


def table(problems: list[RecurringProblem], *, public: bool) -> tuple[list[str], list[list]]:
    """(header, rows) of the problems for a file: the monthly evaluation (staff: the typical
    title and the example codes) or the evidence pack (`public`: only the public examples, in
    their public words, from `with_public_examples`)."""
    header = [
        _("Kategori"),
        _("Desa/kelurahan"),
        _("Kecamatan"),
        _("Laporan"),
        _("Belum selesai"),
        _("Dibuka kembali"),
        _("Per bulan"),
        _("Desa dan kategori: periode ini / sebelumnya"),
        _("Contoh laporan publik") if public else _("Judul dan contoh"),
    ]
    rows = []
    for p in problems:
        if public:
            examples = "; ".join(f"{code} {title}" for code, title in p.public_examples) or "-"
        else:
            examples = f"{p.title} ({', '.join(p.codes)})"
        rows.append(
            [
                p.category,
                p.village,
                p.district,
                p.count,
                p.open,
                p.reopened,
                ", ".join(f"{date_format(m, 'M Y')}: {n}" for m, n in p.months),
                f"{p.group_count} / {p.group_previous}",
                examples,
            ]
        )
    return header, rows

"""The public feed (DESIGN §2, §5): only reports that may be public, reporter names masked or
"Anonim", filters, search in Bahasa Indonesia (ranked, highlighted) and pagination."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from aduan.core import fragments
from aduan.core.paging import BoundedPaginator
from aduan.ops.replica import replica_reads
from aduan.reports.models import Support
from aduan.reports.visibility import present_reporter, public_reports, shown_text
from aduan.search.backends import rank

from .forms import FeedFilterForm

PAGE_SIZE = 20


class RankedResults:
    """Search hits as a sequence the paginator pages through: one ranking per request (at most
    MAX_CANDIDATES results, see `aduan.search.backends`), then the page's reports, each with its
    highlighted title and snippet."""

    def __init__(self, query: str, within):
        self.within = within
        self.ranking = rank(None, query, within=within)

    @property
    def capped(self) -> bool:
        return self.ranking.capped

    def __len__(self) -> int:
        return self.ranking.total

    def __getitem__(self, window: slice):
        page = self.ranking.page(window.start, window.stop - window.start)
        reports = _listed(self.within.filter(pk__in=[hit.report.pk for hit in page.hits])).in_bulk()
        rows = []
        for hit in page.hits:
            if hit.report.pk in reports:
                report = reports[hit.report.pk]
                report.highlighted_title, report.snippet = hit.title, hit.snippet
                rows.append(report)
        return rows


def _listed(reports):
    # A correlated count, computed for the page's rows only: `annotate(Count("supports"))` would
    # group every public report before the page is cut (1 s at 10,000 reports under load).
    supports = (
        Support.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return reports.select_related("category", "agency", "district", "reporter").annotate(
        support_count=Coalesce(Subquery(supports), 0)
    )


@replica_reads
def feed(request):
    """Public reports, newest first, or the search results: the list is the same for every viewer,
    so it is kept rendered until a report changes (`fragments`)."""
    listing = fragments.cached(
        "feed", (request.GET.urlencode(),), lambda: _feed_listing(request.GET)
    )
    return render(
        request, "web/feed.html", {"listing": mark_safe(listing)}
    )  # rendered (escaped) by _feed_list.html


def _feed_listing(get) -> str:
    form = FeedFilterForm(get or None)
    reports, query = public_reports(), ""
    if form.is_valid():
        data = form.cleaned_data
        query = (data["q"] or "").strip()
        for field in ("category", "agency", "district", "status"):
            if data[field]:
                reports = reports.filter(**{field: data[field]})
    listed = (
        RankedResults(query, reports)
        if query
        else _listed(reports).order_by("-submitted_at", "-id")
    )
    paginator = BoundedPaginator(listed, PAGE_SIZE)
    page = paginator.get_page(get.get("halaman"))
    rows = [(report, present_reporter(report, None), shown_text(report, None)) for report in page]
    params = get.copy()
    params.pop("halaman", None)
    return render_to_string(
        "web/_feed_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": params.urlencode(),
            "more": listed.capped if query else paginator.capped,
        },
    )

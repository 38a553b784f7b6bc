"""The public feed (DESIGN §2, §5): only reports that may be public, reporter names masked or
"Anonim", filters and pagination."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import render

from aduan.reports.visibility import present_reporter, public_reports

from .forms import FeedFilterForm

PAGE_SIZE = 20


def feed(request):
    form = FeedFilterForm(request.GET or None)
    reports = public_reports()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            reports = reports.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
        for field in ("category", "agency", "district", "status"):
            if data[field]:
                reports = reports.filter(**{field: data[field]})
    reports = (reports.select_related("category", "agency", "district", "reporter")
               .annotate(support_count=Count("supports")).order_by("-submitted_at", "-id"))
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("halaman"))
    rows = [(report, present_reporter(report, None)) for report in page]
    query = request.GET.copy()
    query.pop("halaman", None)
    return render(request, "web/feed.html", {"form": form, "page": page, "rows": rows, "query": query.urlencode()})

"""The public statistics page (issue 17): per agency and per kecamatan, with each figure's
definition, monthly trends and a CSV, for anyone without logging in.

The figures are `figures.dashboard` itself, over the same reports, so the public and the
supervisors read the same numbers for the same month (tests/test_stats_public.py checks it).
Aggregates only: no figure links to a report, so confidential reports are counted and never
shown. The public picks a month (finite cache keys: a visitor cannot make the server compute an
arbitrary period on every request); each month is kept DASHBOARD_CACHE_SECONDS.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.core.remembered import remembered
from aduan.ops.filter_dates import filter_month
from aduan.ops.replica import replica_reads

from . import cells, charts, figures
from .filters import Period

TREND_MONTHS = 6


def month_period(first: dt.date) -> Period:
    return Period(first, (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))


def _month_figures(first: dt.date) -> dict:
    """The dashboard's figures of one month, cached (a past month changes little)."""

    def compute() -> dict:
        data = figures.dashboard(month_period(first))
        data["computed_at"] = timezone.now()
        return data

    key = f"stats:public:{first.isoformat()}:{get_language()}"
    return remembered(key, settings.DASHBOARD_CACHE_SECONDS, compute)


def _months_back(first: dt.date, n: int) -> list[dt.date]:
    months = [first]
    while len(months) < n:
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return list(reversed(months))


def public_figures(first: dt.date) -> dict:
    data = _month_figures(first)
    trend = [(month, _month_figures(month)["total"]) for month in _months_back(first, TREND_MONTHS)]
    return {
        **data,
        "period": month_period(first),
        "month_trend": trend,
        "trend_chart": charts.trend_chart([(month, total.received) for month, total in trend]),
    }


COLUMNS = (
    ("received", gettext_lazy("Diterima")),
    ("on_time_pct", gettext_lazy("Tepat waktu (%)")),
    ("median_answer", gettext_lazy("Median hari kerja sampai tindak lanjut")),
    ("reopen_pct", gettext_lazy("Dibuka kembali (%)")),
    ("done", gettext_lazy("Selesai ditangani")),
    ("scheduled", gettext_lazy("Dijadwalkan")),
    ("cannot", gettext_lazy("Tidak dapat ditangani")),
    ("avg_rating", gettext_lazy("Rata-rata penilaian")),
    ("open", gettext_lazy("Belum selesai")),
)


def _csv(data: dict, first: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistik-{first:%Y-%m}.csv"'
    writer = cells.csv_writer(response)
    writer.writerow([_("Bulan"), _("Kelompok"), _("Nama"), *[str(label) for _k, label in COLUMNS]])
    groups = (
        (_("Perangkat daerah"), data["agencies"]),
        (_("Kecamatan"), data["districts"]),
        (_("Total"), [data["total"]]),
    )
    for group, rows in groups:
        for row in rows:
            values = ["" if getattr(row, k) is None else getattr(row, k) for k, _label in COLUMNS]
            writer.writerow(
                [cells.for_csv(v) for v in (f"{first:%Y-%m}", group, row.name, *values)]
            )
    return response


@require_GET
@replica_reads
def statistics(request):
    today = timezone.localdate()
    first = filter_month(request.GET.get("bulan"), "bulan") or today.replace(day=1)
    if first > today:
        first = today.replace(day=1)
    data = public_figures(first)
    if request.GET.get("format") == "csv":
        return _csv(data, first)
    return render(
        request,
        "stats/public.html",
        {
            **data,
            "month": first,
            "months": _months_back(today.replace(day=1), 24)[::-1],
            "title": _("Statistik pengaduan"),
        },
    )


@require_GET
def open_data(request, name):
    """The files of the last open-data export (`opendata.export`, nightly). Before the first
    one (a new installation), the first download writes them, once: whoever asks meanwhile is
    told to try again shortly (503), not sent a 404 for a link the page shows."""
    from django.core.files.storage import default_storage
    from django.http import FileResponse, Http404

    from . import opendata

    if name not in opendata.FILES:
        raise Http404
    path = f"{opendata.DIRECTORY}/{name}"
    if not default_storage.exists(path):
        if not cache.add("opendata:first-export", True, timeout=300):
            busy = HttpResponse(
                _("Data terbuka sedang disiapkan. Silakan coba lagi sebentar lagi."),
                status=503,
                content_type="text/plain; charset=utf-8",
            )
            busy["Retry-After"] = "30"
            return busy
        try:
            opendata.export()
        finally:
            cache.delete("opendata:first-export")
    try:
        stored = default_storage.open(path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(stored, content_type=opendata.FILES[name], as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="aduan-{name}"'
    return response

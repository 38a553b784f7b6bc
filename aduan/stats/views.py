"""Supervisor dashboard, overdue list and the monthly evaluation report."""

import datetime as dt
import logging

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from aduan.accounts.access import staff_only
from aduan.core.remembered import remembered
from aduan.ops.filter_dates import filter_month
from aduan.reports import sla
from aduan.reports.attachments import open_stored
from aduan.reports.models import Report

from . import charts, choropleth, figures, recurring
from .exports import XLSX_TYPE
from .filters import Period, by_deadline
from .models import EvaluationReport
from .tasks import generate_evaluation

log = logging.getLogger(__name__)


@staff_only(roles=("dispatcher", "supervisor"))
def dashboard(request):
    period = Period.from_params(request.GET)
    return render(
        request,
        "stats/dashboard.html",
        {
            **_dashboard_figures(period),
            "period": period,
            "title": _("Dasbor pengawasan"),
            "cache_seconds": settings.DASHBOARD_CACHE_SECONDS,
        },
    )


def _dashboard_figures(period: Period) -> dict:
    """The figures and charts of a period, kept in the cache for DASHBOARD_CACHE_SECONDS.

    Every figure aggregates all the reports of the period (and the trend a whole year of them), so
    its cost grows with the archive: about a second at a million reports. Supervisors watching
    the same month share one computation per interval, and the page says when it was made.
    """
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"stats:dashboard:{period.start.isoformat()}:{period.end.isoformat()}:{get_language()}"
    return remembered(key, seconds, lambda: _dashboard_data(period, seconds))


def _dashboard_data(period, seconds: int) -> dict:
    data = figures.dashboard(period)
    data.update(
        {
            "trend_chart": charts.trend_chart(data["trend"]),
            "share_chart": charts.share_chart(data["status_share"]),
            "kecamatan_maps": choropleth.kecamatan_maps(data["districts"]),
            "computed_at": timezone.now(),
        }
    )
    # Drawing the tables (every agency, category and kecamatan) costs as much as reading the
    # cached figures: they are kept drawn, too.
    data["figures_html"] = render_to_string(
        "stats/_figures.html", {**data, "period": period, "cache_seconds": seconds}
    )
    return data


def _recurring_period(params) -> Period:
    """The chosen period, or by default the month so far and the two before it (a problem recurs
    over months, not days)."""
    chosen = Period.from_params(params, default_month=False)
    if chosen is not None:
        return chosen
    today = timezone.localdate()
    start = (today.replace(day=1) - dt.timedelta(days=40)).replace(day=1)
    return Period(start, today)


def _min_reports(value) -> int:
    try:
        return min(max(int(value), recurring.MIN_REPORTS), 50)
    except (TypeError, ValueError):
        return recurring.MIN_REPORTS


@staff_only(roles=("dispatcher", "supervisor"))
def recurring_problems(request):
    """Reports of one desa and category that keep coming back with similar words (issue 17)."""
    period = _recurring_period(request.GET)
    min_reports = _min_reports(request.GET.get("minimal"))
    key = f"stats:recurring:{period.start.isoformat()}:{period.end.isoformat()}:{min_reports}"
    problems = remembered(
        key,
        settings.DASHBOARD_CACHE_SECONDS,
        lambda: recurring.find(period, min_reports=min_reports),
    )
    return render(
        request,
        "stats/recurring.html",
        {
            "problems": problems,
            "period": period,
            "previous": recurring.previous(period),
            "min_reports": min_reports,
            "max_groups": recurring.MAX_GROUPS,
            "max_per_group": recurring.MAX_PER_GROUP,
            "title": _("Masalah berulang"),
        },
    )


@staff_only(roles=("dispatcher", "supervisor"))
def overdue(request):
    """Every open report past the deadline of a step staff hold, the oldest deadline first."""
    qs = by_deadline(Report.objects.overdue().select_related("agency", "category"))
    rows = list(qs[:1000])
    for r in rows:
        r.zone = sla.zone(r)
    return render(
        request, "stats/overdue.html", {"rows": rows, "title": _("Laporan melewati batas waktu")}
    )


def _month_period(value: str | None) -> Period | None:
    start = filter_month(value, "bulan")
    if start is None:
        return None
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return Period(start, end)


@staff_only(roles=("dispatcher", "supervisor"))
def evaluation(request):
    """A month (bulan=YYYY-MM) or a period (dari, sampai). Up to EVALUATION_INLINE_MAX_DAYS it is
    built in the request; a longer period goes to the worker and appears in the list when done."""
    from . import evaluation as build

    fmt = request.GET.get("format")
    period = _month_period(request.GET.get("bulan")) or (
        Period.from_params(request.GET, default_month=False) if request.GET.get("dari") else None
    )
    error = None
    if fmt in ("pdf", "xlsx") and period is None:
        error = _("Pilih bulan atau periode yang valid.")
    elif fmt in ("pdf", "xlsx"):
        if period.days <= settings.EVALUATION_INLINE_MAX_DAYS:
            content = build.render(period, fmt)
            response = HttpResponse(
                content, content_type="application/pdf" if fmt == "pdf" else XLSX_TYPE
            )
            response["Content-Disposition"] = (
                f'attachment; filename="evaluasi-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"'
            )
            return response
        job = EvaluationReport.objects.create(
            requested_by=request.user, period_start=period.start, period_end=period.end, format=fmt
        )
        try:
            generate_evaluation(job.pk)
        except Exception:  # Redis away: the job stays pending, and the sweep takes it up
            log.warning("evaluation report %s not queued", job.pk, exc_info=True)
        messages.info(
            request,
            _(
                "Laporan evaluasi periode panjang sedang dibuat; "
                "unduh dari daftar di bawah bila sudah selesai."
            ),
        )
        return redirect("stats:evaluation")
    return _evaluation_page(request, error)


def _evaluation_page(request, error=None, evidence_error=None):
    jobs = EvaluationReport.objects.filter(requested_by=request.user)[:20]
    today = timezone.localdate()
    # The kecamatan maps of the chosen month (this month by default), as the PDF draws them; the
    # figures are the dashboard's, from its cache when a supervisor already looked at the month.
    month = _month_period(request.GET.get("bulan")) or _month_period(today.strftime("%Y-%m"))
    return render(
        request,
        "stats/evaluation.html",
        {
            "jobs": jobs,
            "error": error,
            "evidence_error": evidence_error,
            "title": _("Laporan evaluasi bulanan"),
            "this_month": today.strftime("%Y-%m"),
            # The pack's usual period: the half year so far (the evaluators grade by semester).
            "half_year_start": today.replace(month=1 if today.month <= 6 else 7, day=1),
            "today": today,
            "period": month,
            "kecamatan_maps": _dashboard_figures(month)["kecamatan_maps"],
        },
        status=422 if error or evidence_error else 200,
    )


@staff_only(roles=("dispatcher", "supervisor"))
def evidence_pack(request):
    """The evidence pack of a period (dari, sampai) as PDF or XLSX, built in the request (issue 17):
    the dashboard's figures, recurring problems, public examples and the audit chain's check.
    The download is written to the audit trail, like every staff export."""
    from aduan.audit import trail as audit_trail
    from aduan.audit.models import AuditEntry

    from . import evidence

    fmt = request.GET.get("format")
    period = Period.from_params(request.GET, default_month=False)
    if fmt not in ("pdf", "xlsx") or period is None:
        return _evaluation_page(
            request, evidence_error=_("Pilih periode dan format paket bukti yang valid.")
        )
    content = evidence.render(evidence.gather(period), fmt)
    audit_trail.record(
        AuditEntry.Kind.EXPORTED,
        actor=request.user,
        detail={
            "format": fmt,
            "pack": "evidence",
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        },
    )
    response = HttpResponse(content, content_type="application/pdf" if fmt == "pdf" else XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{evidence.filename(period, fmt)}"'
    return response


@staff_only(roles=("dispatcher", "supervisor"))
def evaluation_file(request, pk):
    job = get_object_or_404(EvaluationReport, pk=pk, requested_by=request.user)
    if job.state != EvaluationReport.State.DONE:
        raise Http404
    return FileResponse(
        open_stored(job.file), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
    )

"""What anyone may see, without an account: only `public_reports()`."""

from django.db.models import Avg, Count
from django.utils.translation import gettext as _
from ninja import Query, Router

from aduan.reports.visibility import public_reports

from .. import present
from ..errors import ApiError
from ..schemas import ReportDetail, ReportPage, StatisticsOut
from .accounts import ERRORS
from .reports import CodePath, ReportFilter, filtered, report_page

router = Router(tags=["Publik"])


@router.get("/public/reports", response={200: ReportPage, **ERRORS}, summary="Laporan publik")
def feed(request, filters: Query[ReportFilter]):
    """Laporan yang sudah diverifikasi dan tidak rahasia. Nama pelapor tidak pernah ditampilkan
    utuh."""
    filters.mine = filters.assigned_to_me = False
    return report_page(filtered(public_reports(), filters, None), filters)


@router.get(
    "/public/reports/{code}", response={200: ReportDetail, **ERRORS}, summary="Satu laporan publik"
)
def public_report(request, code: str = CodePath):
    report = present.detail_queryset(public_reports()).filter(code=code).first()
    if report is None:
        raise ApiError(404, _("Laporan tidak ditemukan."))
    return present.detail(report, None)


@router.get(
    "/public/statistics",
    response={200: StatisticsOut, **ERRORS},
    summary="Statistik laporan publik",
)
def statistics(request):
    rows = public_reports()
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    by_category = dict(
        rows.filter(category__isnull=False)
        .values_list("category__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    by_agency = dict(
        rows.filter(agency__isnull=False)
        .values_list("agency__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    average = rows.filter(rating__isnull=False).aggregate(avg=Avg("rating"))["avg"]
    return {
        "total": sum(by_status.values()),
        "by_status": by_status,
        "by_category": by_category,
        "by_agency": by_agency,
        "average_rating": round(average, 2) if average is not None else None,
    }

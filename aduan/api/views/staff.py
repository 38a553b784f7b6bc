"""Queues, inboxes and figures for staff."""

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from aduan.reports.models import AGENCY_INBOX_STATUSES, ReportQuerySet, Status
from aduan.reports.visibility import handled_reports, visible_reports

from ..auth import ANY
from ..errors import ApiError
from ..schemas import DashboardOut, ReportPage
from .accounts import ERRORS
from .reports import ReportFilter, filtered, report_page

router = Router(tags=["Petugas"])


@router.get(
    "/staff/queue",
    response={200: ReportPage, **ERRORS},
    auth=ANY,
    summary="Antrean verifikasi (admin)",
)
def queue(request, filters: Query[ReportFilter]):
    """Laporan yang menunggu verifikasi dan disposisi (`submitted`), atau yang dikembalikan kepada
    pelapor bila `status=returned`, yang paling mendesak lalu batas waktu terdekat lebih dulu
    (dengan `updated_since`: perubahan terlama lebih dulu). Hanya untuk Admin Kabupaten."""
    user = request.auth
    if not user.is_dispatcher:
        raise ApiError(403, _("Antrean verifikasi hanya untuk Admin Kabupaten."))
    rows = visible_reports(user)
    if not filters.status:
        rows = rows.dispatcher_queue()
    return report_page(filtered(rows, filters, user), filters, work_order=True, viewer=user)


@router.get(
    "/staff/inbox",
    response={200: ReportPage, **ERRORS},
    auth=ANY,
    summary="Kotak masuk perangkat daerah",
)
def inbox(request, filters: Query[ReportFilter]):
    """Laporan yang sedang dipegang perangkat daerah Anda, yang paling mendesak lalu batas waktu
    terdekat lebih dulu (dengan `updated_since`: perubahan terlama lebih dulu). Hanya untuk petugas
    perangkat daerah."""
    user = request.auth
    if not user.is_officer:
        raise ApiError(403, _("Kotak masuk hanya untuk petugas perangkat daerah."))
    # The agency's reports, or a sub-unit's (issue 16): `visibility.handled_reports`.
    rows = handled_reports(user)
    if not filters.status:
        rows = rows.filter(status__in=AGENCY_INBOX_STATUSES)
    return report_page(filtered(rows, filters, user), filters, work_order=True, viewer=user)


@router.get(
    "/staff/dashboard", response={200: DashboardOut, **ERRORS}, auth=ANY, summary="Angka ringkas"
)
def dashboard(request):
    """Jumlah laporan per status, yang terlambat, hampir jatuh tempo dan menunggu pelapor: seluruh
    kabupaten bagi admin dan pengawas, perangkat daerah sendiri bagi petugas."""
    user = request.auth
    if not (user.is_dispatcher or user.is_supervisor or user.is_officer):
        raise ApiError(403, _("Angka ringkas hanya untuk petugas."))
    rows = visible_reports(user)
    if user.is_officer:
        rows = handled_reports(user)
    now = timezone.now()
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    open_rows = rows.open()
    figures = open_rows.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=ReportQuerySet.overdue_q(now)),
        due_soon=Count("id", filter=ReportQuerySet.due_soon_q(now)),
        paused=Count("id", filter=ReportQuerySet.waiting_for_reporter_q()),
    )
    by_agency = dict(
        open_rows.filter(agency__isnull=False)
        .values_list("agency__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "by_status": {s: by_status.get(s, 0) for s in Status.values},
        **figures,
        "by_agency": by_agency,
    }

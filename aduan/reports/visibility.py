"""Who may see which report, and how its reporter is presented to them (DESIGN §1, §2).

Every page, API endpoint, export and notification goes through these functions: `visible_reports`
for lists, `get_report_for` for one report (404 to outsiders, so codes cannot be probed) and
`present_reporter` for the reporter's identity.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import VERIFIED_STATUSES, Report


def public_reports() -> QuerySet[Report]:
    """What anyone may see: verified by the dispatcher and not confidential."""
    return Report.objects.filter(confidential=False, status__in=VERIFIED_STATUSES)


def own_reports(user) -> QuerySet[Report]:
    """Reports the user filed or that were filed for them."""
    return Report.objects.filter(Q(reporter=user) | Q(filed_by=user))


def visible_reports(user) -> QuerySet[Report]:
    """Every report `user` may open."""
    if user is None or not user.is_authenticated or not user.is_active:
        return public_reports()
    if user.is_dispatcher or user.is_supervisor:
        return Report.objects.all()
    public = Q(confidential=False, status__in=VERIFIED_STATUSES)
    own = Q(reporter=user) | Q(filed_by=user)
    if user.is_officer:
        return Report.objects.filter(public | own | Q(agency_id=user.agency_id))
    return Report.objects.filter(public | own)


def get_report_for(user, code: str) -> Report:
    try:
        return (
            visible_reports(user)
            .select_related("category", "agency", "district", "village")
            .get(code=code)
        )
    except Report.DoesNotExist:
        raise Http404(_("Laporan tidak ditemukan.")) from None


def is_own(report: Report, user) -> bool:
    return bool(
        user and user.is_authenticated and user.pk in (report.reporter_id, report.filed_by_id)
    )


def may_see_identity(report: Report, user) -> bool:
    """The reporter's name and contact: always to the reporter and dispatchers; to the handling
    agency and supervisors unless the report is anonymous; never to the public."""
    if user is None or not user.is_authenticated:
        return False
    if is_own(report, user) or user.is_dispatcher:
        return True
    if report.anonymous:
        return False
    return user.is_supervisor or (user.is_officer and user.agency_id == report.agency_id)


def attachment_name(report: Report, item, viewer) -> str:
    """A reporter's file name can name them ("KTP_Wayan.jpg"): to whoever may not see the reporter,
    the files the reporter (or whoever filed for them) uploaded are `lampiran-pelapor-<id>.<ext>`.
    Used by every page, API answer and download that names an attachment."""
    if item.uploaded_by_id in (
        report.reporter_id,
        report.filed_by_id,
        None,
    ) and not may_see_identity(report, viewer):
        extension = (
            item.original_name.rsplit(".", 1)[-1][:5] if "." in item.original_name else "bin"
        )
        return f"lampiran-pelapor-{item.pk}.{extension}"
    return item.original_name


def may_see_internal(report: Report, user) -> bool:
    """Internal notes and the full timeline: staff who may work on or watch the report."""
    if user is None or not user.is_authenticated:
        return False
    return (
        user.is_dispatcher
        or user.is_supervisor
        or (user.is_officer and user.agency_id == report.agency_id)
    )


def mask_name(name: str) -> str:
    """`Wayan Sudarsana` → `W**** S********`: enough for a reporter to recognise their report."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part) or str(
        _("Warga")
    )


@dataclass(frozen=True)
class ReporterView:
    name: str
    phone: str = ""
    email: str = ""
    nik_masked: str = ""  # 520408••••••0001, never the whole number
    hidden: bool = False  # True when the identity is withheld from this viewer


def present_reporter(report: Report, viewer) -> ReporterView:
    """The reporter as `viewer` may see them. The only way any surface shows a reporter."""
    reporter = report.reporter
    name = report.reporter_name or (reporter.display_name if reporter else "")
    phone = report.reporter_phone or (reporter.phone if reporter else "")
    email = report.reporter_email or (reporter.email if reporter else "")
    if may_see_identity(report, viewer):
        return ReporterView(name=name, phone=phone, email=email, nik_masked=_masked_nik(report))
    if report.anonymous:
        return ReporterView(name=str(_("Anonim")), hidden=True)
    return ReporterView(name=mask_name(name), hidden=True)


def _masked_nik(report: Report) -> str:
    from aduan.accounts import nik as niks

    if report.reporter_nik_encrypted:
        return niks.mask(niks.decrypt(report.reporter_nik_encrypted))
    return report.reporter.nik_masked if report.reporter_id else ""

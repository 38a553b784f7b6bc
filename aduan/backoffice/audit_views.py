"""The audit trail for supervisors: read and filter."""

import datetime as dt

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit.models import AuditEntry
from aduan.reports.models import Report
from aduan.reports.visibility import may_see_identity

from .access import staff_only


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@staff_only(roles=("supervisor",))
def audit_log(request):
    """Filters: actor (username), report code, action, date range. One query for the page, one
    for the count."""
    qs = AuditEntry.objects.order_by("-id")
    params = request.GET
    if params.get("actor"):
        qs = qs.filter(actor_name__iexact=params["actor"].strip())
        if not request.user.is_dispatcher:
            # Filtering by a citizen's user name must not list the anonymous reports they filed.
            qs = qs.exclude(
                Exists(
                    Report.objects.filter(code=OuterRef("report_code"), anonymous=True).filter(
                        Q(reporter_id=OuterRef("actor_id")) | Q(filed_by_id=OuterRef("actor_id"))
                    )
                )
            )
    if params.get("code"):
        qs = qs.filter(report_code__iexact=params["code"].strip())
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    tz = timezone.get_current_timezone()
    if start := _date(params.get("dari")):
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end := _date(params.get("sampai")):
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    page = Paginator(qs, 100).get_page(params.get("halaman"))
    _hide_anonymous_reporters(page.object_list, request.user)
    return render(
        request,
        "backoffice/audit.html",
        {"page": page, "params": params, "title": _("Jejak audit")},
    )


def _hide_anonymous_reporters(entries, user) -> None:
    """An anonymous reporter's own steps (filing, answering a question, a verdict) are shown as
    "pelapor (anonim)" to whoever may not see the reporter: their user name names them. One query."""
    codes = {e.report_code for e in entries if e.report_code and e.actor_id}
    reports = {
        r.code: r
        for r in Report.objects.filter(code__in=codes, anonymous=True).only(
            "code", "anonymous", "reporter_id", "filed_by_id", "agency_id"
        )
    }
    for entry in entries:
        report = reports.get(entry.report_code)
        if (
            report is not None
            and entry.actor_id in (report.reporter_id, report.filed_by_id)
            and not may_see_identity(report, user)
        ):
            entry.actor_name = _("pelapor (anonim)")

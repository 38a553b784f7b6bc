"""The audit trail for supervisors: read and filter."""

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit.models import AuditEntry

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
    if params.get("code"):
        qs = qs.filter(report_code__iexact=params["code"].strip())
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    tz = timezone.get_current_timezone()
    if start := _date(params.get("dari")):
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end := _date(params.get("sampai")):
        qs = qs.filter(created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    page = Paginator(qs, 100).get_page(params.get("halaman"))
    return render(request, "backoffice/audit.html", {"page": page, "params": params, "title": _("Jejak audit")})

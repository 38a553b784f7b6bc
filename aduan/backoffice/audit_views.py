"""The audit trail for supervisors: read and filter."""

import datetime as dt

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts import personal_data
from aduan.accounts.access import staff_only
from aduan.audit.models import AuditEntry
from aduan.ops.filter_dates import filter_date
from aduan.reports.visibility import hide_anonymous_reporters, without_anonymous_reporter_acts


@staff_only(roles=("supervisor",))
def audit_log(request):
    """Filters: actor (username), report code, action, date range. One query for the page (with
    each entry's actor, so an erased account shows its pseudonym), one for the count."""
    qs = AuditEntry.objects.select_related("actor").order_by("-id")
    params = request.GET
    if params.get("actor"):
        qs = qs.filter(actor_name__iexact=params["actor"].strip())
        # Filtering by a citizen's user name must not list the anonymous reports they filed.
        qs = without_anonymous_reporter_acts(qs, request.user)
    if params.get("code"):
        qs = qs.filter(report_code__iexact=params["code"].strip())
    if params.get("action"):
        qs = qs.filter(action=params["action"])
    tz = timezone.get_current_timezone()
    if start := filter_date(params.get("dari"), "dari"):
        qs = qs.filter(created_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz))
    if end := filter_date(params.get("sampai"), "sampai"):
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    page = Paginator(qs, 100).get_page(params.get("halaman"))
    query = params.copy()
    query.pop("halaman", None)
    query = query.urlencode()
    hide_anonymous_reporters(page.object_list, request.user)
    personal_data.show_pseudonyms(page.object_list)
    return render(
        request,
        "backoffice/audit.html",
        {"page": page, "params": params, "query": query, "title": _("Jejak audit")},
    )

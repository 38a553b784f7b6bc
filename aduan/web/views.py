from django.db import connection
from django.db.models import Count
from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static

from aduan.directory.models import Agency
from aduan.reports.models import DONE_STATUSES, Status
from aduan.reports.visibility import public_reports


def home(request):
    """What this instance is, and live numbers of public reports."""
    counts = dict(public_reports().values_list("status").annotate(n=Count("id")).order_by())
    numbers = {
        "total": sum(counts.values()),
        "in_progress": counts.get(Status.DISPOSITIONED, 0) + counts.get(Status.IN_PROGRESS, 0),
        "done": sum(
            n
            for status, n in counts.items()
            if status in DONE_STATUSES or status == Status.RESPONDED
        ),
        "agencies": Agency.objects.filter(is_active=True).count(),
    }
    return render(request, "web/home.html", {"numbers": numbers})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def favicon(request):
    """The portal's icon for clients that ask for /favicon.ico (a 404 on every page otherwise)."""
    return HttpResponsePermanentRedirect(static("web/favicon.svg"))

import functools

from django.urls import re_path

from . import views
from .render import error


def no_nul(view):
    """PostgreSQL cannot compare text containing NUL; such a request is a 400, never a 500."""

    @functools.wraps(view)
    def checked(request, *args, fmt="json", **kwargs):
        query = request.META.get("QUERY_STRING", "")
        if (
            "\x00" in request.path
            or "%00" in query
            or (
                request.method == "POST"
                and any("\x00" in v for values in request.POST.lists() for v in values[1])
            )
        ):
            return error(fmt, 400, "Permintaan berisi karakter NUL.")
        return view(request, *args, fmt=fmt, **kwargs)

    return checked


FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, no_nul(views.discovery), name="open311-discovery"),
    re_path(r"^services" + FMT, no_nul(views.services), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FMT,
        no_nul(views.service_definition),
        name="open311-service",
    ),
    re_path(r"^requests" + FMT, no_nul(views.requests_view), name="open311-requests"),
    re_path(
        r"^requests/(?P<request_id>[^/]+?)" + FMT,
        no_nul(views.request_detail),
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, no_nul(views.token_detail), name="open311-token"),
]

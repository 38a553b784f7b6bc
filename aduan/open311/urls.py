import functools

from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import views
from .render import error


def door(view, methods=("GET",)):
    """What every Open311 address does before its view, so that an address added later does it
    too. A method the address does not take is Django's 405, which `DoorErrorsMiddleware` turns
    into the error document in the format the address names, with `Allow` (so does any refusal
    made before the view: `aduan.core.refusals`). There is no session here (a client is known by
    its `api_key`), so there is no CSRF check, whose refusal would be the portal's HTML page. A
    form field with a NUL in it is a 400, never a 500 (PostgreSQL cannot store it)."""

    @functools.wraps(view)
    def checked(request, *args, fmt="json", **kwargs):
        if request.method == "POST" and any(
            "\x00" in v for values in request.POST.lists() for v in values[1]
        ):
            # PostgreSQL cannot store it (the address and its parameters: aduan/ops/nul.py).
            return error(fmt, 400, _("Permintaan berisi karakter NUL."))
        return view(request, *args, fmt=fmt, **kwargs)

    return csrf_exempt(require_http_methods(methods)(checked) if methods else checked)


FMT = r"\.(?P<fmt>json|xml)$"
urlpatterns = [
    re_path(r"^discovery" + FMT, door(views.discovery), name="open311-discovery"),
    re_path(r"^services" + FMT, door(views.services), name="open311-services"),
    re_path(
        r"^services/(?P<service_code>[^/]+?)" + FMT,
        door(views.service_definition),
        name="open311-service",
    ),
    re_path(
        r"^requests" + FMT, door(views.requests_view, ("GET", "POST")), name="open311-requests"
    ),
    re_path(
        r"^requests/(?P<request_id>[^/]+?)" + FMT,
        door(views.request_detail),
        name="open311-request",
    ),
    re_path(r"^tokens/(?P<token>[^/]+?)" + FMT, door(views.token_detail), name="open311-token"),
    # Any other address, whatever the method: a 404 in the error document.
    re_path(r"^.*?(?:\.(?P<fmt>json|xml))?$", door(views.unknown, ()), name="open311-unknown"),
]

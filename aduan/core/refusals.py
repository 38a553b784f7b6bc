"""How a request refused before its view is answered: in the language of the door it came to.

The middlewares that refuse a request for the whole site (a body too large, a NUL in the address),
Django's answers to an unknown address and to a failed CSRF check (`aduan.web.errors`) and a bare
405 from a view's allowed methods (`DoorErrorsMiddleware`) do not know which channel they stand in
front of. Each machine door registers here, by the first segment of its addresses, the function
that writes its own error document: the JSON API its `{"error": …}`, Open311 the GeoReport error
list in the format the address names, the webhooks and the event replay the JSON error shape.
Every other address is a page, and gets the portal's error page. A door added later registers once
(in its AppConfig.ready) and every site-wide refusal speaks its language.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from .http import error_response

Answer = Callable[[HttpRequest, int, str], HttpResponse]
_DOORS: dict[str, Answer] = {}


def register(prefix: str, answer: Answer) -> None:
    """`answer(request, status, message)` writes the refusals of the addresses under `prefix`
    (e.g. "/api/")."""
    _DOORS[prefix] = answer


def door(request: HttpRequest) -> Answer | None:
    """The error writer of the machine door `request` came to; None for a page."""
    path = request.path_info
    return next((answer for prefix, answer in _DOORS.items() if path.startswith(prefix)), None)


def json_error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The JSON error shape of `aduan.core.http`, for a door whose clients read JSON."""
    return error_response(status, message)


def refuse(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    heading: str | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """The refusal `status` with `message`, in the door's document; `heading` titles the page
    that a person's browser gets."""
    answer = door(request)
    if answer is not None:
        response = answer(request, status, str(message))
    else:
        page = render_to_string(
            "_error_page.html",
            {"heading": heading or _("Permintaan tidak valid"), "message": message},
        )
        response = HttpResponse(page, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class DoorErrorsMiddleware:
    """A view's bare 405 (Django's `require_http_methods` answers with no body) becomes the door's
    error document, its `Allow` kept; a page's stays as it is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            answer = door(request)
            if answer is not None:
                refused = answer(request, 405, _("Metode HTTP ini tidak didukung di alamat ini."))
                if response.has_header("Allow"):
                    refused["Allow"] = response["Allow"]
                return refused
        return response

"""The 500 answer that cannot fail: the portal's page when it can be drawn, plain words when not.

Django's `server_error` draws 500.html and lets any error in drawing it escape, so a fault that
also breaks templates (a missing static manifest, a broken URL) would end in the WSGI server's
bare English page. Here a second failure falls back to a fixed Bahasa Indonesia page.
"""

import logging

from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import page_not_found, server_error

from aduan.core import refusals

log = logging.getLogger(__name__)

FALLBACK = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Terjadi gangguan</title></head>"
    "<body><main><h1>Terjadi gangguan</h1><p>Maaf, sistem sedang mengalami gangguan. "
    "Coba lagi beberapa saat lagi; jika masih gagal, laporkan lewat SMS atau datang ke kantor "
    "Diskominfotiksandi.</p>"
    '<p><a href="/">Ke beranda</a></p></main></body></html>'
)


@requires_csrf_token
def server_error_page(request):
    try:
        return server_error(request)
    except Exception:
        log.exception("the 500 page could not be drawn; answering the plain one")
        return HttpResponseServerError(FALLBACK, content_type="text/html; charset=utf-8")


def bad_request_page(request, exception=None):
    """400: the message of a refusal meant for the visitor (`message`, e.g. a filter date out of
    range, `aduan.ops.filter_dates`), else a general one; never the text of another exception."""
    from aduan.ops.filter_dates import DateOutOfRange

    if isinstance(exception, DateOutOfRange):
        message = exception.message
    else:
        message = _("Permintaan tidak dapat diproses. Periksa kembali isian atau alamatnya.")
    page = render_to_string(
        "_error_page.html", {"heading": _("Permintaan tidak valid"), "message": message}
    )
    return HttpResponseBadRequest(page)


def not_found_page(request, exception=None):
    """404: the portal's page, or the error document of the machine door the address is under."""
    if refusals.door(request) is not None:
        return refusals.refuse(request, 404, _("Alamat ini tidak ada."))
    return page_not_found(request, exception)


def csrf_failure(request, reason=""):
    """A failed CSRF check: the portal's page (403_csrf.html: the form is stale, reload it), or,
    under a machine door, its error document."""
    if refusals.door(request) is not None:
        return refusals.refuse(
            request, 403, _("Permintaan ditolak: kirim tanpa cookie sesi, atau dengan token CSRF.")
        )
    return csrf.csrf_failure(request, reason)

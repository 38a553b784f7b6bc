"""The 500 answer that cannot fail: the portal's page when it can be drawn, plain words when not.

Django's `server_error` draws 500.html and lets any error in drawing it escape, so a fault that
also breaks templates (a missing static manifest, a broken URL) would end in the WSGI server's
bare English page. Here a second failure falls back to a fixed Bahasa Indonesia page.
"""

import logging

from django.http import HttpResponseServerError
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import server_error

log = logging.getLogger(__name__)

FALLBACK = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Terjadi gangguan</title></head>'
    "<body><main><h1>Terjadi gangguan</h1><p>Maaf, sistem sedang mengalami gangguan. Coba lagi beberapa saat "
    "lagi; jika masih gagal, laporkan lewat SMS atau datang ke kantor Diskominfotiksandi.</p>"
    '<p><a href="/">Ke beranda</a></p></main></body></html>'
)


@requires_csrf_token
def server_error_page(request):
    try:
        return server_error(request)
    except Exception:
        log.exception("the 500 page could not be drawn; answering the plain one")
        return HttpResponseServerError(FALLBACK, content_type="text/html; charset=utf-8")

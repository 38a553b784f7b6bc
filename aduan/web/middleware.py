from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Bahasa Indonesia unless the visitor chose English with the switch (the language cookie set
    by Django's `set_language`). Unlike Django's LocaleMiddleware it ignores the browser's
    Accept-Language: a phone set to English still gets the portal in Indonesian first."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response


def max_request_bytes() -> int:
    """The largest body a form of Aduan can send: every attachment at its largest, plus 1 MB of text."""
    largest_mb = max(settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB)
    return (settings.ATTACHMENT_MAX_FILES * largest_mb + 1) * 1024 * 1024


class RequestSizeMiddleware:
    """A body declared larger than any form can send is refused with 413 before a byte of it is
    read: Django would otherwise stream every file to a temporary file first, and only then could
    the attachment checks refuse it. (Below this, each file is refused by its own size, without
    being read, in `aduan.reports.attachments`, and the form comes back with what was typed.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = (
                0  # the API guard answers a malformed length; Django reads nothing of such a body
            )
        limit = max_request_bytes()
        if length > limit:
            message = _(
                "Kiriman terlalu besar (%(size)s MB); batasnya %(limit)s MB untuk semua lampiran. "
                "Kembali, kurangi atau perkecil lampiran, lalu kirim lagi."
            ) % {"size": length // (1024 * 1024), "limit": limit // (1024 * 1024)}
            if request.path.startswith("/api/"):
                from aduan.api.errors import error_response

                return error_response(413, message)
            page = format_html(
                '<!doctype html><html lang="{}"><meta charset="utf-8"><title>{}</title><p>{}</p></html>',
                translation.get_language(),
                _("Kiriman terlalu besar"),
                message,
            )
            return HttpResponse(page, status=413, headers={"Connection": "close"})
        return self.get_response(request)

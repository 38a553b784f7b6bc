"""How large a request body may be: the one rule, for every endpoint (issue 11 §6).

Each view has a kind; a body declared larger than its kind allows is answered 413 with a message
before a byte of it is read (and so before the view parses, assesses or stores anything):

- `text` (the default): forms and JSON that carry only typed text: the live checklist, log-in,
  registration, Open311, the SMS webhook, back-office forms without files, the admin...
  `REQUEST_MAX_TEXT_BYTES`, far above the longest report a form accepts (10,000 characters of
  description, percent-encoded) and far below what makes the checklist's assessment costly.
- `files`: views marked with `@accepts_files` (filing, completing a returned report, answering a
  question, the back-office actions with attachments) and the API routes that take attachments
  (`aduan.api.guard.FILE_ROUTES`): every attachment at its largest plus 1 MB of text.

A body above the largest kind is refused already when the request arrives (before URL
resolution); the kind's own limit is applied once the view is known (`process_view`, which runs
before CSRF reads a form). Inside a multipart body, Django's DATA_UPLOAD_MAX_MEMORY_SIZE bounds the
text fields; a body that passes Content-Length but grows past that is answered 413 here too.
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.utils.translation import gettext as _

from aduan.core import refusals

TEXT, FILES = "text", "files"


def accepts_files(view):
    """Marks a view whose POST carries attachments (multipart)."""
    view.body_kind = FILES
    return view


def files_bytes() -> int:
    """The largest body a form of Aduan can send: every attachment at its largest, plus 1 MB."""
    largest_mb = max(settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB)
    web = (settings.ATTACHMENT_MAX_FILES * largest_mb + 1) * 1024 * 1024
    return max(web, settings.API_MAX_REQUEST_BYTES)


def limit_for(kind: str) -> int:
    return files_bytes() if kind == FILES else settings.REQUEST_MAX_TEXT_BYTES


def _size(value: int) -> str:
    if value >= 1024 * 1024:
        return f"{value // (1024 * 1024)} MB"
    return f"{max(value // 1024, 1)} KB"


def too_large(request, length: int | None, limit: int, kind: str) -> HttpResponse:
    if kind == FILES:
        message = _(
            "Kiriman terlalu besar (%(size)s); batasnya %(limit)s untuk semua lampiran. "
            "Kembali, kurangi atau perkecil lampiran, lalu kirim lagi."
        )
    else:
        message = _(
            "Kiriman terlalu besar (%(size)s); batasnya %(limit)s untuk isian teks. "
            "Persingkat teksnya lalu kirim lagi."
        )
    message = message % {
        "size": _size(length) if length else _("lebih dari batas"),
        "limit": _size(limit),
    }
    return refusals.refuse(
        request, 413, message, heading=_("Kiriman terlalu besar"), headers={"Connection": "close"}
    )


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # the API guard answers a malformed length; Django reads nothing of such a body


class BodyLimitMiddleware:
    """Placed before every middleware that could read the body (CSRF, the views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = _declared_length(request)
        if length > files_bytes():
            return too_large(request, length, files_bytes(), FILES)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        kind = getattr(view_func, "body_kind", TEXT)
        length, limit = _declared_length(request), limit_for(kind)
        if length > limit:
            return too_large(request, length, limit, kind)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, None, settings.DATA_UPLOAD_MAX_MEMORY_SIZE, TEXT)
        return None

"""The one error shape of the API: `{"error": {"code", "message", "fields"}}`.

Every refusal, from the URL resolver to the life-cycle actions, ends here, so that a client
handles one shape and the OpenAPI document describes it once.
"""

import logging

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import errors as ninja_errors

from aduan.core.http import CODES, error_response
from aduan.ops import ratelimit
from aduan.reports import errors as action_errors

log = logging.getLogger(__name__)


class ApiError(Exception):
    """Raised by views and the request guard for a refusal that is not a life-cycle action's."""

    def __init__(
        self,
        status: int,
        message,
        *,
        code: str | None = None,
        fields: dict | None = None,
        headers: dict | None = None,
        replayable: bool = True,
    ):
        super().__init__(str(message))
        self.status, self.message = status, str(message)
        self.code = code or CODES.get(status, "error")
        self.fields = fields or {}
        self.headers = headers or {}
        # False when the refusal depends on the account, not on what was sent (a profile to
        # complete): the Idempotency-Key then stays free for the same request once it is fixed.
        self.replayable = replayable

    @classmethod
    def too_many(cls, refusal) -> "ApiError":
        """429 with `Retry-After` (seconds) and the wait said in words, for an `ops.ratelimit`
        refusal."""
        return cls(
            429,
            ratelimit.too_many_message(refusal),
            headers={"Retry-After": str(refusal.retry_after)},
        )


def too_many(refusal) -> JsonResponse:
    error = ApiError.too_many(refusal)
    return error_response(error.status, error.message, headers=error.headers)


# Pydantic's error types, said in Indonesian.
PYDANTIC_MESSAGES = {
    "missing": gettext_lazy("Wajib diisi."),
    "string_too_long": gettext_lazy("Terlalu panjang (maksimal %(max_length)s karakter)."),
    "string_too_short": gettext_lazy("Terlalu pendek (minimal %(min_length)s karakter)."),
    "string_type": gettext_lazy("Harus berupa teks."),
    "int_parsing": gettext_lazy("Harus berupa bilangan bulat."),
    "int_type": gettext_lazy("Harus berupa bilangan bulat."),
    "float_parsing": gettext_lazy("Harus berupa angka."),
    "bool_parsing": gettext_lazy("Harus berupa true atau false."),
    "bool_type": gettext_lazy("Harus berupa true atau false."),
    "date_from_datetime_parsing": gettext_lazy("Tanggal tidak valid (format: YYYY-MM-DD)."),
    "date_parsing": gettext_lazy("Tanggal tidak valid (format: YYYY-MM-DD)."),
    "datetime_parsing": gettext_lazy(
        "Waktu tidak valid (format ISO 8601, mis. 2026-03-02T08:00:00+08:00)."
    ),
    "datetime_from_date_parsing": gettext_lazy(
        "Waktu tidak valid (format ISO 8601, mis. 2026-03-02T08:00:00+08:00)."
    ),
    "less_than_equal": gettext_lazy("Harus paling besar %(le)s."),
    "greater_than_equal": gettext_lazy("Harus paling kecil %(ge)s."),
    "literal_error": gettext_lazy("Pilihan tidak dikenal."),
    "enum": gettext_lazy("Pilihan tidak dikenal."),
    "value_error": gettext_lazy("Nilai tidak valid."),
    "model_attributes_type": gettext_lazy("Harus berupa objek JSON."),
    "dict_type": gettext_lazy("Harus berupa objek JSON."),
    "list_type": gettext_lazy("Harus berupa daftar."),
    "json_invalid": gettext_lazy("JSON tidak valid."),
}


def _field_message(error: dict) -> str:
    template = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if template is None:
        return _("Nilai tidak valid.")
    try:
        return str(template) % (error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return _("Nilai tidak valid.")


def fields_from_validation(errors: list[dict]) -> dict[str, list[str]]:
    """`[{"loc": ["body", "data", "title"], "type": "missing"}]` → `{"title": ["Wajib diisi."]}`."""
    fields: dict[str, list[str]] = {}
    for error in errors:
        loc = [
            str(part)
            for part in error.get("loc", ())
            if part
            not in ("body", "query", "path", "form", "data", "file", "header", "payload", "filters")
        ]
        name = ".".join(loc) or "_"
        fields.setdefault(name, []).append(_field_message(error))
    return fields


def install(api) -> None:
    """Register the handlers on the NinjaAPI instance."""

    @api.exception_handler(ninja_errors.ValidationError)
    def validation(request, exc):
        return error_response(
            422, _("Data yang dikirim tidak valid."), fields=fields_from_validation(exc.errors)
        )

    @api.exception_handler(ninja_errors.AuthenticationError)
    def unauthenticated(request, exc):
        return error_response(
            401,
            _("Masuk terlebih dahulu: kirim token (Authorization: Bearer …) atau sesi."),
            headers={"WWW-Authenticate": 'Bearer realm="aduan"'},
        )

    @api.exception_handler(ninja_errors.HttpError)
    def http_error(request, exc):
        messages = {
            400: _("Permintaan tidak dapat dibaca (periksa format JSON)."),
            403: _("Anda tidak berwenang melakukan ini."),
            429: _("Terlalu banyak permintaan; coba lagi sebentar lagi."),
        }
        return error_response(exc.status_code, messages.get(exc.status_code, str(exc)))

    @api.exception_handler(ApiError)
    def api_error(request, exc):
        response = error_response(
            exc.status, exc.message, code=exc.code, fields=exc.fields, headers=exc.headers
        )
        response.replayable = exc.replayable  # type: ignore[attr-defined]  # read by guard
        return response

    @api.exception_handler(action_errors.ActionError)
    def action_error(request, exc):
        problems = getattr(exc, "problems", None) or ({exc.field: exc.message} if exc.field else {})
        fields = {field: [str(message)] for field, message in problems.items() if field}
        return error_response(exc.http_status, exc.message, code=exc.code, fields=fields)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return error_response(404, _("Tidak ditemukan."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return error_response(403, _("Anda tidak berwenang melakukan ini."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return error_response(413, _("Permintaan terlalu besar."))

    @api.exception_handler(TooManyFieldsSent)
    def too_many_fields(request, exc):
        return error_response(413, _("Terlalu banyak kolom dalam permintaan."))

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request, exc):
        return error_response(400, _("Data multipart tidak dapat dibaca."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request, exc):
        return error_response(400, _("Permintaan tidak dapat dibaca."))

    @api.exception_handler(Exception)
    def unexpected(request, exc):
        # A bug, not an input: logged with its traceback, answered in the same shape.
        log.exception("unhandled error in the API: %s %s", request.method, request.path)
        return error_response(500, _("Terjadi kesalahan pada server; coba lagi nanti."))

"""What every API request passes before its view: rate limit, size, media type, idempotency.

`guard_urls()` wraps each URL pattern of the NinjaAPI, so that these run before django-ninja
parses anything (an oversized or mistyped body is refused before it is read) and so that the
first response to a POST with an `Idempotency-Key` can be stored whole and replayed.
"""

import functools
import hashlib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern
from django.utils.translation import gettext as _

from aduan.ops import bodylimit, ratelimit, sealing

from .auth import caller_identity
from .errors import error_response, too_many
from .models import IdempotencyRecord

# Routes (relative to /api/v1/) whose POST takes multipart/form-data (files); all others take JSON.
MULTIPART_ROUTES = {"reports"}
# Routes whose POST may carry attachments (multipart, or base64 inside JSON): the `files` kind of
# `aduan.ops.bodylimit`; every other route takes only text and gets the text limit.
FILE_ROUTES = {
    "reports",
    "reports/<code>/note",
    "reports/<code>/answer",
    "reports/<code>/resubmit",
    "reports/<code>/provide-info",
}
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# Never stored for replay: the answer is a new Bearer token, which must not sit in the database in
# clear. A retry there simply issues another token (the unused one can be revoked).
# Nor the download of one's personal data: a copy of it would stay in the ledger.
NOT_REPLAYED_ROUTES = {"auth/tokens", "me/personal-data"}
IDEMPOTENCY_HEADER = "Idempotency-Key"


def guard_urls(patterns: list) -> list:
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = guard(pattern.callback, str(pattern.pattern))
    return patterns


def guard(view, route: str):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        try:
            refusal = _refusal(request, route)
            if refusal is not None:
                return refusal
            key = request.headers.get(IDEMPOTENCY_HEADER)
            if request.method == "POST" and key is not None and route not in NOT_REPLAYED_ROUTES:
                return _idempotent(view, request, key, args, kwargs)
            return _plain_errors(view(request, *args, **kwargs))
        except RequestDataTooBig:
            return error_response(413, _("Permintaan terlalu besar."))
        except TooManyFieldsSent:
            return error_response(413, _("Terlalu banyak kolom dalam permintaan."))
        except MultiPartParserError:
            return error_response(400, _("Data multipart tidak dapat dibaca."))

    if route in FILE_ROUTES:
        guarded.body_kind = bodylimit.FILES  # type: ignore[attr-defined]  # read by bodylimit
    guarded.csrf_exempt = True  # type: ignore[attr-defined]  # django-ninja checks CSRF itself for session-authenticated calls
    return guarded


def _refusal(request, route: str) -> HttpResponse | None:
    refusal = ratelimit.api(request, caller_identity(request))
    if refusal is not None:
        return too_many(refusal)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return error_response(400, _("Header Content-Length tidak valid."))
    if length > settings.API_MAX_REQUEST_BYTES:
        return error_response(
            413,
            _("Permintaan terlalu besar (maksimal %(n)s MB).")
            % {"n": settings.API_MAX_REQUEST_BYTES // (1024 * 1024)},
        )
    if request.method in ("POST", "PUT", "PATCH") and length > 0:
        media_type = request.content_type or ""
        allowed = (
            FORM_TYPES
            if route in MULTIPART_ROUTES and request.method == "POST"
            else ("application/json",)
        )
        if media_type not in allowed:
            return error_response(
                415,
                _("Jenis isi %(got)s tidak didukung; gunakan %(want)s.")
                % {"got": media_type or "?", "want": " atau ".join(allowed)},
            )
    return None


def _plain_errors(response: HttpResponse) -> HttpResponse:
    """Django's own bare 405 answers get the API's error shape."""
    if response.status_code == 405 and not response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return error_response(
            405,
            _("Metode HTTP ini tidak didukung di alamat ini."),
            headers={"Allow": response.get("Allow", "")},
        )
    return response


def _fingerprint(request) -> str:
    """A hash of what the client sent. Multipart bodies are hashed by their fields and files, not
    their bytes, because a retry may choose another boundary."""
    digest = hashlib.sha256()
    if (request.content_type or "") in FORM_TYPES:
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(f"{name}={value}\n".encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                file_digest = hashlib.sha256()
                for chunk in upload.chunks():
                    file_digest.update(chunk)
                upload.seek(0)
                digest.update(
                    f"{name}:{upload.name}:{upload.size}:{file_digest.hexdigest()}\n".encode()
                )
    else:
        digest.update(request.body)
    return digest.hexdigest()


def _idempotent(view, request, key: str, args, kwargs) -> HttpResponse:
    """One transaction holds the claim of the key, the view's work and the stored response, so
    they exist together or not at all: a server killed mid-request leaves no claim behind (the
    client's retry with the same key then runs afresh), and a finished request is replayed.
    1. Claim the key. A concurrent retry waits on the unique index until the first commits, then
       finds its response and replays it (or, if the first rolled back, runs itself).
    2. Run the view. 3. Store its response; if the server failed or throttled, or refused for
       the account's state (not replayable), roll everything back so that the client may retry
       with the same key."""
    key = key.strip()
    if not key or len(key) > 200 or not key.isprintable():
        return error_response(
            400,
            _("Idempotency-Key harus 1–200 karakter yang dapat dicetak."),
            fields={IDEMPOTENCY_HEADER: [_("Nilai tidak valid.")]},
        )
    owner, endpoint, body_hash = (
        caller_identity(request),
        f"POST {request.path}"[:300],
        _fingerprint(request),
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=stored_key(owner, key), endpoint=endpoint, body_hash=body_hash
                )
        except IntegrityError:
            return _replay(owner, key, endpoint, body_hash)
        response = _plain_errors(view(request, *args, **kwargs))
        if (
            response.status_code >= 500
            or response.status_code == 429
            or getattr(response, "streaming", False)
            or not getattr(response, "replayable", True)
        ):
            transaction.set_rollback(True)
        else:
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                status_code=response.status_code,
                content_type=response.get("Content-Type", "")[:100],
                body=seal_reply(owner, key, response.content),
            )
        return response


def stored_key(owner: str, key: str) -> str:
    """The Idempotency-Key is stored only as a keyed hash: it also opens the stored reply."""
    return sealing.digest(f"{owner}\n{key}", "aduan.api.idempotency.key")


def seal_reply(owner: str, key: str, body: bytes) -> bytes:
    """A reply kept for retries holds what must not sit in clear (the tracking secret of a new
    report): sealed under a key derived from SECRET_KEY and the client's Idempotency-Key."""
    return sealing.seal(bytes(body), "aduan.api.idempotency", f"{owner}\n{key}")


def open_reply(owner: str, key: str, sealed: bytes) -> bytes | None:
    return sealing.unseal(bytes(sealed), "aduan.api.idempotency", f"{owner}\n{key}")


def _replay(owner: str, key: str, endpoint: str, body_hash: str) -> HttpResponse:
    first = IdempotencyRecord.objects.filter(owner=owner, key=stored_key(owner, key)).first()
    in_progress = error_response(
        409,
        _("Permintaan dengan Idempotency-Key ini sedang diproses; coba lagi."),
        code="idempotency_in_progress",
    )
    if first is None:
        return in_progress
    if first.endpoint != endpoint or first.body_hash != body_hash:
        return error_response(
            422,
            _("Idempotency-Key ini sudah dipakai untuk permintaan lain."),
            code="idempotency_key_reused",
            fields={IDEMPOTENCY_HEADER: [_("Sudah dipakai.")]},
        )
    if first.status_code is None:
        return in_progress
    body = open_reply(owner, key, bytes(first.body))
    if body is None:  # sealed under another SECRET_KEY: run afresh rather than replay garbage
        first.delete()
        return in_progress
    replay = HttpResponse(body, status=first.status_code, content_type=first.content_type or None)
    replay["Idempotent-Replayed"] = "true"
    return replay

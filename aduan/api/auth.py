"""Who is calling: a personal access token (`Authorization: Bearer adn_…`) or the web session."""

import datetime as dt

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from aduan.accounts.mfa import SETUP_REQUIRED_MESSAGE, lacks_required_mfa
from aduan.ops import ratelimit

from .errors import ApiError
from .models import ApiToken, hash_token

_UNSET = object()
# `last_used_at` is written at most this often, so that reading the API does not write on every
# call.
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def bearer_token(request) -> ApiToken | None:
    """The live token named by the Authorization header, looked up once per request."""
    cached = getattr(request, "_api_token", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]  # what this function stored
    token = None
    scheme, _space, raw = request.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() == "bearer" and raw and len(raw) <= 200:
        # Whether the user has an authenticator app comes in the same query (staff need one).
        has_totp = Exists(
            Authenticator.objects.filter(user_id=OuterRef("user_id"), type=Authenticator.Type.TOTP)
        )
        token = (
            ApiToken.objects.select_related("user", "user__agency")
            .annotate(user_has_totp=has_totp)
            .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is not None:
            token.user._aduan_has_totp = token.user_has_totp  # type: ignore[attr-defined]
            now = timezone.now()
            if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
                ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    request._api_token = token
    return token


def caller_identity(request) -> str:
    """Whom rate limits and idempotency keys belong to: the account, else the client address."""
    token = bearer_token(request)
    if token is not None:
        return f"user:{token.user_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ratelimit.address_identity(request)


class BearerAuth(HttpBearer):
    def authenticate(self, request, token):
        found = bearer_token(request)
        if found is None:
            return None
        if lacks_required_mfa(found.user):
            # A token issued before the second factor was required, or by an older client: staff
            # set up their authenticator app first (the session path: StaffMfaMiddleware).
            raise ApiError(403, SETUP_REQUIRED_MESSAGE, code="mfa_setup_required")
        request.user = found.user
        return found.user


# The web session works too (CSRF-checked on unsafe methods); a Bearer token wins when both come.
ANY = [BearerAuth(), django_auth]


def current_token(request) -> ApiToken | None:
    return getattr(request, "_api_token", None)

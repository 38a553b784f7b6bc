"""Staff sign in with a second factor (DESIGN §6, "MFA for staff"; issue 7).

Every staff account — dispatcher, agency officer, supervisor, sysadmin, and anyone with access to
the Django admin — must have a TOTP authenticator (allauth.mfa) when `STAFF_MFA_REQUIRED` is on.
Without one, `StaffMfaMiddleware` sends the account to the set-up page from every page but the
set-up itself and log-out, and the API refuses its tokens and sessions (`aduan.api.auth`). With
one, allauth asks for the code after the password at /masuk/, and the API asks for it before
issuing a token. Citizens and RT/RW representatives are not staff: nothing changes for them.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import STAFF_ROLES

SETUP_REQUIRED_MESSAGE = _(
    "Akun petugas wajib memakai verifikasi dua langkah. Aktifkan aplikasi autentikator "
    "(mis. Google Authenticator, Aegis atau FreeOTP) terlebih dahulu; setelah itu halaman kantor "
    "dapat dibuka kembali."
)


def is_staff_account(user) -> bool:
    """Staff by role, or by access to the Django admin (a superuser made with createsuperuser)."""
    return bool(
        user.is_authenticated and (user.role in STAFF_ROLES or user.is_staff or user.is_superuser)
    )


def requires_mfa(user) -> bool:
    return settings.STAFF_MFA_REQUIRED and is_staff_account(user)


def has_totp(user) -> bool:
    # Cached on the instance: the middleware and the API may both ask during one request.
    cached = getattr(user, "_aduan_has_totp", None)
    if cached is None:
        cached = Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.TOTP
        ).exists()
        user._aduan_has_totp = cached
    return cached


def lacks_required_mfa(user) -> bool:
    return requires_mfa(user) and not has_totp(user)


def give_totp(user, secret: str) -> Authenticator:
    """Attach a TOTP authenticator with a known base32 secret (fixtures, demo data, benchmarks).

    Real staff set theirs up through the pages, where allauth draws the secret itself."""
    Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).delete()
    user.__dict__.pop("_aduan_has_totp", None)
    return TOTP.activate(user, secret).instance


class TooManyAttempts(Exception):
    pass


def check_code(user, code: str) -> bool:
    """A TOTP code or an unused recovery code of `user` (the API's token issuance).

    allauth's own checks do the work: a TOTP code is accepted once (it is remembered in the cache
    for its period), a recovery code is spent under a row lock, and failures count against the
    same per-account limit as the web log-in's (`ACCOUNT_RATE_LIMITS["login_failed"]`), so the
    API is no faster way to guess a code. Raises TooManyAttempts when that limit is reached."""
    from allauth.mfa.base.internal.flows import check_rate_limit
    from django.core.exceptions import ValidationError

    try:
        clear_failures = check_rate_limit(user)
    except ValidationError:
        raise TooManyAttempts from None
    code = (code or "").strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(
        user_id=user.pk, type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    ):
        if code and authenticator.wrap().validate_code(code):
            authenticator.record_usage()
            clear_failures()
            return True
    return False

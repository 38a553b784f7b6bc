"""One log-in rule for every door: the web log-in (`/masuk/`, allauth) and the API's token
endpoint (`POST /api/v1/auth/tokens`) (issue 11 §3).

- Failures are counted together, per account whatever name it was typed by (user name or
  e-mail): `AccountAdapter._get_login_attempts_cache_key` gives both doors one counter, allauth's
  `login_failed` rate limit. A locked account is refused at both doors, with the right password
  too; a locked account gets no token.
- An account that registered itself (portal, API, social) logs in only once its e-mail is
  verified (`must_verify_email`), through either door; accounts made by a sysadmin are not asked.
  A stranger asking for a password reset never changes that.
- For an account with a second factor, the token endpoint answers a wrong password, a right
  password without a code and a right password with a wrong code with the same 401: the answer is
  no oracle for "the password is right", and each counts as a failure.
"""

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from allauth.core.internal import ratelimit
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import mfa

INVALID_CREDENTIALS = _(
    "Nama pengguna, kata sandi atau kode autentikator salah. Akun yang memakai verifikasi dua "
    "langkah mengirim juga kode dari aplikasi autentikator di otp_code."
)
LOCKED_OUT = _("Terlalu banyak percobaan masuk yang gagal. Coba lagi nanti.")
EMAIL_UNVERIFIED = _(
    "Alamat e-mail akun ini belum diverifikasi. Buka tautan yang kami kirim ke e-mail Anda, lalu "
    "coba lagi."
)


class LoginRefused(Exception):
    """Why a door refuses: `status` and `code` for the API, `message` in Bahasa Indonesia."""

    status, code, message = 401, "invalid_credentials", INVALID_CREDENTIALS


class InvalidCredentials(LoginRefused):
    pass


class LockedOut(LoginRefused):
    status, code, message = 429, "locked_out", LOCKED_OUT


class EmailUnverified(LoginRefused):
    status, code, message = 403, "email_unverified", EMAIL_UNVERIFIED


class SecondFactorMissing(LoginRefused):
    status, code, message = 403, "mfa_setup_required", mfa.SETUP_REQUIRED_MESSAGE


def account_named(login: str):
    """The account a log-in name designates (user name or e-mail, any case), or None."""
    from .models import User

    login = (login or "").strip()
    if not login:
        return None
    return (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
        .order_by("pk")
        .first()
    )


def attempts_key(login: str) -> str:
    """One failure counter per account, whichever of its names was typed, at whichever door;
    a name that designates no account has its own (so guessing names is throttled too)."""
    user = account_named(login)
    return f"user:{user.pk}" if user is not None else f"login:{(login or '').strip().lower()}"


def must_verify_email(user) -> bool:
    """A self-registered account (its registration made its primary address) has verified an
    address before it logs in. Accounts made by a sysadmin or the demo data have no primary
    address record, and a password-reset request (which records the account's address,
    unverified, not primary) does not make them one."""
    if account_settings.EMAIL_VERIFICATION != account_settings.EmailVerificationMethod.MANDATORY:
        return False
    addresses = EmailAddress.objects.filter(user_id=user.pk)
    return addresses.filter(primary=True).exists() and not addresses.filter(verified=True).exists()


def _count_failure(request, login: str) -> None:
    ratelimit.consume(
        request,
        app="allauth.account",
        action="login_failed",
        key=get_adapter(request)._get_login_attempts_cache_key(request, username=login),
    )


def check_for_token(request, login: str, password: str, otp_code: str | None):
    """The token endpoint's log-in: the same counter, lockout, verified e-mail and second factor
    as the web log-in. Returns the user; raises a LoginRefused."""
    adapter = get_adapter(request)
    try:
        user = adapter.authenticate(request, username=login, password=password)
    except ValidationError:  # allauth's "too_many_login_attempts"
        raise LockedOut from None
    if user is None or not user.is_active:
        raise InvalidCredentials
    if mfa.has_totp(user):
        try:
            accepted = mfa.check_code(user, otp_code) if otp_code else False
        except mfa.TooManyAttempts:
            raise LockedOut from None
        if not accepted:
            _count_failure(request, login)  # as a wrong password: the same answer, the same cost
            raise InvalidCredentials
    elif mfa.lacks_required_mfa(user):
        raise SecondFactorMissing
    if must_verify_email(user):
        from allauth.account.internal.flows.email_verification import (
            send_verification_email_for_user,
        )

        send_verification_email_for_user(request, user)  # rate limited by allauth
        raise EmailUnverified
    return user

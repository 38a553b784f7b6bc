import datetime
import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aduan.ops import ratelimit

from . import mfa_secrets


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("Nama pengguna atau kata sandi salah."),
        "email_password_mismatch": _("E-mail atau kata sandi salah."),
        "username_taken": _("Nama pengguna ini sudah dipakai. Pilih nama lain."),
        "email_taken": _("Sudah ada akun dengan alamat e-mail ini."),
    }

    def get_client_ip(self, request):
        """The log-in throttle counts the same address as every other rate limit
        (TRUSTED_PROXY_COUNT)."""
        return ratelimit.client_ip(request)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """One failure counter per account, by user name or e-mail, shared by the web log-in and
        the API's token endpoint (`aduan.accounts.login`)."""
        from .login import attempts_key

        login = credentials.get("email") or credentials.get("username") or ""
        return f"aduan:{attempts_key(login)}"

    def get_login_redirect_url(self, request):
        """Staff land in the back office after the password and the second factor (unless the
        log-in came with a `next`); citizens on the home page."""
        user = request.user
        if user.is_authenticated and (user.is_dispatcher or user.is_officer or user.is_supervisor):
            return reverse("backoffice:home")
        return super().get_login_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password again before any change to the second factor. A staff
        member sent to the set-up right after logging in would type it twice in a row: when the
        password was checked in this session within the reauthentication timeout and the account
        had no authenticator before that, the set-up and its recovery codes need no second prompt.
        Any change to an authenticator older than the log-in still asks."""
        if app == "allauth.mfa" and _first_factor_just_checked():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    # Sent by `actions.do_change_password` for every door, so not a second time by allauth's flows.
    PASSWORD_NOTIFICATIONS = frozenset(
        {
            "account/email/password_changed",
            "account/email/password_set",
            "account/email/password_reset",
        }
    )

    def send_notification_mail(self, template_prefix, user, context=None, email=None):
        if template_prefix in self.PASSWORD_NOTIFICATIONS and not getattr(
            user, "_aduan_password_notice", False
        ):
            return
        return super().send_notification_mail(template_prefix, user, context, email)

    def save_user(self, request, user, form, commit=True):
        """The social sign-up's form (the portal's own sign-up goes through
        `actions.do_register`): its profile fields fill the account."""
        from .actions import fill_profile

        user = super().save_user(request, user, form, commit=False)
        if hasattr(form, "profile"):
            data = form.cleaned_data
            fill_profile(
                user, full_name=data["full_name"], phone=data["phone"], profile=form.profile()
            )
        if commit:
            user.save()
        return user

    def set_password(self, user, password) -> None:
        """allauth's password change, set and reset (from the e-mailed key) all end here: one
        action that ends every session and revokes every API token."""
        from allauth.core import context

        from .actions import do_change_password

        match = getattr(context.request, "resolver_match", None)
        reason = {
            "account_reset_password_from_key": "reset",
            "account_set_password": "set",
        }.get(getattr(match, "url_name", ""), "change")
        do_change_password(user, password, actor=user, reason=reason)


def _first_factor_just_checked() -> bool:
    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows.login import get_authentication_records
    from allauth.core import context

    request = context.request
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return False
    checked = [
        r["at"] for r in get_authentication_records(request, user) if r.get("method") == "password"
    ]
    if not checked or time.time() - checked[-1] >= account_settings.REAUTHENTICATION_TIMEOUT:
        return False
    # Only authenticators made after that password check (the set-up, then its recovery codes).
    since = datetime.datetime.fromtimestamp(checked[-1], tz=datetime.UTC)
    return not Authenticator.objects.filter(user_id=user.pk, created_at__lt=since).exists()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Social log-in creates a citizen without a profile; the portal asks for it (NIK included)
    before the first report (`aduan.web.views_filing`)."""

    def save_user(self, request, sociallogin, form=None):
        from .actions import AuditAction, audit

        user = super().save_user(request, sociallogin, form)
        audit(AuditAction.REGISTERED, user, channel=f"social:{sociallogin.account.provider}")
        return user


class MFAAdapter(DefaultMFAAdapter):
    """Staff may not switch their authenticator app off while `STAFF_MFA_REQUIRED` holds (they
    may set up a new one by asking a sysadmin to remove the old one in the admin). TOTP secrets and
    recovery-code seeds are stored encrypted (`mfa_secrets`)."""

    def encrypt(self, text: str) -> str:
        return mfa_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return mfa_secrets.decrypt(encrypted_text)

    def get_totp_issuer(self) -> str:
        return settings.SITE_NAME

    def can_delete_authenticator(self, authenticator) -> bool:
        from .mfa import requires_mfa

        if authenticator.type == Authenticator.Type.TOTP and requires_mfa(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils.translation import gettext_lazy as _

from aduan.ops import ratelimit


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": _("Nama pengguna atau kata sandi salah."),
        "email_password_mismatch": _("E-mail atau kata sandi salah."),
        "username_taken": _("Nama pengguna ini sudah dipakai. Pilih nama lain."),
        "email_taken": _("Sudah ada akun dengan alamat e-mail ini."),
    }

    def get_client_ip(self, request):
        """The log-in throttle counts the same address as every other rate limit (TRUSTED_PROXY_COUNT)."""
        return ratelimit.client_ip(request)

    def save_user(self, request, user, form, commit=True):
        """One save with the profile filled in: the form already refused a taken NIK, and the
        unique `nik_hash` stops the rare second sign-up racing with the same NIK."""
        user = super().save_user(request, user, form, commit=False)
        if hasattr(form, "apply"):
            form.apply(user)
        if commit:
            user.save()
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Social log-in creates a citizen without a profile; the portal asks for it (NIK included)
    before the first report (`aduan.web.views_filing`)."""

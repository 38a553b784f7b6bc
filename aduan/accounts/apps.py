from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    name = "aduan.accounts"
    label = "accounts"
    verbose_name = "Akun"

    def ready(self):
        from . import audit_hooks

        checks.register(staff_mfa_check, checks.Tags.security, deploy=True)
        audit_hooks.connect()


def staff_mfa_check(app_configs, **kwargs):
    """`manage.py check --deploy` warns when staff could log in with a password alone."""
    from django.conf import settings

    if settings.STAFF_MFA_REQUIRED:
        return []
    return [
        checks.Warning(
            "STAFF_MFA_REQUIRED is off: staff accounts can log in with a password alone.",
            hint="Unset STAFF_MFA_REQUIRED (or set it to 1) in production.",
            id="aduan.W001",
        )
    ]

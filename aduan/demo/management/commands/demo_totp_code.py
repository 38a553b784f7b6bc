import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.demo.accounts import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = (
        "Print the current authenticator code of the demo staff accounts (their published demo "
        "secret), for logging in to `make run` without a phone. Never in production."
    )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Kode demo tidak tersedia dalam mode produksi (ADUAN_ENV=production)."
            )
        from allauth.mfa import app_settings
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter)) + "\n")

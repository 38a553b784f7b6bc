"""`manage.py vapid_keys`: a fresh VAPID key pair for Web Push, as lines for the environment
(.env or the systemd unit; docs/deploy.md). Nothing is stored: the sysadmin keeps the pair."""

from django.conf import settings
from django.core.management.base import BaseCommand

from aduan.push import keys


class Command(BaseCommand):
    help = "Print a fresh VAPID key pair (VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY) for Web Push."

    def handle(self, *args, **options):
        public, private = keys.generate()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={private}")
        self.stdout.write(f"VAPID_SUBJECT={settings.VAPID_SUBJECT}")
        self.stderr.write(
            "Keep the private key secret and keep the pair: a new pair makes every subscribed "
            "phone subscribe again."
        )

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.demo import seeding
from aduan.directory import loading


class Command(BaseCommand):
    help = "Create the demo accounts (password aduan-demo) and demo reports. Never in production."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "Data demo tidak boleh dimuat dalam mode produksi (ADUAN_ENV=production)."
            )
        loading.load_all()
        result = seeding.seed()
        self.stdout.write(
            f"{result['accounts']} akun demo, {result['reports']} laporan demo baru\n"
        )

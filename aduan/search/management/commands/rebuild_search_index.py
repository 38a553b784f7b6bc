from django.core.management.base import BaseCommand
from django.db import transaction

from aduan.search import index


class Command(BaseCommand):
    help = "Bangun ulang indeks pencarian seluruh laporan."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = index.rebuild()
        self.stdout.write(f"{count} laporan diindeks.\n")

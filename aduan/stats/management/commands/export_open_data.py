from django.core.management.base import BaseCommand

from aduan.stats import opendata


class Command(BaseCommand):
    help = (
        "Write the anonymised open data (public reports as CSV and JSON, and the data dictionary) "
        "served at /data-terbuka/; the worker does it every night."
    )

    def handle(self, *args, **options):
        count = opendata.export()
        self.stdout.write(f"Data terbuka ditulis: {count} laporan publik.")

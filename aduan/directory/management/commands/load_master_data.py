from django.core.management.base import BaseCommand

from aduan.directory import loading


class Command(BaseCommand):
    help = "Load regions, agencies, categories, holidays and SLA limits (idempotent)."

    def handle(self, *args, **options):
        loading.load_all(self.stdout)

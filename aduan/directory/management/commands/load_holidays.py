from django.core.management.base import BaseCommand

from aduan.directory import loading


class Command(BaseCommand):
    help = "Add the national holidays and cuti bersama of the given years (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="+", type=int)

    def handle(self, *args, years, **options):
        self.stdout.write(f"{loading.load_holidays(years)} hari libur baru\n")

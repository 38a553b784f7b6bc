from django.core.management.base import BaseCommand, CommandError

from aduan.directory import loading


class Command(BaseCommand):
    help = "Load the desa/kelurahan of a regency, e.g. `load_villages 33.74` (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("regency_code", nargs="+", help="Kemendagri regency code, e.g. 52.04")

    def handle(self, *args, regency_code, **options):
        for code in regency_code:
            try:
                created = loading.load_villages(code)
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{code}: {created} desa/kelurahan baru\n")

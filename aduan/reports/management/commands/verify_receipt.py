from django.core.management.base import BaseCommand, CommandError

from aduan.reports import receipts


class Command(BaseCommand):
    help = (
        "Verify a filing receipt (the text or its verification URL): the signature, that the "
        "report still exists, its filing time and its content. Exits non-zero when it fails."
    )

    def add_arguments(self, parser):
        parser.add_argument("receipt")

    def handle(self, *args, receipt, **options):
        verdict = receipts.check(receipt)
        if verdict.code:
            self.stdout.write(f"{verdict.code} {verdict.filed_at:%Y-%m-%d %H:%M:%S %Z}")
        if not verdict.ok:
            raise CommandError(f"{verdict.outcome}: {verdict.message}")
        self.stdout.write(f"{verdict.outcome}: {verdict.message}")

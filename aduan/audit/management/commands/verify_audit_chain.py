from django.core.management.base import BaseCommand, CommandError

from aduan.audit import trail
from aduan.audit.models import AuditEntry


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit trail; exits non-zero if a row was edited or deleted."
    )

    def handle(self, *args, **options):
        problems = trail.verify()
        for problem in problems:
            where = f"entri #{problem.entry_id}" if problem.entry_id else "rantai"
            self.stderr.write(f"{where}: {problem.message}")
        if problems:
            raise CommandError(f"Jejak audit RUSAK: {len(problems)} masalah ditemukan.")
        self.stdout.write(f"Jejak audit utuh: {AuditEntry.objects.count()} entri.")

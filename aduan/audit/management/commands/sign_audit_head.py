from django.core.management.base import BaseCommand, CommandError

from aduan.audit import heads, signing


class Command(BaseCommand):
    help = (
        "Sign the audit chain's current head with AUDIT_SIGNING_KEY and publish it on the proof "
        "page (the worker does it every day); refused if the chain is broken."
    )

    def handle(self, *args, **options):
        try:
            signed = heads.sign_head()
        except signing.SigningUnavailable as error:
            raise CommandError(f"Tidak dapat menandatangani: {error}") from None
        except heads.HeadRefused as refused:
            for problem in refused.problems:
                where = f"entri #{problem.entry_id}" if problem.entry_id else "rantai"
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError("Jejak audit RUSAK: kepala rantai tidak ditandatangani.") from None
        self.stdout.write(
            f"Kepala rantai ditandatangani: {signed.entry_count} entri, "
            f"ringkasan {signed.digest}, kunci {signed.key_id}."
        )

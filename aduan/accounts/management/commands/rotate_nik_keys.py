from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from aduan.accounts import rotation


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored NIK under the first key of NIK_ENCRYPTION_KEYS and rehash it "
        "under NIK_HASH_KEY, and re-encrypt the staff's second-factor secrets (TOTP keys, "
        "recovery-code seeds; encrypting those still stored in the clear), in short batches, "
        "while the site runs; safe to run again. --check only counts what is left (exit status 1 "
        "while anything is). Procedure: docs/deploy.md."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="count values not yet under the first key / hash key; write nothing",
        )
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rows per transaction (default 500)"
        )

    def handle(self, *args, check, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        if check:
            return self._check(batch_size)
        if len(settings.NIK_ENCRYPTION_KEYS) < 2 and not settings.NIK_HASH_LOOKUP_KEYS:
            self.stdout.write(
                "Only one encryption key and no previous hash key are configured: "
                "nothing to rotate from; checking that every value is current."
            )
        tallies = rotation.rotate(batch_size, progress=self._progress)
        trouble = []
        for t in tallies:
            if t.place == rotation.MFA_PLACE:
                self.stdout.write(
                    f"{t.place}: done, {t.seen} rows, {t.reencrypted} re-encrypted, "
                    f"{t.in_clear} encrypted (were in the clear), {t.unreadable} unreadable"
                )
            else:
                self.stdout.write(
                    f"{t.place}: done, {t.seen} rows, {t.reencrypted} re-encrypted, "
                    f"{t.rehashed} rehashed, {t.changed_meanwhile} rewritten by the app meanwhile, "
                    f"{t.unreadable} unreadable"
                )
            if t.unreadable:
                trouble.append(
                    f"{t.unreadable} value(s) of {t.place} open with no listed key: "
                    "put the old key back"
                )
            if t.conflicts:
                trouble.append(
                    f"{t.place}: rows {t.conflicts[:20]} share a NIK with another account "
                    "under the new hash key; merge or clear one of each pair, then run again"
                )
        if trouble:
            raise CommandError("; ".join(trouble))
        self.stdout.write(
            "Now run `rotate_nik_keys --check`; remove the old key once it reports 0."
        )

    def _progress(self, tally):
        if tally.place == rotation.MFA_PLACE:
            self.stdout.write(
                f"{tally.place}: {tally.seen}/{tally.total} rows, "
                f"{tally.reencrypted} re-encrypted, {tally.in_clear} encrypted (were in the clear)"
            )
        else:
            self.stdout.write(
                f"{tally.place}: {tally.seen}/{tally.total} rows, "
                f"{tally.reencrypted} re-encrypted, {tally.rehashed} rehashed"
            )
        self.stdout.flush()

    def _check(self, batch_size):
        tallies = rotation.survey(batch_size)
        for t in tallies:
            if t.place == rotation.MFA_PLACE:
                self.stdout.write(
                    f"{t.place}: {t.seen} rows, {t.reencrypted} not under the first key, "
                    f"{t.in_clear} in the clear, {t.unreadable} unreadable"
                )
            else:
                self.stdout.write(
                    f"{t.place}: {t.seen} rows, {t.reencrypted} not under the first key, "
                    f"{t.rehashed} hashed with an old key, {t.unreadable} unreadable"
                )
        pending = sum(t.pending for t in tallies)
        self.stdout.write(f"pending: {pending}")
        if pending:
            raise CommandError(
                f"{pending} stored value(s) still need `rotate_nik_keys`; keep the old keys"
            )

from pathlib import Path
from subprocess import CalledProcessError

from django.core.management.base import BaseCommand, CommandError

from aduan.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restore an archive made by `backup` into this (empty) instance."

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force", action="store_true", help="overwrite an instance that has reports"
        )

    def handle(self, *args, archive, force, **options):
        try:
            counts = restore_backup(Path(archive), force=force)
        except (BackupError, OSError, CalledProcessError) as exc:
            detail = getattr(exc, "stderr", b"") or b""
            raise CommandError(
                f"Pemulihan gagal: {exc} {detail.decode(errors='replace')[:500]}"
            ) from exc
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()) + "\n")

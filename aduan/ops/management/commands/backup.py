from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.ops.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and uploaded files into one archive in DEST (default: var/backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", nargs="?", default="var/backups")

    def handle(self, *args, dest, **options):
        try:
            archive = create_backup(Path(dest))
        except (BackupError, OSError) as exc:
            raise CommandError(f"Pencadangan gagal: {exc}") from exc
        self.stdout.write(f"{archive}\n")

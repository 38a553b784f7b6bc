from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.integrations import updates


class Command(BaseCommand):
    help = (
        "Tulis perubahan publik dari umpan peristiwa sejak --since-id sebagai baris berkolom "
        "ekspor LAPOR! (CSV), untuk diunggah admin atau dikirim jembatan LAPOR!. Tanpa identitas "
        "pelapor dan tanpa laporan rahasia. Id berikutnya ditulis ke stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since-id", type=int, default=0)
        parser.add_argument("--limit", type=int, default=1000)
        parser.add_argument("--output", help="berkas CSV (bawaan: stdout)")

    def handle(self, *args, **options):
        if options["since_id"] < 0 or options["limit"] < 1:
            raise CommandError("--since-id tidak boleh negatif dan --limit minimal 1.")
        items, next_id = updates.rows(options["since_id"], options["limit"])
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8", newline="") as handle:
                updates.write_csv(items, handle)
        else:
            updates.write_csv(items, self.stdout)
        self.stderr.write(f"{len(items)} baris; --since-id berikutnya: {next_id}\n")

from django.core.management.base import BaseCommand, CommandError

from aduan.integrations import bridge, lapor


class Command(BaseCommand):
    help = (
        "Impor ekspor laporan SP4N-LAPOR! (CSV atau XLSX): menghubungkan tiap baris dengan laporan "
        "Aduan (No. Tracking yang sudah terhubung, atau kode Aduan di baris) dan mencatat status "
        "serta instansi menurut LAPOR!. Tidak membuat laporan baru dan tidak membaca identitas "
        "pelapor. Pemetaan kolom: docs/lapor-mapping.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--max-rows", type=int, default=lapor.MAX_ROWS)

    def handle(self, *args, **options):
        try:
            result = bridge.import_export(options["file"], max_rows=options["max_rows"])
        except lapor.ExportError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        for problem in result.problems:
            self.stderr.write(f"baris {problem.line}: {problem.message} — dilewati\n")
        if result.unmatched:
            shown = ", ".join(result.unmatched[:20])
            more = (
                f" dan {len(result.unmatched) - 20} lainnya" if len(result.unmatched) > 20 else ""
            )
            self.stdout.write(f"Tidak ada padanannya di Aduan: {shown}{more}\n")
        self.stdout.write(
            f"{result.linked} tautan baru, {result.updated} diperbarui, "
            f"{len(result.unmatched)} tanpa padanan, {len(result.problems)} baris bermasalah.\n"
        )

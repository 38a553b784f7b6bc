import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.triage import sheets
from aduan.triage.importing import Importer


def _pairs(values, option):
    out = {}
    for value in values or []:
        if "=" not in value:
            raise CommandError(f"{option} harus berbentuk NAMA=NILAI, bukan “{value}”.")
        key, target = value.split("=", 1)
        out[key.strip()] = target.strip()
    return out


class Command(BaseCommand):
    help = (
        "Impor laporan lama (CSV atau XLSX) dari sistem sebelumnya sebagai laporan yang sudah "
        "selesai, tanpa notifikasi. Mengimpor berkas yang sama dua kali tidak menambah apa pun."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--column",
            action="append",
            metavar="FIELD=KOLOM",
            help=(
                f"kolom berkas untuk tiap isian ({', '.join(sheets.FIELDS)}); "
                "bawaan: nama yang sama"
            ),
        )
        parser.add_argument(
            "--agency",
            action="append",
            metavar="NAMA=KODE",
            help="petakan nama instansi di berkas ke kode perangkat daerah",
        )
        parser.add_argument(
            "--category",
            action="append",
            metavar="NAMA=KODE",
            help="petakan nama kategori di berkas ke kode kategori",
        )
        parser.add_argument(
            "--mapping", help='berkas JSON {"columns": {}, "agencies": {}, "categories": {}}'
        )
        parser.add_argument(
            "--date-format", help="format tanggal strptime, mis. %%d-%%m-%%Y %%H:%%M"
        )
        parser.add_argument(
            "--public",
            action="store_true",
            help="tampilkan laporan impor di portal publik (bawaan: rahasia)",
        )

    def handle(self, *args, **options):
        mapping = {}
        if options["mapping"]:
            try:
                mapping = json.loads(Path(options["mapping"]).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Berkas pemetaan tidak dapat dibaca: {exc}") from exc
        columns = {**mapping.get("columns", {}), **_pairs(options["column"], "--column")}
        unknown = set(columns) - set(sheets.FIELDS)
        if unknown:
            raise CommandError(f"Isian tidak dikenal: {', '.join(sorted(unknown))}.")
        importer = Importer(
            agency_map={**mapping.get("agencies", {}), **_pairs(options["agency"], "--agency")},
            category_map={
                **mapping.get("categories", {}),
                **_pairs(options["category"], "--category"),
            },
            date_format=options["date_format"],
            public=options["public"],
        )
        try:
            result = importer.run(options["file"], columns)
        except sheets.SheetError as exc:
            raise CommandError(str(exc)) from exc
        for line, problem in result.problems:
            self.stderr.write(f"baris {line}: {problem} — dilewati\n")
        if result.new_agencies:
            self.stdout.write(f"Instansi baru (nonaktif): {', '.join(result.new_agencies)}\n")
        if result.new_categories:
            self.stdout.write(f"Kategori baru (nonaktif): {', '.join(result.new_categories)}\n")
        self.stdout.write(
            f"{result.created} laporan diimpor, {result.existing} sudah ada, "
            f"{len(result.problems)} baris bermasalah.\n"
        )

import datetime as dt
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aduan.integrations import bridge, lapor
from aduan.stats import cells

# Exit codes, for cron (docs/lapor-mapping.md): the two systems agree; they differ (or rows of the
# export could not be read, so they cannot be said to agree); the export itself is unreadable.
AGREE, DIFFER, UNREADABLE = 0, 1, 2
CSV_COLUMNS = ("kind", "lapor_id", "code", "lapor_status", "aduan_status", "lapor_agency")


def _day(value: str, *, end: bool) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Tanggal “{value}” harus berbentuk YYYY-MM-DD.") from None
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Bandingkan ekspor SP4N-LAPOR! (CSV atau XLSX) dengan Aduan dan daftar laporan yang "
        "berbeda: hanya di LAPOR!, hanya di Aduan (laporan publik dalam periode ekspor), status "
        "berbeda, instansi berbeda. Keluar dengan kode 0 bila sama, 1 bila berbeda atau ada baris "
        "yang tidak terbaca, 2 bila berkas tidak dapat dibaca. Tidak mengubah data."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=("text", "csv", "json"), default="text")
        parser.add_argument(
            "--from",
            dest="since",
            help="awal periode laporan Aduan yang diharapkan ada di LAPOR! (YYYY-MM-DD; bawaan: "
            "Tanggal Laporan pertama di ekspor)",
        )
        parser.add_argument(
            "--to",
            dest="until",
            help="akhir periode (YYYY-MM-DD; bawaan: Tanggal Laporan terakhir di ekspor)",
        )
        parser.add_argument("--max-rows", type=int, default=lapor.MAX_ROWS)

    def handle(self, *args, **options):
        since = _day(options["since"], end=False) if options["since"] else None
        until = _day(options["until"], end=True) if options["until"] else None
        try:
            result = bridge.reconcile(
                options["file"], since=since, until=until, max_rows=options["max_rows"]
            )
        except lapor.ExportError as exc:
            raise CommandError(str(exc), returncode=UNREADABLE) from exc
        for problem in result.problems:
            self.stderr.write(f"baris {problem.line}: {problem.message}\n")
        if result.period is None:
            self.stderr.write(
                "Ekspor tanpa Tanggal Laporan dan tanpa --from/--to: laporan yang hanya ada di "
                "Aduan tidak diperiksa.\n"
            )
        getattr(self, f"_{options['format']}")(result)
        if result.differences or result.problems:
            sys.exit(DIFFER)

    def _text(self, result):
        for d in result.differences:
            label = bridge.KIND_LABELS[d.kind]
            if d.kind == bridge.Kind.ONLY_LAPOR:
                detail = f"LAPOR! {d.lapor_id}: {d.lapor_status}, {d.lapor_agency or '-'}"
            elif d.kind == bridge.Kind.ONLY_ADUAN:
                detail = f"Aduan {d.code}: {d.aduan_status}, {d.aduan_agency or '-'}"
            elif d.kind == bridge.Kind.STATUS:
                detail = (
                    f"LAPOR! {d.lapor_id} ↔ Aduan {d.code}: “{d.lapor_status}” di LAPOR!, "
                    f"“{d.aduan_status}” di Aduan"
                )
            else:
                detail = (
                    f"LAPOR! {d.lapor_id} ↔ Aduan {d.code}: “{d.lapor_agency}” di LAPOR!, "
                    f"“{d.aduan_agency or '-'}” di Aduan"
                )
            self.stdout.write(f"{label}: {detail}\n")
        period = ""
        if result.period:
            first, last = (timezone.localtime(p).strftime("%d-%m-%Y") for p in result.period)
            period = f" (periode {first} s.d. {last})"
        self.stdout.write(
            f"{result.rows} baris LAPOR!, {len(result.differences)} perbedaan, "
            f"{len(result.problems)} baris bermasalah{period}.\n"
        )

    def _csv(self, result):
        writer = cells.csv_writer(self.stdout)
        writer.writerow([*CSV_COLUMNS, "aduan_agency"])
        for d in result.differences:
            row = d.as_dict()
            writer.writerow([cells.for_csv(row[c]) for c in (*CSV_COLUMNS, "aduan_agency")])

    def _json(self, result):
        document = {
            "rows": result.rows,
            "period": [p.isoformat() for p in result.period] if result.period else None,
            "differences": [d.as_dict() for d in result.differences],
            "problems": [{"line": p.line, "message": p.message} for p in result.problems],
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=1) + "\n")

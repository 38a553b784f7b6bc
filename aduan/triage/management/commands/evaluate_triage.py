import json

from django.core.management.base import BaseCommand, CommandError

from aduan.triage import sheets
from aduan.triage.evaluation import evaluate


def _rows(path, columns):
    rows, skipped = [], 0
    for _line, row in sheets.read(path, columns):
        text, agency = str(row.get("text") or "").strip(), str(row.get("agency") or "").strip()
        if not text or not agency:
            skipped += 1
            continue
        rows.append(
            {"text": text, "agency": agency, "category": str(row.get("category") or "").strip()}
        )
    return rows, skipped


class Command(BaseCommand):
    help = (
        "Latih model triase pada satu berkas dan nilai pada berkas lain. Baris terakhir keluaran: "
        "satu objek JSON berisi metrik."
    )

    def add_arguments(self, parser):
        parser.add_argument("--train", required=True)
        parser.add_argument("--test", required=True)
        parser.add_argument("--column", action="append", metavar="FIELD=KOLOM")

    def handle(self, *args, **options):
        columns = dict(v.split("=", 1) for v in options["column"] or [] if "=" in v)
        try:
            train, train_skipped = _rows(options["train"], columns)
            test, test_skipped = _rows(options["test"], columns)
        except sheets.SheetError as exc:
            raise CommandError(str(exc)) from exc
        if len({r["agency"] for r in train}) < 2 or not test:
            raise CommandError(
                "Data latih perlu minimal dua instansi dan data uji tidak boleh kosong."
            )
        self.stderr.write(
            f"latih: {len(train)} baris ({train_skipped} dilewati), "
            f"uji: {len(test)} baris ({test_skipped} dilewati)\n"
        )
        self.stdout.write(json.dumps(evaluate(train, test)) + "\n")

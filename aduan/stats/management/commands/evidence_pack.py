import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aduan.audit import trail as audit_trail
from aduan.audit.models import AuditEntry
from aduan.stats import evidence
from aduan.stats.filters import Period


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Tanggal tidak valid: {value!r} (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Write the evidence pack for evaluators (counts, time-limit compliance, satisfaction, "
        "recurring problems, public examples, the audit chain's check) of a period as PDF and "
        "XLSX into a directory; the same pack as the button of the evaluation page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--out", required=True, help="directory to write the files into")
        parser.add_argument(
            "--format",
            choices=("pdf", "xlsx", "both"),
            default="both",
            help="which file (default: both)",
        )

    def handle(self, *args, start, end, out, format, **options):
        period = Period(_day(start), _day(end))
        if period.end < period.start:
            raise CommandError("--to lebih awal daripada --from.")
        directory = Path(out)
        directory.mkdir(parents=True, exist_ok=True)
        data = evidence.gather(period)
        formats = ("pdf", "xlsx") if format == "both" else (format,)
        for fmt in formats:
            path = directory / evidence.filename(period, fmt)
            path.write_bytes(evidence.render(data, fmt))
            self.stdout.write(f"Ditulis: {path}")
        audit_trail.record(
            AuditEntry.Kind.EXPORTED,
            detail={
                "format": "+".join(formats),
                "pack": "evidence",
                "from": period.start.isoformat(),
                "to": period.end.isoformat(),
                "by": "manage.py evidence_pack",
            },
        )
        audit = data["audit"]
        if audit["intact"]:
            self.stdout.write(f"Jejak audit utuh: {audit['entries']} entri.")
        else:
            self.stderr.write(f"Jejak audit RUSAK: {audit['problem_count']} masalah (lihat paket).")

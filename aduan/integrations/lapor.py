"""Reading an SP4N-LAPOR! admin export (CSV or XLSX) and the field mapping between LAPOR! and
Aduan (docs/lapor-mapping.md is the written version of this module; change both together).

LAPOR!'s export format is not published, so the columns Aduan reads are defined here explicitly,
with the Indonesian headers a LAPOR! export shows and a few known aliases, matched without regard
to case, spaces and punctuation. Columns that name the reporter (Nama Pelapor, NIK, e-mail,
telepon) are never read.

Reading, for each data row:
1. the cells of the known columns, by header (`HEADERS`); a missing required column stops the
   file (`ExportError`), an unknown column is ignored;
2. the LAPOR! tracking number, required and unique within the file;
3. the status through `LAPOR_STATUSES` into a `Stage`, the stage both systems can be compared in;
4. dates (XLSX dates, or text in the usual Indonesian formats), the agency matched against the
   directory (`AgencyMatcher`), an Aduan tracking code found in the row (`find_code`).
A row that fails is yielded as a `RowProblem` with its line and a message, never raised. Files are
streamed (CSV line by line, XLSX through openpyxl's read-only mode), and the byte and row caps stop
a file that would not fit in memory or time before it is half read.
"""

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from aduan.directory.models import Agency
from aduan.reports.models import CODE_ALPHABET, Status
from aduan.triage.sheets import parse_datetime

MAX_BYTES = 200 * 1024 * 1024  # a year of a regency's LAPOR! reports is a few megabytes
MAX_ROWS = 200_000


class ExportError(Exception):
    """The file as a whole cannot be read (missing, wrong type, no such column, too large)."""


class Stage:
    """Where a report stands, in the terms both systems share (LAPOR!'s public statuses are
    coarser than Aduan's): the unit of comparison in `lapor_reconcile`."""

    UNVERIFIED = "unverified"  # not yet verified by the admin
    WAITING = "waiting"  # verified and sent to an agency, not yet taken up
    IN_PROCESS = "in_process"  # the agency is following up, or has answered
    DONE = "done"
    ARCHIVED = "archived"  # not processed (spam, duplicate, out of authority...)
    FORWARDED = "forwarded"  # passed to a body outside the regency


# LAPOR! status (normalised, see `normal`) → stage.
LAPOR_STATUSES = {
    "belum terverifikasi": Stage.UNVERIFIED,
    "menunggu verifikasi": Stage.UNVERIFIED,
    "belum diverifikasi": Stage.UNVERIFIED,
    "belum ditindaklanjuti": Stage.WAITING,
    "terverifikasi": Stage.WAITING,
    "terdisposisi": Stage.WAITING,
    "didisposisikan": Stage.WAITING,
    "sedang diproses": Stage.IN_PROCESS,
    "diproses": Stage.IN_PROCESS,
    "proses": Stage.IN_PROCESS,
    "dalam proses": Stage.IN_PROCESS,
    "ditindaklanjuti": Stage.IN_PROCESS,
    "sudah ditindaklanjuti": Stage.IN_PROCESS,
    "selesai": Stage.DONE,
    "ditutup": Stage.DONE,
    "diarsipkan": Stage.ARCHIVED,
    "arsip": Stage.ARCHIVED,
    "dilimpahkan": Stage.FORWARDED,
    "diteruskan": Stage.FORWARDED,
}
# Aduan status → stage. Returned and held reports are not verified yet, as LAPOR! would say.
ADUAN_STAGES = {
    Status.SUBMITTED: Stage.UNVERIFIED,
    Status.RETURNED: Stage.UNVERIFIED,
    Status.ON_HOLD: Stage.UNVERIFIED,
    Status.DISPOSITIONED: Stage.WAITING,
    Status.IN_PROGRESS: Stage.IN_PROCESS,
    Status.RESPONDED: Stage.IN_PROCESS,
    Status.FORWARDED: Stage.FORWARDED,
    Status.CLOSED: Stage.DONE,
    Status.ARCHIVED: Stage.ARCHIVED,
}
# Stage → the status written in a LAPOR!-shaped row Aduan produces (`lapor_export_updates`).
LAPOR_LABELS = {
    Stage.UNVERIFIED: "Belum Terverifikasi",
    Stage.WAITING: "Belum Ditindaklanjuti",
    Stage.IN_PROCESS: "Sedang Diproses",
    Stage.DONE: "Selesai",
    Stage.ARCHIVED: "Diarsipkan",
    Stage.FORWARDED: "Dilimpahkan",
}

# Field → the headers it is read from; the first is the one Aduan writes.
HEADERS: dict[str, tuple[str, ...]] = {
    "lapor_id": ("No. Tracking", "No Tracking", "Nomor Tracking", "ID Laporan", "Tracking ID"),
    "aduan_code": ("Kode Aduan", "No. Referensi", "Referensi"),
    "title": ("Judul", "Judul Laporan"),
    "content": ("Isi Laporan", "Isi", "Laporan"),
    "category": ("Kategori", "Kategori Laporan"),
    "status": ("Status", "Status Laporan"),
    "agency": ("Instansi Tujuan", "Instansi", "Instansi Terdisposisi", "Instansi Penanggung Jawab"),
    "submitted_at": ("Tanggal Laporan", "Tanggal Masuk", "Tanggal Dibuat", "Tanggal"),
    "updated_at": ("Tanggal Update", "Tanggal Diperbarui", "Terakhir Diperbarui", "Update"),
}
REQUIRED = ("lapor_id", "status")
MAX_ID_LENGTH = 40


def normal(text) -> str:
    """Lower case, punctuation as spaces, spaces collapsed: "No. Tracking" → "no tracking"."""
    return " ".join(re.sub(r"[^\w]+", " ", str(text or "").lower()).split())


def stage_of_status(status: str) -> str:
    return ADUAN_STAGES[Status(status)]


def code_pattern() -> re.Pattern:
    prefix = re.escape(settings.REPORT_CODE_PREFIX)
    return re.compile(rf"\b{prefix}-[{CODE_ALPHABET}]{{6}}\b", re.IGNORECASE)


def find_code(*texts: str) -> str:
    """The first Aduan tracking code in the texts (an admin who copied a report from Aduan to
    LAPOR! writes its code in the reference column or in the text), upper-cased; or ""."""
    pattern = code_pattern()
    for text in texts:
        found = pattern.search(text or "")
        if found:
            return found.group(0).upper()
    return ""


# Words a LAPOR! instansi name carries that Aduan's directory does not.
AGENCY_NOISE = re.compile(r"\b(pemerintah|pemkab|kabupaten|kab|sumbawa)\b")
AGENCY_KIND_WORDS = re.compile(r"^(dinas|badan|satuan|bagian|rumah sakit)\s+")


class AgencyMatcher:
    """Finds the directory's agency for a LAPOR! instansi name: by code, name or short name, with
    and without "Kabupaten Sumbawa" and similar words, and "Dinas PUPR" as short name "PUPR".
    Reads the directory once."""

    def __init__(self):
        self.by_key: dict[str, Agency] = {}
        for agency in Agency.objects.order_by("-is_active", "pk"):
            for value in (agency.code, agency.name, agency.short_name):
                for key in self._keys(value):
                    self.by_key.setdefault(key, agency)

    @staticmethod
    def _keys(value: str) -> list[str]:
        plain = normal(value)
        stripped = " ".join(AGENCY_NOISE.sub(" ", plain).split())
        keys = [plain, stripped, AGENCY_KIND_WORDS.sub("", stripped)]
        return [k for k in dict.fromkeys(keys) if k]

    def find(self, name: str) -> Agency | None:
        for key in self._keys(name):
            if key in self.by_key:
                return self.by_key[key]
        return None


@dataclass
class LaporRow:
    line: int
    lapor_id: str
    status_text: str
    stage: str
    agency_text: str = ""
    agency: Agency | None = None
    category: str = ""
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    aduan_code: str = ""


@dataclass
class RowProblem:
    line: int
    message: str


def read_export(path: str | Path, *, max_rows: int = MAX_ROWS) -> Iterator[LaporRow | RowProblem]:
    """The rows of a LAPOR! export, each a `LaporRow` or a `RowProblem`; raises `ExportError` for
    the file itself. Line numbers are those a person sees in a spreadsheet (the header is 1)."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"Berkas {path} tidak ditemukan.")
    if path.stat().st_size > MAX_BYTES:
        raise ExportError(f"Berkas lebih besar dari {MAX_BYTES // (1024 * 1024)} MB.")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path)
    else:
        raise ExportError("Format berkas tidak didukung: gunakan CSV atau XLSX ekspor LAPOR!.")
    try:
        yield from _rows(rows, max_rows)
    finally:
        rows.close()


def _columns(header: list) -> dict[str, int]:
    found = {normal(h): i for i, h in reversed(list(enumerate(header))) if normal(h)}
    where = {}
    for field, names in HEADERS.items():
        for name in names:
            if normal(name) in found:
                where[field] = found[normal(name)]
                break
    missing = [HEADERS[field][0] for field in REQUIRED if field not in where]
    if missing:
        shown = ", ".join(str(h) for h in header if str(h or "").strip())[:300]
        raise ExportError(
            f"Kolom {', '.join(missing)} tidak ada di berkas (kolom yang ada: {shown or '-'})."
        )
    return where


def _rows(rows, max_rows: int) -> Iterator[LaporRow | RowProblem]:
    try:
        _line, header = next(rows)
    except StopIteration:
        raise ExportError("Berkas kosong.") from None
    where = _columns(header)
    agencies = AgencyMatcher()
    seen: dict[str, int] = {}
    count = 0
    for line, values in rows:
        if not any(str(v if v is not None else "").strip() for v in values):
            continue
        count += 1
        if count > max_rows:
            raise ExportError(
                f"Berkas melebihi {max_rows} baris data; bagi per periode lalu impor satu per satu."
            )
        cells = {f: values[i] if i < len(values) else None for f, i in where.items()}
        try:
            row = _row(line, cells, agencies)
        except ValueError as exc:
            yield RowProblem(line, str(exc))
            continue
        if row.lapor_id in seen:
            yield RowProblem(
                line, f"No. Tracking {row.lapor_id} sudah ada di baris {seen[row.lapor_id]}"
            )
            continue
        seen[row.lapor_id] = line
        yield row


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a tracking number typed as a number in a spreadsheet
    return " ".join(str(value).split())


def _shown(value: str) -> str:
    """A cell quoted in a problem message: short, so that a shifted column holding a reporter's
    words is not repeated whole."""
    return value if len(value) <= 30 else value[:27] + "…"


def _date(value, label: str) -> dt.datetime | None:
    if value is None or _text(value) == "":
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"{label} “{_shown(_text(value))}” tidak dapat dibaca")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _row(line: int, cells: dict, agencies: AgencyMatcher) -> LaporRow:
    lapor_id = _text(cells.get("lapor_id"))
    if not lapor_id:
        raise ValueError("No. Tracking kosong")
    if len(lapor_id) > MAX_ID_LENGTH or not re.fullmatch(r"[\w./-]+", lapor_id):
        raise ValueError(f"No. Tracking “{_shown(lapor_id)}” tidak sah")
    status_text = _text(cells.get("status"))
    if not status_text:
        raise ValueError(f"status kosong (No. Tracking {lapor_id})")
    stage = LAPOR_STATUSES.get(normal(status_text))
    if stage is None:
        raise ValueError(f"status “{_shown(status_text)}” tidak dikenal (No. Tracking {lapor_id})")
    agency_text = _text(cells.get("agency"))
    return LaporRow(
        line=line,
        lapor_id=lapor_id,
        status_text=status_text,
        stage=stage,
        agency_text=agency_text,
        agency=agencies.find(agency_text) if agency_text else None,
        category=_text(cells.get("category")),
        submitted_at=_date(cells.get("submitted_at"), "Tanggal Laporan"),
        updated_at=_date(cells.get("updated_at"), "Tanggal Update"),
        aduan_code=find_code(
            _text(cells.get("aduan_code")), _text(cells.get("title")), _text(cells.get("content"))
        ),
    )


def _csv_rows(path: Path):
    """Line by line. UTF-8 (with or without BOM) unless the start of the file is not, then
    Windows-1252 (Excel's "CSV" on an Indonesian Windows); the delimiter from the header line."""
    with path.open("rb") as raw:
        start = raw.read(64 * 1024)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(start, final=False)
    except UnicodeDecodeError:
        encoding = "cp1252"
    first_line = start.split(b"\n", 1)[0].decode(encoding, errors="replace")
    delimiter = max(",;\t", key=first_line.count)
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ExportError(f"baris {line}: CSV rusak ({exc})") from exc
            yield line, values


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ExportError(f"Berkas XLSX tidak dapat dibaca: {exc}") from exc
    try:
        for line, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield line, list(values)
    finally:
        workbook.close()

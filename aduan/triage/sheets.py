"""Reading a previous system's export (CSV or XLSX) into rows of the import's fields.

Shared by `import_reports` and `evaluate_triage` ("columns as in the import"). A column mapping
says which column of the file holds which field; by default each field is read from the column
of the same name.
"""

import contextlib
import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

FIELDS = ("text", "title", "category", "agency", "submitted_at", "status", "response", "channel")
DATE_FORMATS = (
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y",
    "%d/%m/%Y",
    "%Y-%m-%d",
)


class SheetError(Exception):
    """The file as a whole cannot be read (missing, wrong type, no such column)."""


def read(path: str | Path, columns: dict[str, str] | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, {field: value}) for each data row; line numbers are those a person sees in
    a spreadsheet or text editor (the header is line 1)."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"Berkas {path} tidak ditemukan.")
    mapping = {field: (columns or {}).get(field, field) for field in FIELDS}
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path)
    elif path.suffix.lower() in (".csv", ".txt"):
        rows = _csv_rows(path)
    else:
        raise SheetError("Format berkas tidak didukung: gunakan CSV atau XLSX.")
    _header_line, header = next(rows, (1, []))
    header = [str(h or "").strip() for h in header]
    missing = [
        column for field, column in mapping.items() if field == "text" and column not in header
    ]
    if missing:
        raise SheetError(
            f"Kolom {', '.join(missing)} tidak ada di berkas (kolom: {', '.join(header)})."
        )
    where = {field: header.index(column) for field, column in mapping.items() if column in header}
    for line, values in rows:
        if not any(str(v or "").strip() for v in values):
            continue
        yield line, {field: values[i] if i < len(values) else "" for field, i in where.items()}


def _csv_rows(path: Path):
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        yield start, values


def _xlsx_rows(path: Path):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise SheetError(f"Berkas XLSX tidak dapat dibaca: {exc}") from exc
    try:
        for line, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
            yield line, list(values)
    finally:
        workbook.close()


def parse_datetime(value, date_format: str | None = None) -> dt.datetime | None:
    """A date-time from a cell: a real datetime (XLSX) or text in a common Indonesian format."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12, 0))
    text = str(value or "").strip()
    for fmt in (date_format,) if date_format else DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None

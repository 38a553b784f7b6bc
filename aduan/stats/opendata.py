"""Anonymised open data (DESIGN §5, issue 17): the public reports as CSV and JSON with a data
dictionary, written by `manage.py export_open_data` and every night by the worker, and served
as files to anyone (`/data-terbuka/...`), so that a download costs no query.

Only what the public report page already shows, and less: reports that are public
(`visibility.public_reports`: verified, not confidential), their public text (title and
description), place down to the desa (no address, no coordinates), dates, status, agency,
category and the outcome figures. No reporter, no party named, no NIK, no contact, whatever the
anonymous flag says.
"""

import csv
import io
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from aduan.reports.visibility import public_reports, shown_text

from . import cells

DIRECTORY = "opendata"
FILES = {
    "laporan.csv": "text/csv; charset=utf-8",
    "laporan.json": "application/json",
    "kamus-data.json": "application/json",
}

# name, type, Indonesian, English
DICTIONARY = (
    ("code", "string", "Kode pelacakan laporan", "The report's tracking code"),
    (
        "classification",
        "string",
        "pengaduan, aspirasi atau permintaan informasi",
        "complaint, aspiration or information_request",
    ),
    ("category", "string", "Kategori (pohon kategori LAPOR!)", "Category (LAPOR! tree)"),
    ("title", "string", "Judul laporan seperti di halaman publik", "Title as on the public page"),
    (
        "description",
        "string",
        "Isi laporan seperti di halaman publik",
        "Text as on the public page",
    ),
    ("district_code", "string", "Kode kecamatan (Kemendagri)", "Kecamatan code (Kemendagri)"),
    ("district", "string", "Nama kecamatan", "Kecamatan name"),
    (
        "village_code",
        "string",
        "Kode desa/kelurahan (Kemendagri)",
        "Desa/kelurahan code (Kemendagri)",
    ),
    ("village", "string", "Nama desa/kelurahan", "Desa/kelurahan name"),
    ("agency", "string", "Perangkat daerah yang menangani", "Agency handling it"),
    ("status", "string", "Status saat ekspor", "Status at export time"),
    (
        "submitted_at",
        "datetime",
        "Waktu laporan dikirim (ISO 8601)",
        "When it was filed (ISO 8601)",
    ),
    ("dispositioned_at", "datetime", "Waktu disposisi terakhir", "Last disposition"),
    ("responded_at", "datetime", "Waktu tindak lanjut terakhir", "Last answer"),
    ("closed_at", "datetime", "Waktu selesai", "When it was closed"),
    (
        "reopen_count",
        "integer",
        "Berapa kali dibuka kembali karena pelapor tidak puas",
        "Times reopened by an unsatisfied reporter",
    ),
    (
        "rating",
        "integer",
        "Penilaian pelapor 1–5 (kosong: belum dinilai)",
        "Reporter's rating 1–5 (empty: none)",
    ),
    (
        "supervisory",
        "boolean",
        "Berkadar pengawasan (ditangani Inspektorat)",
        "Supervisory (handled by the Inspektorat)",
    ),
)
FIELDS = [name for name, *_rest in DICTIONARY]


def _iso(moment):
    return moment.isoformat() if moment else None


def rows():
    qs = (
        public_reports()
        .select_related("category", "agency", "district", "village")
        .order_by("submitted_at", "id")
    )
    for r in qs.iterator(chunk_size=2000):
        shown = shown_text(r, None)  # the public page's words: the public version, masked
        yield {
            "code": r.code,
            "classification": r.classification,
            "category": r.category.name if r.category else None,
            "title": shown.title,
            "description": shown.description,
            "district_code": r.district_id,
            "district": r.district.name if r.district else None,
            "village_code": r.village_id,
            "village": r.village.name if r.village else None,
            "agency": r.agency.short_name if r.agency else None,
            "status": r.status,
            "submitted_at": _iso(r.submitted_at),
            "dispositioned_at": _iso(r.dispositioned_at),
            "responded_at": _iso(r.responded_at),
            "closed_at": _iso(r.closed_at),
            "reopen_count": r.reopen_count,
            "rating": r.rating,
            "supervisory": r.supervisory,
        }


def export() -> int:
    """Write the three files (replacing the previous ones); returns the number of reports."""
    data = list(rows())
    text = io.StringIO()
    writer = csv.writer(text, quoting=csv.QUOTE_ALL)
    writer.writerow(FIELDS)
    for row in data:
        writer.writerow([cells.for_csv("" if row[f] is None else row[f]) for f in FIELDS])
    generated = timezone.now().isoformat()
    contents = {
        "laporan.csv": text.getvalue().encode(),
        "laporan.json": json.dumps(
            {"generated_at": generated, "count": len(data), "reports": data}, ensure_ascii=False
        ).encode(),
        "kamus-data.json": json.dumps(
            {
                "generated_at": generated,
                "licence": "CC BY 4.0",
                "fields": [
                    {"name": n, "type": t, "description_id": di, "description_en": de}
                    for n, t, di, de in DICTIONARY
                ],
            },
            ensure_ascii=False,
        ).encode(),
    }
    for name, content in contents.items():
        path = f"{DIRECTORY}/{name}"
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(content))
    return len(data)

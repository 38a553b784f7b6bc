"""Bad data never breaks an export (issue 11 §6): a control character in any text leaves every
staff export and the evaluation report working (found: one report title made every staff XLSX
export answer 500), and CSV neutralises formulas also for spreadsheets that split on `;`."""

import csv
import io

import pytest
from openpyxl import load_workbook

from aduan.stats.cells import for_csv, for_xlsx
from tests.conftest import file_report

pytestmark = pytest.mark.django_db

CONTROL_TITLE = "Jalan\x00 rusak\x0b di\x1b Moyo\x08 Hilir\x7f"
# What a row may still hold from before every channel stored plain text (reports/rules.py
# `plain_text`): PostgreSQL never held a NUL, SQLite could.
LEGACY_TITLE = "Jalan rusak\x0b di\x1b Moyo\x08 Hilir\x7f"


def with_legacy_title(report):
    from aduan.reports.models import Report

    Report.objects.filter(pk=report.pk).update(title=LEGACY_TITLE)
    return report


def test_every_channel_stores_the_title_without_control_characters(cast):
    report = file_report(cast, title=CONTROL_TITLE, description="Baris\x01 satu\r\nbaris\x02 dua")
    report.refresh_from_db()
    assert report.title == "Jalan rusak di Moyo Hilir"
    assert report.description == "Baris satu\nbaris dua"


SEMICOLON_TITLE = 'Jalan rusak;=HYPERLINK("http://x";"klik");  -1+2;@SUM(A1)'


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


def test_a_control_character_in_a_title_does_not_break_the_xlsx_export(client, cast):
    report = with_legacy_title(file_report(cast))
    client.force_login(cast.supervisor)
    response = client.get("/kantor/laporan/?format=xlsx")
    assert response.status_code == 200
    values = [c.value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
              for c in row]  # fmt: skip
    assert report.code in values
    assert "Jalan rusak di Moyo Hilir\x7f" in values


def test_a_control_character_does_not_break_the_csv_export(client, cast):
    with_legacy_title(file_report(cast))
    client.force_login(cast.dispatcher)
    rows = csv_rows(client.get("/kantor/laporan/?format=csv"))
    assert "Jalan rusak di Moyo Hilir\x7f" in rows[1]


def test_csv_neutralises_formulas_for_spreadsheets_that_split_on_semicolons(client, cast):
    file_report(cast, title=SEMICOLON_TITLE)
    client.force_login(cast.dispatcher)
    text = b"".join(client.get("/kantor/laporan/?format=csv").streaming_content).decode()
    # A spreadsheet set to split on `;` ignores the quotes of a `,` file: every piece between two
    # semicolons is a cell there.
    for line in text.lstrip("\ufeff").splitlines():
        for piece in line.split(";"):
            assert not piece.lstrip(' "').startswith(("=", "+", "-", "@")), piece
    # Read as it was written (`,`), the title is whole, only marked.
    title = csv_rows(client.get("/kantor/laporan/?format=csv"))[1][1]
    assert title == 'Jalan rusak;\'=HYPERLINK("http://x";"klik");  \'-1+2;\'@SUM(A1)'


def test_every_csv_field_is_quoted(client, cast):
    file_report(cast, title="Sampah")
    client.force_login(cast.dispatcher)
    text = b"".join(client.get("/kantor/laporan/?format=csv").streaming_content).decode()
    line = text.lstrip("\ufeff").splitlines()[1]
    assert line.startswith('"SBW-') and line.endswith('"')


@pytest.mark.parametrize("fmt", ["xlsx", "pdf"])
def test_the_evaluation_report_survives_a_control_character(client, cast, fmt):
    from datetime import timedelta

    from django.utils import timezone

    from aduan.reports.models import Report, Status
    from tests.conftest import report_in

    report = with_legacy_title(report_in(cast, Status.IN_PROGRESS))
    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() - timedelta(days=2))
    client.force_login(cast.supervisor)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(f"/kantor/statistik/evaluasi/?bulan={month}&format={fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        book = load_workbook(io.BytesIO(response.content))
        overdue = [c.value for row in book["Terlambat"].iter_rows() for c in row]
        assert report.code in overdue and "Jalan rusak di Moyo Hilir\x7f" in overdue


@pytest.mark.parametrize(
    ("value", "xlsx", "csv_value"),
    [
        ("=1+1", "'=1+1", "'=1+1"),
        ("  =1+1", "'  =1+1", "'  =1+1"),
        ("a;=1", "a;=1", "a;'=1"),
        ("a; +1", "a; +1", "a; '+1"),
        ("\x00=1", "'=1", "'=1"),
        ("biasa; saja", "biasa; saja", "biasa; saja"),
        ("\ud800x\ufffe", "x", "x"),
        (12, 12, 12),
        (None, None, None),
    ],
)
def test_one_cell(value, xlsx, csv_value):
    assert for_xlsx(value) == xlsx
    assert for_csv(value) == csv_value

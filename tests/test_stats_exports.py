"""Exports: formulas neutralised, identities only where allowed, and written to the audit trail."""

import csv
import io

import pytest
from openpyxl import load_workbook

from aduan.audit.models import AuditEntry
from aduan.stats.cells import for_csv, for_xlsx
from tests.conftest import file_report

pytestmark = pytest.mark.django_db

EVIL = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


def test_it_neutralises_what_a_spreadsheet_would_run():
    for neutralise in (for_csv, for_xlsx):
        assert [neutralise(v) for v in EVIL] == ["'" + v for v in EVIL]
        assert neutralise("Jalan rusak") == "Jalan rusak" and neutralise(5) == 5


def test_it_neutralises_formulas_in_csv_and_xlsx(client, cast):
    for title in EVIL[:4]:
        file_report(
            cast,
            title=title,
            reporter=None,
            reporter_name="=cmd|' /C calc'!A0",
            reporter_phone="0812 3456 7890",
        )
    client.force_login(cast.dispatcher)
    response = client.get("/kantor/laporan/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=HYPERLINK("http://x")' in cells

    book = load_workbook(io.BytesIO(client.get("/kantor/laporan/?format=xlsx").content))
    values = [c.value for row in book.active.iter_rows(min_row=2) for c in row]
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for v in values)
    assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)
    assert "'+1+1" in values


def test_it_exports_the_filtered_list_only(client, cast):
    kept = file_report(cast, title="Sampah menumpuk")
    file_report(cast, title="Jalan rusak")
    client.force_login(cast.supervisor)
    body = b"".join(client.get("/kantor/laporan/?format=csv&q=sampah").streaming_content).decode()
    assert kept.code in body and "Jalan rusak" not in body


def test_it_writes_each_export_to_the_audit_trail(client, cast):
    file_report(cast)
    client.force_login(cast.dispatcher)
    b"".join(client.get("/kantor/laporan/?format=csv&status=submitted").streaming_content)
    entry = AuditEntry.objects.get(action="exported")
    assert (entry.actor, entry.detail["rows"], entry.detail["format"]) == (
        cast.dispatcher,
        1,
        "csv",
    )

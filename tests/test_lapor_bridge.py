"""The SP4N-LAPOR! bridge (issue 16): LAPOR!'s admin exports (CSV and XLSX, built here in the
shape docs/lapor-mapping.md describes) linked to Aduan's reports, reconciled, and the feed's
changes written back as LAPOR!-shaped rows. Real database, real actions, real files."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import Workbook

from aduan.integrations import bridge, lapor, updates
from aduan.integrations.models import LaporLink
from aduan.reports import actions
from aduan.reports.models import Status

from .conftest import report_in

pytestmark = pytest.mark.django_db

HEADER = [
    "No. Tracking",
    "Judul",
    "Isi Laporan",
    "Kategori",
    "Status",
    "Instansi Tujuan",
    "Tanggal Laporan",
    "Tanggal Update",
    "Nama Pelapor",  # LAPOR! shows it; Aduan never reads it
    "NIK",
    "No. HP",
]
LAPOR_NAME, LAPOR_NIK, LAPOR_PHONE = "Nyoman Pelapor Rahasia", "5204081203900555", "081239990001"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Sumbawa"
DINKES = "Dinas Kesehatan Kab. Sumbawa"


def lapor_row(tracking, *, status, agency="", code="", when=None, title="Jalan rusak", text=""):
    # By default a moment after every report of the test (the export's period ends there).
    when = when or timezone.localtime() + dt.timedelta(minutes=2)
    return [
        tracking,
        title,
        text or f"Laporan warga. {code}".strip(),
        "Jalan dan Jembatan",
        status,
        agency,
        when.strftime("%d-%m-%Y %H:%M"),
        when.strftime("%d-%m-%Y %H:%M"),
        LAPOR_NAME,
        LAPOR_NIK,
        LAPOR_PHONE,
    ]


def write_csv(tmp_path, rows, header=HEADER, name="lapor.csv", delimiter=";"):
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path, rows, header=HEADER, name="lapor.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def reconcile(path, *args):
    """(exit code, stdout, stderr) of `lapor_reconcile`."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("lapor_reconcile", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def assert_no_identity(cast, *outputs):
    text = "\n".join(outputs)
    for secret in (
        LAPOR_NAME,
        "Nyoman",
        LAPOR_NIK,
        LAPOR_PHONE,
        cast.citizen.full_name,
        cast.citizen.email,
        cast.citizen.phone,
    ):
        assert secret not in text, secret


@pytest.fixture
def two_reports(cast):
    """A report being followed up by PUPR and one waiting for PUPR to accept it."""
    working = report_in(cast, Status.IN_PROGRESS)
    waiting = report_in(cast, Status.DISPOSITIONED, title="Lampu jalan mati")
    return working, waiting


def test_it_links_reports_by_code_then_by_lapor_number(cast, tmp_path, two_reports):
    working, waiting = two_reports
    path = write_csv(
        tmp_path,
        [
            lapor_row("LPR-1001", status="Sedang Diproses", agency=PUPR, code=working.code),
            # The code typed in lower case inside the text.
            lapor_row(
                "LPR-1002",
                status="Belum Ditindaklanjuti",
                agency=PUPR,
                text=f"Diteruskan dari Aduan ({waiting.code.lower()}).",
            ),
            lapor_row("LPR-1003", status="Belum Terverifikasi"),
        ],
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("lapor_import", str(path), stdout=out, stderr=err)
    assert "2 tautan baru, 0 diperbarui, 1 tanpa padanan, 0 baris bermasalah" in out.getvalue()
    assert "LPR-1003" in out.getvalue()
    link = LaporLink.objects.get(lapor_id="LPR-1001")
    assert link.report == working and link.lapor_stage == lapor.Stage.IN_PROCESS
    assert link.lapor_status == "Sedang Diproses" and link.lapor_agency == PUPR
    assert link.lapor_updated_at is not None
    assert LaporLink.objects.get(lapor_id="LPR-1002").report == waiting
    # The next export has no codes any more: the links find the reports; LAPOR! moved on.
    again = write_csv(
        tmp_path,
        [
            lapor_row("LPR-1001", status="Selesai", agency=PUPR),
            lapor_row("LPR-1002", status="Proses", agency=PUPR),
        ],
        name="lapor-2.csv",
    )
    result = bridge.import_export(again)
    assert (result.linked, result.updated, result.unmatched) == (0, 2, [])
    link.refresh_from_db()
    assert link.lapor_stage == lapor.Stage.DONE and link.source == "lapor-2.csv"
    assert_no_identity(cast, out.getvalue(), err.getvalue())


def test_a_report_already_linked_to_another_number_is_a_row_problem(cast, tmp_path, two_reports):
    working, _waiting = two_reports
    LaporLink.objects.create(report=working, lapor_id="LPR-1")
    path = write_csv(tmp_path, [lapor_row("LPR-2", status="Proses", code=working.code)])
    result = bridge.import_export(path)
    assert result.linked == 0
    assert [(p.line, p.message) for p in result.problems] == [
        (2, f"laporan {working.code} sudah terhubung dengan No. Tracking LPR-1, bukan LPR-2")
    ]


def test_an_xlsx_export_is_read_with_its_dates_and_numbers(cast, tmp_path, two_reports):
    working, _waiting = two_reports
    when = dt.datetime(2026, 3, 2, 9, 30)
    row = lapor_row(4455, status="SEDANG  DIPROSES", agency="PUPR", code=working.code)
    row[6] = row[7] = when  # real date cells
    headers = [h.upper().replace(".", "") for h in HEADER]  # "NO TRACKING", "STATUS"...
    headers[0] = " id laporan "  # an alias, with stray spaces
    path = write_xlsx(tmp_path, [row], header=headers)
    result = bridge.import_export(path)
    assert (result.linked, result.problems) == (1, [])
    link = LaporLink.objects.get(report=working)
    assert link.lapor_id == "4455"
    assert link.lapor_updated_at == timezone.make_aware(when)


def test_identical_data_reconciles_to_nothing(cast, tmp_path, two_reports):
    working, waiting = two_reports
    LaporLink.objects.create(report=working, lapor_id="LPR-1001")
    LaporLink.objects.create(report=waiting, lapor_id="LPR-1002")
    path = write_xlsx(
        tmp_path,
        [
            lapor_row(
                "LPR-1001",
                status="Sedang Diproses",
                agency=PUPR,
                when=timezone.localtime(working.submitted_at) - dt.timedelta(minutes=1),
            ),
            lapor_row(
                "LPR-1002",
                status="Belum Ditindaklanjuti",
                agency="Dinas PUPR",
                when=timezone.localtime(waiting.submitted_at) + dt.timedelta(minutes=1),
            ),
        ],
    )
    code, out, err = reconcile(path)
    assert code == 0, out + err
    assert "2 baris LAPOR!, 0 perbedaan, 0 baris bermasalah" in out
    code, out, _err = reconcile(path, "--format", "json")
    assert code == 0 and json.loads(out)["differences"] == []


def test_reconcile_lists_each_kind_of_difference(cast, tmp_path, two_reports):
    working, waiting = two_reports
    closed = report_in(cast, Status.CLOSED, title="Drainase tersumbat")
    moved = report_in(cast, Status.IN_PROGRESS, title="Puskesmas tutup")
    missing = report_in(cast, Status.DISPOSITIONED, title="Sampah menumpuk")
    private = report_in(cast, Status.DISPOSITIONED, confidential=True)
    unverified = report_in(cast, Status.SUBMITTED)
    for report, number in ((working, "L1"), (waiting, "L2"), (closed, "L3"), (moved, "L4")):
        LaporLink.objects.create(report=report, lapor_id=number)
    start = timezone.localtime(working.submitted_at) - dt.timedelta(hours=1)
    path = write_csv(
        tmp_path,
        [
            lapor_row("L1", status="Proses", agency=PUPR, when=start),  # the same
            lapor_row("L2", status="Selesai", agency=PUPR),  # status differs
            lapor_row("L3", status="Selesai", agency=PUPR),  # the same (Selesai = closed)
            lapor_row("L4", status="Proses", agency=DINKES),  # agency differs
            lapor_row("L5", status="Belum Terverifikasi"),  # only on LAPOR!
            lapor_row("L6", status="Proses", agency="PDAM Batulanteh"),  # only on LAPOR!
        ],
        delimiter=",",
    )
    code, out, err = reconcile(path, "--format", "json")
    assert code == 1, err
    found = {(d["kind"], d["lapor_id"], d["code"]): d for d in json.loads(out)["differences"]}
    assert set(found) == {
        ("status", "L2", waiting.code),
        ("agency", "L4", moved.code),
        ("only_lapor", "L5", ""),
        ("only_lapor", "L6", ""),
        ("only_aduan", "", missing.code),
    }
    assert found[("status", "L2", waiting.code)]["aduan_status"] == "Terdisposisi"
    assert found[("status", "L2", waiting.code)]["lapor_status"] == "Selesai"
    assert found[("agency", "L4", moved.code)]["lapor_agency"] == DINKES
    assert found[("agency", "L4", moved.code)]["aduan_agency"] == cast.agency_a.name
    # Confidential and unverified reports are not expected on LAPOR!.
    assert private.code not in out and unverified.code not in out
    # The same in the other formats.
    code, text, _err = reconcile(path)
    assert code == 1
    assert f"hanya di Aduan: Aduan {missing.code}" in text
    assert "status berbeda: LAPOR! L2" in text and "instansi berbeda: LAPOR! L4" in text
    assert "6 baris LAPOR!, 5 perbedaan" in text
    code, table, _err = reconcile(path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(table)))
    assert code == 1 and len(rows) == 5
    assert {r["kind"] for r in rows} == {"status", "agency", "only_lapor", "only_aduan"}
    assert_no_identity(cast, out, text, table, err)
    # Reconciling writes nothing.
    assert LaporLink.objects.count() == 4


def test_the_period_of_the_only_in_aduan_check_can_be_given(cast, tmp_path, two_reports):
    path = write_csv(tmp_path, [lapor_row("L9", status="Proses", when=dt.datetime(2020, 1, 5))])
    code, out, _err = reconcile(path, "--format", "json")
    assert code == 1
    assert [d["kind"] for d in json.loads(out)["differences"]] == ["only_lapor"]
    today = timezone.localdate().isoformat()
    code, out, _err = reconcile(path, "--format", "json", "--from", "2020-01-01", "--to", today)
    kinds = sorted(d["kind"] for d in json.loads(out)["differences"])
    assert code == 1 and kinds == ["only_aduan", "only_aduan", "only_lapor"]
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        reconcile(path, "--from", "5 Januari")


def test_malformed_rows_are_reported_one_by_one(cast, tmp_path, two_reports):
    working, _waiting = two_reports
    bad_date = lapor_row("L3", status="Proses")
    bad_date[6] = "kemarin sore"
    path = write_csv(
        tmp_path,
        [
            lapor_row("", status="Proses"),
            lapor_row("L2", status="Menunggu Keajaiban"),
            bad_date,
            lapor_row("L4", status=""),
            lapor_row("L5", status="Proses", code=working.code),
            lapor_row("L5", status="Selesai"),
            ["", "", "", "", "", "", "", "", "", "", ""],  # an empty line is no row
            lapor_row("L#6 <script>", status="Proses"),
        ],
    )
    code, out, err = reconcile(path)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines == [
        "baris 2: No. Tracking kosong",
        "baris 3: status “Menunggu Keajaiban” tidak dikenal (No. Tracking L2)",
        "baris 4: Tanggal Laporan “kemarin sore” tidak dapat dibaca",
        "baris 5: status kosong (No. Tracking L4)",
        "baris 7: No. Tracking L5 sudah ada di baris 6",
        "baris 9: No. Tracking “L#6 <script>” tidak sah",
    ]
    result = bridge.import_export(path)
    assert result.linked == 1 and len(result.problems) == 6
    assert_no_identity(cast, out, err)


def test_an_unreadable_export_stops_with_exit_code_2(cast, tmp_path):
    no_status = write_csv(tmp_path, [["L1", "Judul"]], header=["No. Tracking", "Judul"])
    with pytest.raises(CommandError, match="Kolom Status tidak ada") as caught:
        reconcile(no_status)
    assert caught.value.returncode == 2
    other = tmp_path / "lapor.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(CommandError, match="CSV atau XLSX"):
        call_command("lapor_import", str(other))
    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"PK\x03\x04 bukan xlsx")
    with pytest.raises(CommandError, match="XLSX tidak dapat dibaca"):
        call_command("lapor_import", str(broken))
    rows = [lapor_row(f"L{n}", status="Proses") for n in range(5)]
    many = write_csv(tmp_path, rows, name="besar.csv")
    with pytest.raises(CommandError, match="melebihi 3 baris") as caught:
        reconcile(many, "--max-rows", "3")
    assert caught.value.returncode == 2
    assert not LaporLink.objects.exists()


def test_an_excel_csv_in_windows_1252_is_read(cast, tmp_path, two_reports):
    working, _waiting = two_reports
    path = tmp_path / "excel.csv"
    row = lapor_row("L1", status="Selesai", code=working.code, title="Jalan rusak – parah")
    path.write_bytes(
        ("\t".join(HEADER) + "\r\n" + "\t".join(row) + "\r\n").encode("cp1252", "replace")
    )
    result = bridge.import_export(path)
    assert (result.linked, result.problems) == (1, [])


def test_feed_changes_are_exported_as_lapor_rows(cast, tmp_path):
    report = report_in(cast, Status.RESPONDED, description="Hubungi saya di 0813-3910-0011.")
    LaporLink.objects.create(report=report, lapor_id="LPR-77")
    hidden = report_in(cast, Status.IN_PROGRESS, title="Pungli")
    actions.do_close(hidden, actor=cast.dispatcher, reason="Selesai.")  # published, then...
    hidden.refresh_from_db()
    type(hidden).objects.filter(pk=hidden.pk).update(confidential=True)  # ...made confidential
    target = tmp_path / "untuk-lapor.csv"
    err = io.StringIO()
    call_command("lapor_export_updates", "--since-id", "0", "--output", str(target), stderr=err)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    mine = [r for r in rows if r["Kode Aduan"] == report.code]
    assert [(r["Jenis Peristiwa"], r["Status"]) for r in mine] == [
        ("report.dispositioned", "Belum Ditindaklanjuti"),
        ("report.accepted", "Sedang Diproses"),
        ("report.answered", "Sedang Diproses"),
    ]
    assert {r["No. Tracking"] for r in mine} == {"LPR-77"}
    assert mine[0]["Instansi Tujuan"] == cast.agency_a.name
    assert mine[0]["Kategori"] == "Jalan dan Jembatan"
    assert "[nomor disamarkan]" in mine[0]["Isi Laporan"]
    assert mine[2]["Tindak Lanjut"] == "Sudah diperbaiki."
    assert not any(r["Kode Aduan"] == hidden.code for r in rows)
    assert_no_identity(cast, target.read_text(encoding="utf-8"))
    # The cursor: the next run starts after the last event read.
    last = int(err.getvalue().rsplit(" ", 1)[1])
    items, cursor = updates.rows(last, 100)
    assert (items, cursor) == ([], last)
    items, _cursor = updates.rows(0, 1)
    assert len(items) == 1
    # The rows Aduan writes are a LAPOR! export Aduan reads back: the same report, the same stage.
    first = next(iter(lapor.read_export(target)))
    assert isinstance(first, lapor.LaporRow)
    assert (first.lapor_id, first.aduan_code) == ("LPR-77", report.code)
    assert first.stage == lapor.Stage.WAITING and first.agency == cast.agency_a

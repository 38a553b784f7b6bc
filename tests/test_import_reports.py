"""`manage.py import_reports FILE`: historical reports from a previous system's export."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from aduan.directory.models import Agency, Category
from aduan.notifications.models import Notification
from aduan.reports.models import Disposition, Report, Status
from aduan.search.backends import search
from aduan.triage.models import ImportRecord

DEV_FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "complaints" / "laporgub_dev.csv"
)
HEADER = ["text", "category", "agency", "channel", "submitted_at", "status", "response", "source"]


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_reports", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


GOOD = [
    [
        "Jalan desa rusak parah,\nmohon diperbaiki.",
        "INFRASTRUKTUR",
        "pupr",
        "Web",
        "01-02-2018 06:30",
        "Laporan Selesai",
        "Sudah dijadwalkan perbaikan.",
        "x",
    ],
    [
        "Guru honorer belum menerima gaji.",
        "PENDIDIKAN",
        "DISDIKBUD",
        "Ponsel",
        "02-02-2018 07:00",
        "Laporan Selesai",
        "",
        "x",
    ],
    [
        "Banjir di wilayah kabupaten tetangga.",
        "Kabupaten Demak",
        "Kabupaten Demak",
        "Web",
        "03-02-2018 09:12",
        "Laporan Bukan Wewenang",
        "",
        "x",
    ],
]


def test_it_imports_closed_reports_without_notifying_anyone(cast, tmp_path):
    path = write_csv(tmp_path / "lama.csv", GOOD)
    out, err = run(path)
    assert "3 laporan diimpor, 0 sudah ada, 0 baris bermasalah" in out
    assert err == ""
    assert Notification.objects.count() == 0
    road = Report.objects.get(description__startswith="Jalan desa rusak")
    assert road.status == Status.CLOSED and road.agency == cast.agency_a and road.confidential
    assert timezone.localtime(road.submitted_at).replace(tzinfo=None) == dt.datetime(
        2018, 2, 1, 6, 30
    )  # WITA
    assert road.events.filter(kind="answered", text="Sudah dijadwalkan perbaikan.").exists()
    assert Disposition.objects.get(report=road).accepted_at is not None
    assert road.channel == "web"
    assert ImportRecord.objects.get(report=road).line == 2
    outside = Report.objects.get(description__startswith="Banjir")
    assert outside.status == Status.ARCHIVED and outside.archive_reason == "out_of_authority"
    assert outside.external_body == "Kabupaten Demak"


def test_it_creates_unknown_agencies_and_categories_inactive(cast, tmp_path):
    out, _err = run(write_csv(tmp_path / "lama.csv", GOOD))
    disdik = Agency.objects.get(name="DISDIKBUD")
    assert not disdik.is_active and disdik.code.startswith("impor-")
    assert Agency.objects.get(name="Kabupaten Demak").kind == Agency.Kind.EXTERNAL
    assert not Category.objects.get(name="PENDIDIKAN").is_active
    assert "Instansi baru (nonaktif): DISDIKBUD, Kabupaten Demak" in out


def test_it_uses_a_given_mapping(cast, tmp_path):
    run(
        write_csv(tmp_path / "lama.csv", GOOD),
        "--agency",
        "DISDIKBUD=dinkes",
        "--category",
        "PENDIDIKAN=infrastruktur-jalan",
    )
    report = Report.objects.get(description__startswith="Guru")
    assert report.agency == cast.agency_b and report.category.code == "infrastruktur-jalan"
    assert not Agency.objects.filter(name="DISDIKBUD").exists()


def test_it_reports_bad_rows_with_line_numbers_and_goes_on(cast, tmp_path):
    rows = [
        GOOD[0],
        ["", "X", "pupr", "Web", "01-02-2018 06:30", "", "", ""],
        ["Lampu jalan mati.", "X", "pupr", "Web", "tanggal 5", "", "", ""],
        ["Pipa bocor.", "X", "pupr", "Web", "01-02-2099 06:30", "", "", ""],
        GOOD[1],
    ]
    out, err = run(write_csv(tmp_path / "lama.csv", rows))
    # The first row spans lines 2–3 (a line break inside its text), so the bad rows are 4, 5, 6.
    assert "baris 4: teks laporan kosong — dilewati" in err
    assert "baris 5: tanggal “tanggal 5” tidak dapat dibaca — dilewati" in err
    assert "baris 6: tanggal laporan di masa depan — dilewati" in err
    assert "2 laporan diimpor, 0 sudah ada, 3 baris bermasalah" in out
    assert ImportRecord.objects.get(report__description__startswith="Guru").line == 7


def test_it_adds_nothing_the_second_time(cast, tmp_path):
    path = write_csv(tmp_path / "lama.csv", GOOD)
    run(path)
    out, _err = run(path)
    assert "0 laporan diimpor, 3 sudah ada" in out
    assert Report.objects.count() == 3


def test_it_reads_xlsx_with_a_column_mapping(cast, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Isi Laporan", "Instansi", "Tanggal", "Status"])
    sheet.append(["Sampah menumpuk di pasar.", "pupr", dt.datetime(2019, 5, 1, 8, 0), "Selesai"])
    sheet.append(["Sampah lagi di pasar.", "pupr", "bukan tanggal", "Selesai"])
    workbook.save(tmp_path / "lama.xlsx")
    out, err = run(
        tmp_path / "lama.xlsx",
        "--column",
        "text=Isi Laporan",
        "--column",
        "agency=Instansi",
        "--column",
        "submitted_at=Tanggal",
        "--column",
        "status=Status",
    )
    assert "1 laporan diimpor" in out and "baris 3:" in err
    assert Report.objects.get().agency == cast.agency_a


def test_it_makes_imported_reports_findable_by_staff_only_unless_public(cast, tmp_path):
    path = write_csv(tmp_path / "lama.csv", GOOD)
    run(path)
    assert len(search(cast.dispatcher, "guru honorer").hits) == 1
    assert search(None, "guru honorer").hits == []


def test_it_refuses_a_file_without_the_text_column(cast, tmp_path):
    path = write_csv(tmp_path / "lama.csv", [["a", "b"]], header=["isi", "instansi"])
    with pytest.raises(CommandError, match="Kolom text tidak ada"):
        run(path)
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run(tmp_path / "tidak-ada.csv")


@pytest.mark.slow
def test_it_imports_the_real_development_file(cast):
    if not DEV_FILE.is_file():
        pytest.skip("../shared/data is not present")
    out, _err = run(DEV_FILE)
    created = int(out.strip().splitlines()[-1].split()[0])
    assert created >= 1600
    assert Report.objects.count() == created
    out, _err = run(DEV_FILE)
    assert out.strip().splitlines()[-1].startswith("0 laporan diimpor")


def test_it_imports_a_row_repeated_in_the_file_once(cast, tmp_path):
    out, _err = run(write_csv(tmp_path / "lama.csv", [GOOD[0], GOOD[1], GOOD[0]]))
    assert "2 laporan diimpor, 1 sudah ada" in out


def test_it_drops_control_characters_and_imports_every_row(cast, tmp_path):
    """A NUL in a cell (PostgreSQL refuses it in text and in JSON: a DataError stopped the import
    part-way) is dropped as the portal drops it (`rules.plain_text`), in every cell it stores."""
    rows = [
        [
            "Jalan\x00 desa rusak\x07 parah.",
            "INFRA\x00",
            "DINAS\x00 BARU",
            "Web\x00",
            "01-02-2018 06:30",
            "Laporan\x00 Selesai",
            "Sudah\x00 diperbaiki.",
            "x",
        ],
        GOOD[1],
    ]
    out, err = run(write_csv(tmp_path / "lama.csv", rows))
    assert "2 laporan diimpor, 0 sudah ada, 0 baris bermasalah" in out and err == ""
    road = Report.objects.get(description__startswith="Jalan")
    assert road.description == "Jalan desa rusak parah." and road.title == road.description
    assert road.agency.name == "DINAS BARU" and road.category.name == "INFRA"
    assert road.channel == "web"
    assert road.events.filter(kind="answered", text="Sudah diperbaiki.").exists()
    submitted = road.events.get(kind="submitted")
    assert submitted.data["original_status"] == "Laporan Selesai"

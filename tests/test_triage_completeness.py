"""The completeness checklist, on made-up sentences and on real complaints (never printed whole)."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from aduan.directory.models import Region
from aduan.triage.completeness import assess, find_time, gazetteer

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 11)  # a Wednesday
COMPLAINTS = (
    Path(__file__).resolve().parents[1].parent
    / "shared"
    / "data"
    / "complaints"
    / "laporgub_dev.csv"
)


@pytest.fixture(autouse=True)
def fresh_gazetteer():
    gazetteer.cache_clear()
    yield
    gazetteer.cache_clear()


@pytest.mark.parametrize(
    "text, phrase, date",
    [
        ("Kemarin sore jalan ambles", "kemarin sore", dt.date(2026, 3, 10)),
        ("tadi pagi listrik padam lagi", "tadi pagi", TODAY),
        ("Kejadiannya tgl 5 Maret di depan pasar", "tgl 5 maret", dt.date(2026, 3, 5)),
        ("pada 20 Desember jembatan putus", "20 desember", dt.date(2025, 12, 20)),
        ("sejak 3 hari yang lalu air mati", "sejak 3", dt.date(2026, 3, 8)),
        ("terjadi pada 02/03/2026 pukul 07.00", "02/03/2026", dt.date(2026, 3, 2)),
        ("hari Senin petugas tidak datang", "hari senin", dt.date(2026, 3, 9)),
        ("minggu lalu sampah tidak diangkut", "minggu lalu", None),
    ],
)
def test_it_reads_indonesian_time_expressions(text, phrase, date):
    assert find_time(text, TODAY) == (phrase, date)


def test_a_text_without_time_has_none():
    assert find_time("Jalan di desa kami rusak parah dan berlubang", TODAY) == ("", None)


def test_it_finds_what_where_when_who_in_a_full_report():
    result = assess(
        title="Jalan berlubang",
        description=(
            "Kemarin sore jalan di Desa Seketeng, Kecamatan Sumbawa berlubang besar dan dua motor "
            "terjatuh. Petugas Dinas PUPR belum datang walau sudah dilaporkan."
        ),
        today=TODAY,
    )
    assert result.complete
    assert "Seketeng" in result.item("where").found
    assert result.item(
        "when"
    ).found == "kemarin sore (10/03/2026)" and result.incident_date == dt.date(2026, 3, 10)
    assert result.item("who").found == "petugas"


def test_it_says_what_is_missing_of_a_short_report():
    result = assess(
        title="Jalan rusak", description="Jalannya rusak, tolong diperbaiki.", today=TODAY
    )
    assert result.missing == ["what", "where", "when", "who"]
    assert "lokasinya" in str(result.item("where").hint)


def test_the_form_fields_answer_where_when_and_who():
    district = Region.objects.get(code="52.04.08")
    result = assess(
        description="Jalannya rusak, tolong diperbaiki.",
        district=district,
        incident_date=dt.date(2026, 3, 1),
        parties_involved="Kontraktor CV Maju",
        today=TODAY,
    )
    assert result.missing == ["what"]
    assert result.item("where").found == district.name


def test_everyday_words_that_are_also_place_names_do_not_count():
    result = assess(
        description="Jalan raya di depan rumah saya rusak dan warga suruh menunggu", today=TODAY
    )
    assert result.item("where").found != "Raya"
    assert "Raya" not in result.item("where").found


def test_the_salutation_is_not_a_party_involved():
    result = assess(
        description="Yth Bapak Gubernur, mohon perbaikan jalan yang rusak parah.", today=TODAY
    )
    assert not result.item("who").answered


@pytest.mark.skipif(
    not COMPLAINTS.is_file(), reason=f"the shared complaint data is not at {COMPLAINTS}"
)
def test_it_reads_real_complaints():
    with COMPLAINTS.open(encoding="utf-8") as f:
        rows = [row["text"] for _, row in zip(range(400), csv.DictReader(f), strict=False)]
    submitted = dt.date(2018, 2, 1)
    first, second = (
        assess(description=rows[0], today=submitted),
        assess(description=rows[1], today=submitted),
    )
    # A traffic jam at a railway crossing on the road towards Purwodadi, at Mranggen (Demak), every
    # day.
    assert {"Purwodadi", "Mranggen"} <= set(first.item("where").found.split(", "))
    assert first.item("when").found == "setiap hari"
    # A land certificate in Pekuncen (Banyumas), "3 years ago" written "3th yll".
    assert second.item("where").found == "Pekuncen" and second.item("when").found == "3th yll"
    results = [assess(description=text, today=submitted) for text in rows]
    answered = {
        key: sum(r.item(key).answered for r in results) for key in ("what", "where", "when", "who")
    }
    # Real complaints mostly say what happened, often where, less often when: the checklist must
    # tell these apart rather than tick everything or nothing.
    assert answered["what"] > 0.9 * len(rows)
    assert 0.4 * len(rows) < answered["where"] < 0.9 * len(rows)
    assert 0.05 * len(rows) < answered["when"] < 0.5 * len(rows)
    assert 0.3 * len(rows) < answered["who"] < 0.8 * len(rows)

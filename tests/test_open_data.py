"""Anonymised open data: public reports only, public text and desa-level place, no identity; a
command writes it, anyone downloads it, a dictionary describes every field."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from aduan.reports.models import Status
from aduan.stats import opendata

from .conftest import report_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def _download(client, name):
    response = client.get(f"/data-terbuka/{name}")
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def test_the_first_download_on_a_new_installation_writes_the_export(client, cast, media):
    """The statistics page links the files from day one: before the first nightly export, the
    first download writes them instead of answering 404 for a link the page shows."""
    public = report_in(cast, Status.IN_PROGRESS)
    assert not (media / "opendata").exists()
    rows = list(csv.DictReader(io.StringIO(_download(client, "laporan.csv"))))
    assert [r["code"] for r in rows] == [public.code]
    assert sorted(p.name for p in (media / "opendata").iterdir()) == sorted(opendata.FILES)


def test_a_download_while_the_first_export_is_written_is_asked_to_retry(client, media):
    from django.core.cache import cache

    cache.add("opendata:first-export", True, timeout=60)  # another request is writing it
    try:
        busy = client.get("/data-terbuka/laporan.json")
    finally:
        cache.delete("opendata:first-export")
    assert busy.status_code == 503 and busy["Retry-After"] == "30"
    assert "coba lagi" in busy.content.decode()


def test_only_the_export_files_are_served(client, media):
    assert client.get("/data-terbuka/..%2Fsettings.py").status_code == 404
    assert client.get("/data-terbuka/settings.py").status_code == 404


def test_it_exports_public_reports_without_identities(client, cast, media):
    public = report_in(cast, Status.IN_PROGRESS, latitude="-8.4932100", longitude="117.4201900")
    anonymous = report_in(cast, Status.CLOSED, anonymous=True)
    confidential = report_in(cast, Status.IN_PROGRESS, confidential=True)
    unverified = report_in(cast, Status.SUBMITTED)
    call_command("export_open_data")

    rows = list(csv.DictReader(io.StringIO(_download(client, "laporan.csv"))))
    codes = {r["code"] for r in rows}
    assert codes == {public.code, anonymous.code}
    assert confidential.code not in codes and unverified.code not in codes
    assert list(rows[0]) == opendata.FIELDS
    row = next(r for r in rows if r["code"] == public.code)
    assert row["village_code"] == "52.04.08.1004" and row["district_code"] == "52.04.08"
    assert row["title"] == public.title and row["agency"] == cast.agency_a.short_name

    everything = _download(client, "laporan.csv") + _download(client, "laporan.json")
    for secret in (
        cast.citizen.full_name,
        cast.citizen.email,
        cast.citizen.phone,
        "Jalan Garuda",  # the address
        "Dinas PUPR",  # the parties involved
        "-8.49321",
        "117.42019",
    ):
        assert secret not in everything, secret

    data = json.loads(_download(client, "laporan.json"))
    assert data["count"] == 2 and {r["code"] for r in data["reports"]} == codes
    dictionary = json.loads(_download(client, "kamus-data.json"))
    assert [f["name"] for f in dictionary["fields"]] == opendata.FIELDS
    assert all(f["description_id"] and f["description_en"] for f in dictionary["fields"])


def test_a_second_export_replaces_the_first(client, cast, media):
    call_command("export_open_data")
    first = report_in(cast, Status.IN_PROGRESS)
    call_command("export_open_data")
    assert first.code in _download(client, "laporan.csv")
    assert len(list((media / "opendata").iterdir())) == 3

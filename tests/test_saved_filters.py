"""Saved filters of the staff report list (issue 17): named, per user, replaced by the same name,
deleted by their owner only; opening one runs the list under the owner's rights of now."""

import pytest

from aduan.backoffice.models import SavedFilter
from aduan.reports.models import Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def test_a_filter_is_saved_listed_replaced_and_deleted(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    query = "status=in_progress&zone=green&halaman=3&format=csv"
    saved = client.post("/kantor/laporan/saringan/", {"name": "  Hijau  saya ", "query": query})
    assert saved.status_code == 302 and "halaman" not in saved["Location"]
    row = SavedFilter.objects.get(user=cast.officer_a)
    assert (row.name, row.query) == ("Hijau saya", "status=in_progress&zone=green")
    page = client.get("/kantor/laporan/").content.decode()
    assert 'id="saved-filters"' in page and "Hijau saya" in page
    assert report.code in client.get(f"/kantor/laporan/?{row.query}").content.decode()

    client.post("/kantor/laporan/saringan/", {"name": "Hijau saya", "query": "status=responded"})
    assert SavedFilter.objects.get(user=cast.officer_a).query == "status=responded"

    # Another user neither sees nor deletes it.
    client.force_login(cast.officer_b)
    assert "Hijau saya" not in client.get("/kantor/laporan/").content.decode()
    client.post("/kantor/laporan/saringan/", {"delete": row.pk})
    assert SavedFilter.objects.filter(pk=row.pk).exists()
    client.force_login(cast.officer_a)
    client.post("/kantor/laporan/saringan/", {"delete": row.pk})
    assert not SavedFilter.objects.filter(pk=row.pk).exists()


def test_an_empty_name_or_filter_is_refused_with_a_message(client, cast):
    client.force_login(cast.dispatcher)
    response = client.post(
        "/kantor/laporan/saringan/", {"name": "", "query": "status=open"}, follow=True
    )
    assert "Beri nama" in response.content.decode()
    client.post("/kantor/laporan/saringan/", {"name": "Kosong", "query": "halaman=2"})
    assert not SavedFilter.objects.exists()
    assert client.get("/kantor/laporan/saringan/").status_code == 405

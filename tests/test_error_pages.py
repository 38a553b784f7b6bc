"""The error pages a citizen may meet are the portal's own, in Bahasa Indonesia (English when
chosen), with no inline script or style (the Content-Security-Policy would refuse it)."""

import pytest


@pytest.mark.django_db
def test_a_missing_report_answers_the_portals_404_in_bahasa_indonesia(client):
    response = client.get("/laporan/SBW-TIDAKADA/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in body and "kode pelacakan" in body
    assert "<style" not in body and "<script" not in body and "Not Found" not in body


@pytest.mark.django_db
def test_the_404_page_follows_the_chosen_language(client):
    client.cookies["django_language"] = "en"
    assert "Page not found" in client.get("/laporan/SBW-TIDAKADA/").content.decode()


def test_a_server_error_answers_the_portals_500_page(rf):
    """Django's handler500 renders 500.html without the request's context."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/laporan/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Terjadi gangguan" in body and "<script" not in body and "<style" not in body

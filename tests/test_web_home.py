import pytest

from aduan.reports.models import Status
from tests.conftest import PASSWORD, report_in

pytestmark = pytest.mark.django_db


def test_it_says_what_the_instance_is(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Aduan Kabupaten Sumbawa" in response.content.decode()
    assert "Cara melapor" in response.content.decode()


def test_it_counts_only_public_reports(client, cast):
    report_in(cast, Status.DISPOSITIONED)
    report_in(cast, Status.DISPOSITIONED, confidential=True)
    report_in(cast, Status.SUBMITTED)
    response = client.get("/")
    assert response.context["numbers"]["total"] == 1


def test_it_logs_in_and_out(client, cast):
    response = client.post("/masuk/", {"login": "warga-uji", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").context["user"] == cast.citizen
    client.post("/keluar/")
    assert not client.get("/").context["user"].is_authenticated


def test_it_refuses_a_wrong_password_with_a_message(client, cast):
    response = client.post("/masuk/", {"login": "warga-uji", "password": "salah"})
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.content.decode()


def test_sysadmin_reaches_the_admin_and_citizen_does_not(client, cast):
    client.force_login(cast.sysadmin)
    assert client.get("/admin/directory/agency/").status_code == 200
    client.force_login(cast.citizen)
    assert client.get("/admin/directory/agency/").status_code == 302


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_livez_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/livez").content == b"ok"

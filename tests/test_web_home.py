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


def test_livez_is_answered_before_the_middleware_below_the_request_counter(client):
    """Issue 18: no session, language or security middleware runs for the probe (they would
    add `Vary: Cookie` and `Content-Language`); it is still counted for `/metrics`."""
    from aduan.ops.metrics import TALLY

    before = TALLY.counts.get(("GET", "2xx"), 0)
    response = client.get("/livez")
    assert response.content == b"ok" and response["X-Content-Type-Options"] == "nosniff"
    assert "Vary" not in response and "Content-Language" not in response
    assert TALLY.counts.get(("GET", "2xx"), 0) == before + 1 or TALLY.counts == {}
    page = client.get("/")
    assert "Content-Language" in page  # everything else still goes down the whole stack

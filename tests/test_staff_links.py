"""Findings of the new-user journey (issue 13): staff open reports in the back office, from the
in-app list, from e-mails and after logging in; links in e-mails follow the server's address."""

import subprocess
from pathlib import Path

from django.core.cache import cache

from aduan.notifications.models import Channel, Notification
from aduan.reports import actions
from tests.conftest import PASSWORD, file_report
from tests.totp import STAFF_TOTP_SECRET, totp

ROOT = Path(__file__).resolve().parents[1]


def _dispositioned(cast):
    report = file_report(cast)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Periksa")
    return report


def test_an_officer_opens_a_notification_in_the_back_office(client, cast):
    report = _dispositioned(cast)
    notice = Notification.objects.get(
        recipient=cast.officer_a, channel=Channel.IN_APP, report=report
    )
    client.force_login(cast.officer_a)
    response = client.get(f"/notifikasi/{notice.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/kantor/laporan/{report.code}/"


def test_a_citizen_opens_a_notification_on_the_report_page(client, cast):
    report = _dispositioned(cast)
    notice = Notification.objects.filter(
        recipient=cast.citizen, channel=Channel.IN_APP, report=report
    ).latest("pk")
    client.force_login(cast.citizen)
    assert client.get(f"/notifikasi/{notice.pk}/")["Location"] == f"/laporan/{report.code}/"


def test_staff_e_mails_link_to_the_workspace_and_citizens_to_the_report(cast, settings):
    settings.SITE_URL = "http://aduan.example"
    report = _dispositioned(cast)
    to_officer = Notification.objects.get(
        recipient=cast.officer_a, channel=Channel.EMAIL, report=report
    )
    assert f"http://aduan.example/kantor/laporan/{report.code}/" in to_officer.body
    to_citizen = Notification.objects.filter(
        recipient=cast.citizen, channel=Channel.EMAIL, report=report
    ).latest("pk")
    assert f"http://aduan.example/laporan/{report.code}/" in to_citizen.body
    assert "/kantor/" not in to_citizen.body


def test_staff_land_in_the_back_office_after_the_second_factor(client, cast):
    cache.clear()  # allauth refuses a TOTP code it has seen; ids repeat across tests
    client.post("/masuk/", {"login": cast.supervisor.username, "password": PASSWORD})
    accepted = client.post("/akun/2fa/authenticate/", {"code": totp(STAFF_TOTP_SECRET)})
    assert accepted.status_code == 302 and accepted["Location"] == "/kantor/"
    cache.clear()


def test_citizens_still_land_on_the_home_page(client, cast):
    response = client.post("/masuk/", {"login": cast.citizen.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_make_run_points_e_mail_links_at_the_host_and_port_it_serves(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    show = ["make", "-s", "--eval", "show-site-url: ; @echo $$SITE_URL", "show-site-url"]
    out = subprocess.run(
        [*show, "HOST=0.0.0.0", "PORT=8123"], cwd=ROOT, capture_output=True, text=True
    )
    assert out.stdout.strip() == "http://0.0.0.0:8123"
    monkeypatch.setenv("SITE_URL", "https://aduan.sumbawakab.go.id")
    out = subprocess.run(show, cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "https://aduan.sumbawakab.go.id"

"""A citizen files right after sign-up (issue 13): a report from an incomplete KTP profile is
stored and waits, seen by its author only, out of the dispatcher's queue and every action, until
the profile is complete; its author is reminded after a day and after a week; it is never
discarded."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from aduan.notifications.models import Notification
from aduan.reports import errors, tasks, transitions
from aduan.reports.models import EventKind, Report, Status
from aduan.reports.transitions import Action
from aduan.reports.visibility import public_reports, staff_reports
from tests.api.conftest import ApiClient
from tests.api.test_api_reports import form
from tests.conftest import file_report, without_profile
from tests.portal import give_profile
from tests.test_web_filing import _data, _form

pytestmark = pytest.mark.django_db


def _waiting(cast):
    without_profile(cast.citizen)
    return file_report(cast)


def test_the_portal_stores_the_report_of_an_incomplete_profile_and_says_it_waits(client, cast):
    client.force_login(without_profile(cast.citizen))
    response = client.post("/lapor/", _data(_form(client)))
    report = Report.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/laporan/{report.code}/terkirim/"
    )
    assert report.status == Status.SUBMITTED and report.due_at is None
    assert report.awaiting_profile_since is not None and report.reporter == cast.citizen
    assert report.events.filter(kind=EventKind.SUBMITTED).exists()
    filed = client.get(response["Location"]).content.decode()
    assert "Laporan Anda tersimpan dan menunggu profil lengkap" in filed
    assert "/akun/profil/" in filed
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert 'id="awaiting-profile"' in page
    mine = client.get("/laporan-saya/").content.decode()
    assert report.code in mine and "menunggu profil lengkap" in mine


def test_the_api_answers_201_and_says_the_report_waits(cast):
    without_profile(cast.citizen)
    filed = ApiClient(cast.citizen).post_form("/reports", form())
    assert filed.status_code == 201, filed.content
    assert filed.json()["awaiting_profile"] is True
    assert filed.json()["report"]["awaiting_profile"] is True
    assert Report.objects.get().awaiting_profile_since is not None


def test_a_waiting_report_is_seen_by_its_author_only(client, cast):
    report = _waiting(cast)
    client.force_login(cast.other_citizen)
    assert client.get(f"/laporan/{report.code}/").status_code == 404
    client.force_login(cast.dispatcher)
    assert report.code not in client.get("/kantor/antrean/").content.decode()
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 404
    assert not staff_reports().filter(pk=report.pk).exists()
    assert not public_reports().filter(pk=report.pk).exists()
    dispatcher_api = ApiClient(cast.dispatcher).get(f"/reports/{report.code}")
    assert dispatcher_api.status_code == 404
    # No staff member hears of it.
    staff = [cast.dispatcher, cast.supervisor, cast.officer_a]
    assert not Notification.objects.filter(recipient__in=staff).exists()


def test_no_action_is_taken_on_a_waiting_report(cast):
    report = _waiting(cast)
    assert transitions.available_actions(report, cast.dispatcher) == []
    refusal = transitions.refusal(Action.ARCHIVE, report, cast.dispatcher)
    assert isinstance(refusal, errors.InvalidState)
    assert "menunggu profil pelapor" in str(refusal.message)


def test_completing_the_profile_on_the_portal_releases_the_report(client, cast):
    report = _waiting(cast)
    filed_at = report.submitted_at
    client.force_login(cast.citizen)
    village = report.village
    data = {
        "full_name": "Wayan Sudarsana",
        "nik": "5204 0812 0390 0001",
        "sex": "L",
        "birth_date": "1990-03-12",
        "occupation": "Petani",
        "phone": "0813-3910-0011",
        "district": village.parent_id,
        "village": village.pk,
        "address": "Jl. Garuda 1",
    }
    assert client.post("/akun/profil/", data).status_code == 302
    report.refresh_from_db()
    assert report.awaiting_profile_since is None and report.due_at is not None
    assert report.clock_started_at > filed_at and report.submitted_at == filed_at
    assert report.events.filter(kind=EventKind.NOTE, data__released=True).count() == 1
    assert Notification.objects.filter(recipient=cast.dispatcher, kind="report_released").exists()
    client.force_login(cast.dispatcher)
    assert report.code in client.get("/kantor/antrean/").content.decode()
    assert transitions.available_actions(report, cast.dispatcher) != []
    # Saving the profile again releases nothing more.
    client.force_login(cast.citizen)
    client.post("/akun/profil/", {**data, "occupation": "Nelayan"})
    assert report.events.filter(kind=EventKind.NOTE, data__released=True).count() == 1


def test_the_author_is_reminded_once_after_a_day_and_once_after_a_week(cast):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        report = _waiting(cast)

    def reminders():
        sent = Notification.objects.filter(recipient=cast.citizen, kind="awaiting_profile")
        assert sent.exclude(channel="in_app").exists() or not sent.exists()  # their channel too
        return sent.filter(channel="in_app").count()

    with time_machine.travel(start + dt.timedelta(hours=12), tick=False):
        assert tasks.remind_awaiting_profile() == 0
    with time_machine.travel(start + dt.timedelta(days=1, hours=1), tick=False):
        assert tasks.remind_awaiting_profile() == 1
        assert tasks.remind_awaiting_profile() == 0
    assert reminders() == 1
    with time_machine.travel(start + dt.timedelta(days=7, hours=1), tick=False):
        assert tasks.remind_awaiting_profile() == 1
        assert tasks.remind_awaiting_profile() == 0
    assert reminders() == 2
    with time_machine.travel(start + dt.timedelta(days=400), tick=False):
        tasks.run_sweeps()
    report.refresh_from_db()
    assert reminders() == 2
    assert report.status == Status.SUBMITTED and report.awaiting_profile_since is not None


def test_a_complete_profile_files_as_before(cast):
    give_profile(cast.citizen)
    report = file_report(cast)
    assert report.awaiting_profile_since is None and report.due_at is not None


def test_an_sms_from_an_account_with_an_incomplete_profile_waits_too(client, cast):
    """SMS and WhatsApp without an account never wait; a sender known by a verified phone files
    as that account, and the same rule of the action applies."""
    from django.test import override_settings

    from aduan.sms.models import VerifiedPhone
    from tests.sms.test_sms_webhook import SECRET, FakeGateway, call

    without_profile(cast.citizen)
    VerifiedPhone.objects.create(
        user=cast.citizen, phone="+6281339100011", verified_at=timezone.now()
    )
    gateway = FakeGateway()
    try:
        with override_settings(SMS_GATEWAY_URL=gateway.url, SMS_WEBHOOK_SECRET=SECRET):
            response = call(client, {"from": "+6281339100011", "text": "LAPOR Jalan rusak."})
    finally:
        gateway.close()
    assert "menunggu profil lengkap" in response.json()["reply"]
    assert Report.objects.get().awaiting_profile_since is not None

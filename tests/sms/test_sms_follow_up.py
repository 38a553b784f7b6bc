"""SMS at the level of the portal: a guided filing, information answered by reply, and the
verdict (PUAS with a rating, TIDAK PUAS with the reason) through the same actions."""

import pytest

from aduan.messaging.models import Conversation
from aduan.reports.models import EventKind, Report, Status
from tests.conftest import report_in, result_photo
from tests.sms.test_sms_webhook import PHONE, call, gateway  # noqa: F401 - the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("gateway")]


def say(client, text, capture):
    with capture(execute=True):
        response = call(client, {"from": PHONE, "text": text})
    assert response.status_code == 200
    return response.json()["reply"]


def test_a_guided_filing_asks_what_is_missing_then_files_on_yes(
    client, cast, django_capture_on_commit_callbacks
):
    c = django_capture_on_commit_callbacks
    story = "Jembatan gantung putus, anak sekolah tidak bisa menyeberang sungai ke sekolah."
    first = say(client, story + " Warga terpaksa memutar jauh lewat jalan kabupaten.", c)
    assert "Di mana" in first and not Report.objects.exists()
    assert "Kapan" in say(client, "Desa Batu Rotok, dekat SDN 2", c)
    assert "Siapa" in say(client, "sejak kemarin sore", c)
    assert "1 = Biasa" in say(client, "LEWATI", c)
    summary = say(client, "2", c)
    assert "Ringkasan" in summary and "rahasia" in summary and "Batu Rotok" in summary
    done = say(client, "ya", c)
    report = Report.objects.get()
    assert report.code in done and report.channel == "sms" and report.reporter_phone == PHONE
    assert report.confidential and not report.anonymous
    assert "sejak kemarin sore" in report.description and report.address.startswith("Desa Batu")
    assert Conversation.objects.get(phone=PHONE).step == ""


def test_batal_drops_the_draft(client, cast, django_capture_on_commit_callbacks):
    c = django_capture_on_commit_callbacks
    say(client, "Sampah menumpuk di pasar", c)
    assert say(client, "BATAL", c) == "Dibatalkan."
    assert not Report.objects.exists() and Conversation.objects.get().step == ""


def test_information_verdict_and_reopening_by_sms(client, cast, django_capture_on_commit_callbacks):
    c = django_capture_on_commit_callbacks
    from aduan.reports import actions

    report = report_in(cast, Status.IN_PROGRESS, paused=True, reporter=None, reporter_phone=PHONE)
    assert "diteruskan" in say(client, "Fotonya sudah saya kirim ke kantor desa.", c)
    report.refresh_from_db()
    assert report.paused_at is None
    event = report.events.get(kind=EventKind.INFO_PROVIDED)
    assert event.actor is None and event.data["by"] == "reporter_phone"
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah diperbaiki.", attachments=[result_photo()]
    )
    assert "alasan" in say(client, "TIDAK PUAS", c)
    assert "kembali ditangani" in say(client, "Masih rusak di ujung jalan.", c)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.reopen_count == 1
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Ujung jalan sudah diperbaiki.",
        attachments=[result_photo()],
    )
    assert "nilai 1 sampai 5" in say(client, "puas", c)
    assert "selesai" in say(client, "4", c)
    report.refresh_from_db()
    assert (report.status, report.rating) == (Status.CLOSED, 4)


def test_another_number_cannot_give_the_verdict(client, cast, django_capture_on_commit_callbacks):
    report = report_in(cast, Status.RESPONDED, reporter=None, reporter_phone="+6281300000099")
    reply = say(client, f"PUAS {report.code} 5", django_capture_on_commit_callbacks)
    assert "Tidak ada laporan" in reply
    report.refresh_from_db()
    assert report.status == Status.RESPONDED


def test_the_information_request_sms_carries_the_question_and_what_to_reply(cast, settings):
    from aduan.notifications.models import Notification

    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/kirim"
    report = report_in(cast, Status.IN_PROGRESS, paused=True, reporter=None, reporter_phone=PHONE)
    [sms] = Notification.objects.filter(report=report, channel="sms", kind="info_requested")
    assert "Kirim foto." in sms.body and "Balas pesan ini" in sms.body and len(sms.body) <= 320


def test_belum_selesai_by_sms_reopens_with_the_same_reason_as_the_web_button(
    client, cast, django_capture_on_commit_callbacks
):
    from aduan.reports import actions

    report = report_in(cast, Status.RESPONDED, reporter=None, reporter_phone=PHONE)
    reply = say(client, "belum selesai", django_capture_on_commit_callbacks)
    assert "kembali ditangani" in reply
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.reopen_count == 1
    assert report.events.get(kind=EventKind.REOPENED).text == actions.not_fixed_reason()

"""Delivery through a real SMTP server on 127.0.0.1, retried with backoff when it is down."""

import datetime as dt
import socket

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from aduan.notifications import outbox
from aduan.notifications.models import DeliveryAttempt, Notification

from .conftest import file_report

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox
    controller.stop()


def test_it_sends_through_smtp_and_records_the_attempt(cast, smtp):
    report = file_report(cast)
    message = Notification.objects.get(report=report, channel="email")
    assert outbox.deliver(message.pk) is True
    assert len(smtp.messages) == 1
    envelope = smtp.messages[0]
    assert envelope.rcpt_tos == [cast.citizen.email]
    assert f"Subject: [{report.code}] Laporan Anda telah kami terima" in envelope.content.decode()
    message.refresh_from_db()
    assert message.state == "sent" and message.attempts == 1
    assert list(message.delivery_attempts.values_list("ok", flat=True)) == [True]
    assert outbox.deliver(message.pk) is False  # never twice
    assert len(smtp.messages) == 1


def test_an_outage_is_retried_with_backoff_and_delivered_once_back(cast, settings):
    report = file_report(cast)
    message = Notification.objects.get(report=report, channel="email")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_BACKOFF_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1
    assert message.next_attempt_at == start + dt.timedelta(seconds=60)
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        assert message.pk not in outbox.due_ids()  # not yet: backoff
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        assert outbox.deliver(message.pk) is False  # still down: the delay doubles
    message.refresh_from_db()
    assert message.next_attempt_at == start + dt.timedelta(seconds=61 + 120)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        with time_machine.travel(start + dt.timedelta(seconds=200), tick=False):
            assert message.pk in outbox.due_ids()
            assert sum(outbox.deliver(pk) for pk in outbox.due_ids()) >= 1
    finally:
        controller.stop()
    assert [e.rcpt_tos for e in inbox.messages] == [[cast.citizen.email]]
    attempts = list(
        DeliveryAttempt.objects.filter(notification=message).values_list("ok", flat=True)
    )
    assert attempts == [False, False, True]


def test_it_gives_up_after_the_last_attempt(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = Notification.objects.get(report=file_report(cast), channel="email")
    outbox.deliver(message.pk)
    Notification.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.state == "failed" and message.next_attempt_at is None
    assert message.pk not in outbox.due_ids()


def test_a_worker_that_died_mid_send_releases_the_message(cast):
    message = Notification.objects.get(report=file_report(cast), channel="email")
    assert outbox.claim(message.pk) and not outbox.claim(message.pk)  # one claimant only
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        assert message.pk in outbox.due_ids()


def test_typed_text_cannot_add_recipients_or_headers(cast, mailoutbox):
    report = file_report(cast, title="Jalan rusak\r\nBcc: semua@example.test")
    message = Notification.objects.get(report=report, channel="email")
    assert outbox.deliver(message.pk)
    sent = mailoutbox[0]
    assert sent.recipients() == [cast.citizen.email]
    assert "Bcc" not in sent.message().as_string().split("\n\n", 1)[0]


def test_in_app_notifications_need_no_delivery(cast):
    report = file_report(cast)
    in_app = Notification.objects.get(report=report, channel="in_app", recipient=cast.citizen)
    assert in_app.state == "sent" and in_app.read_at is None


def test_a_reporter_known_only_by_phone_hears_by_sms_when_a_gateway_is_set(cast, settings):
    from aduan.reports import actions

    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/kirim"
    report = file_report(cast, reporter=None, reporter_phone="+6281339100077", channel="sms")
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    sms = Notification.objects.filter(report=report, channel="sms").order_by("id")
    assert [n.kind for n in sms] == [
        "report_dispositioned"
    ]  # the webhook itself answers the filing
    assert all(
        n.address == "+6281339100077" and report.code in n.body and len(n.body) <= 320 for n in sms
    )


def test_no_sms_is_queued_without_a_gateway(cast, settings):
    settings.SMS_GATEWAY_URL = ""
    report = file_report(cast, reporter=None, reporter_phone="+6281339100077", channel="sms")
    assert not Notification.objects.filter(report=report, channel="sms").exists()

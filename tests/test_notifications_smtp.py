"""The e-mail path for real: a local SMTP server (aiosmtpd) receives what the outbox sends."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions

pytestmark = pytest.mark.django_db


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    """A port the system says is free (bind to 0), so the test never depends on a fixed range."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield inbox, controller
    if controller.loop.is_running():
        controller.stop()


def test_it_mails_the_tracking_code_and_secret_over_smtp(
    cast, smtp, django_capture_on_commit_callbacks
):
    inbox, _controller = smtp
    with django_capture_on_commit_callbacks(execute=True):
        report, secret = actions.do_file_report(
            reporter=cast.citizen,
            title="Air PDAM mati",
            description="Sudah tiga hari air tidak mengalir di Seketeng.",
        )
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == cast.citizen.email
    assert report.code in message["Subject"]
    text, qr = message.get_payload()  # the text, and the signed receipt as a QR code (issue 17)
    body = text.get_payload(decode=True).decode()
    assert secret in body and f"/laporan/{report.code}/" in body and "/bukti/periksa/?r=" in body
    assert qr.get_content_type() == "image/png" and qr.get_filename() == "kode-qr.png"
    assert qr.get_payload(decode=True).startswith(b"\x89PNG")
    sent = Notification.objects.get(channel="email", report=report)
    assert sent.state == "sent" and sent.delivery_attempts.get().ok


def test_a_failed_delivery_is_recorded_and_retried(cast, smtp, django_capture_on_commit_callbacks):
    inbox, controller = smtp
    controller.stop()  # the server goes away: the attempt fails
    port = controller.port
    with django_capture_on_commit_callbacks(execute=True):
        report, _secret = actions.do_file_report(
            reporter=cast.citizen, title="Lampu mati", description="Lampu jalan mati sejak kemarin."
        )
    pending = Notification.objects.get(channel="email", report=report)
    assert (
        pending.state == "pending" and pending.attempts == 1 and pending.next_attempt_at is not None
    )
    assert not pending.delivery_attempts.get().ok
    controller = Controller(inbox, hostname="127.0.0.1", port=port)  # back again
    controller.start()
    Notification.objects.filter(pk=pending.pk).update(next_attempt_at=pending.created_at)
    assert outbox.deliver(pending.pk)
    controller.stop()
    assert len(inbox.messages) == 1 and pending.delivery_attempts.count() == 2

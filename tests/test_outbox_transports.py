"""The outbox delivers every channel through the transport registered for it."""

import pytest

from aduan.notifications import outbox, transports
from aduan.notifications.models import Channel, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_whatsapp():
    sent = []

    def send(notification):
        sent.append((notification.address, notification.body))
        return f"wamid.{len(sent)}"

    saved = transports._registry.get("whatsapp")
    transports.register("whatsapp", send)
    yield sent
    if saved is None:
        transports._registry.pop("whatsapp", None)
    else:
        transports._registry[saved.channel] = saved


def test_it_has_email_in_app_and_sms_registered():
    assert {"email", "in_app", "sms"} <= set(transports.registered())
    assert transports.get("in_app").immediate is True


def test_a_registered_transport_delivers_and_its_message_id_is_kept(fake_whatsapp):
    message = outbox.send_to(Channel.WHATSAPP, "+6281300000001", "Halo", kind="test")
    assert outbox.deliver(message.pk) is True
    message.refresh_from_db()
    assert fake_whatsapp == [("+6281300000001", "Halo")]
    assert message.state == "sent" and message.external_id == "wamid.1"
    assert outbox.deliver(message.pk) is False and len(fake_whatsapp) == 1


def test_a_channel_without_transport_is_a_recorded_failure_not_a_silent_drop():
    message = Notification.objects.create(
        address="x", channel="pigeon", kind="test", subject="s", body="b"
    )
    assert outbox.deliver(message.pk) is False
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1
    [attempt] = message.delivery_attempts.all()
    assert not attempt.ok and "no transport registered for channel 'pigeon'" in attempt.error


def test_sms_rows_are_only_written_when_the_sms_transport_is_enabled(settings):
    settings.SMS_GATEWAY_URL = ""
    assert not transports.is_enabled("sms")
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"
    assert transports.is_enabled("sms")

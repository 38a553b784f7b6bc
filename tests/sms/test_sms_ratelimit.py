"""SMS rate limits: messages per sender's number and webhook calls per address. Over a limit the
gateway gets a 429 with Retry-After, nothing is filed, the nonce stays unused, and the sender gets
one "send it again later" reply per window, not one per message."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from aduan.notifications.models import Channel as NotificationChannel
from aduan.notifications.models import Notification
from aduan.reports.models import Report
from tests.conftest import frozen_with_fresh_counters
from tests.sms.test_sms_webhook import PHONE, call, gateway  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 11, 30, 10, 15, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(autouse=True)
def clock():
    with frozen_with_fresh_counters(MORNING) as traveller:
        yield traveller


@override_settings(SMS_RATE_LIMIT_PER_PHONE_PER_HOUR=2, SMS_RATE_LIMIT_PER_IP_PER_HOUR=100)
def test_a_number_over_its_limit_is_told_once_to_wait_and_nothing_is_filed(
    client,
    cast,
    gateway,  # noqa: F811 (pytest fixture)
    clock,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            call(
                client, {"from": "0813-0000-0077", "text": "LAPOR Jalan rusak di Labuhan."}
            ).status_code
            == 200
        )
        assert call(client, {"from": PHONE, "text": "halo"}).status_code == 200
        refused = call(
            client,
            {"from": "62813 0000 0077", "text": "LAPOR Jembatan putus."},
            nonce="nonce-ditolak-1",
        )
        again = call(client, {"from": PHONE, "text": "LAPOR Jembatan putus!"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 45 * 60
    assert "kirim lagi dalam 45 menit" in refused.json()["reply"]
    assert again.status_code == 429 and again.json()["reply"] is None  # told once per window
    assert Report.objects.count() == 1
    replies = [m["message"] for m in gateway.received]
    assert len(replies) == 3 and "kirim lagi dalam 45 menit" in replies[2]
    assert Notification.objects.filter(channel=NotificationChannel.SMS, address=PHONE).count() == 3

    clock.move_to(MORNING + dt.timedelta(minutes=45))
    with django_capture_on_commit_callbacks(execute=True):
        # The refused call's nonce was not used up: the same message, signed again, is filed.
        filed = call(
            client, {"from": PHONE, "text": "LAPOR Jembatan putus."}, nonce="nonce-ditolak-1"
        )
    assert (
        filed.status_code == 200
        and Report.objects.filter(description="Jembatan putus.").count() == 1
    )


@override_settings(SMS_RATE_LIMIT_PER_PHONE_PER_HOUR=100, SMS_RATE_LIMIT_PER_IP_PER_HOUR=2)
def test_a_flood_from_one_address_is_refused_before_anything_is_read(client, cast, gateway):  # noqa: F811 (pytest fixture)
    assert call(client, {"from": PHONE, "text": "halo"}).status_code == 200
    assert call(client, {"from": "+6281300000078", "text": "halo"}).status_code == 200
    refused = call(client, {"from": "+6281300000079", "text": "LAPOR Pasar banjir."})
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 3600
    assert refused.json()["reply"] is None  # an unproven sender is not sent an SMS
    assert not Report.objects.exists()
    assert Notification.objects.filter(address="+6281300000079").count() == 0

import datetime as dt
import json
import secrets
import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.test import override_settings
from django.utils import timezone

from aduan.notifications import outbox
from aduan.notifications.models import Channel as NotificationChannel
from aduan.notifications.models import Notification
from aduan.reports.models import Channel, Report, Status
from aduan.reports.visibility import visible_reports
from aduan.sms.models import VerifiedPhone
from aduan.sms.signing import sign
from tests.conftest import report_in
from tests.fake_http import serve

pytestmark = pytest.mark.django_db
SECRET = "rahasia-webhook-uji"
PHONE = "+6281300000077"


class FakeGateway:
    """A real HTTP server on 127.0.0.1 that records what it is sent and can fail on demand."""

    def __init__(self):
        self.received, self.fail_next = [], 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if gateway.fail_next:
                    gateway.fail_next -= 1
                    self.send_response(502)
                else:
                    gateway.received.append({"auth": self.headers["Authorization"], **body})
                    self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = serve(Handler, threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway():
    fake = FakeGateway()
    with override_settings(
        SMS_GATEWAY_URL=fake.url, SMS_GATEWAY_TOKEN="token-gateway", SMS_WEBHOOK_SECRET=SECRET
    ):
        yield fake
    fake.close()


def call(client, payload, *, secret=SECRET, timestamp=None, nonce=None, signature=None):
    body = json.dumps(payload).encode()
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or secrets.token_hex(8)
    headers = {
        "X-Aduan-Timestamp": timestamp,
        "X-Aduan-Nonce": nonce,
        "X-Aduan-Signature": signature or sign(secret, timestamp, nonce, body),
    }
    return client.post("/sms/webhook", body, content_type="application/json", headers=headers)


def test_lapor_files_a_report_for_the_phone_and_the_reply_reaches_the_gateway(
    client, cast, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = call(
            client,
            {"from": "0813-0000-0077", "text": "LAPOR Lampu jalan di Jalan Hasanuddin padam."},
        )
    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.channel, report.reporter, report.reporter_phone) == (Channel.SMS, None, PHONE)
    assert visible_reports(cast.dispatcher).filter(pk=report.pk, status=Status.SUBMITTED).exists()
    [sent] = gateway.received
    assert (
        sent["to"] == PHONE
        and report.code in sent["message"]
        and sent["auth"] == "Bearer token-gateway"
    )
    assert (
        Notification.objects.get(channel=NotificationChannel.SMS).state == Notification.State.SENT
    )


def test_lapor_from_a_verified_number_files_for_the_account(
    client, cast, gateway, django_capture_on_commit_callbacks
):
    VerifiedPhone.objects.create(user=cast.citizen, phone=PHONE, verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call(client, {"from": PHONE, "text": "lapor Sampah menumpuk di TPS Lempeh."})
    report = Report.objects.get()
    assert report.reporter == cast.citizen and report.reporter_phone == ""


def test_cek_tells_the_status_to_the_reporters_phone_only(
    client, cast, gateway, django_capture_on_commit_callbacks
):
    report = report_in(cast, Status.DISPOSITIONED, reporter=None, reporter_phone=PHONE)
    with django_capture_on_commit_callbacks(execute=True):
        mine = call(client, {"from": PHONE, "text": f"CEK {report.code.lower()}"}).json()["reply"]
        other = call(client, {"from": "+6281399999999", "text": f"CEK {report.code}"}).json()[
            "reply"
        ]
    assert "Terdisposisi" in mine
    assert "tidak ditemukan" in other and "Terdisposisi" not in other
    assert [m["to"] for m in gateway.received] == [PHONE, "+6281399999999"]


def test_anything_else_gets_the_help_text(
    client, cast, gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reply = call(client, {"from": PHONE, "text": "halo"}).json()["reply"]
    assert "LAPOR" in reply and "CEK" in reply
    assert not Report.objects.exists()
    assert gateway.received[0]["message"] == reply


def test_a_failed_delivery_is_retried(client, cast, gateway, django_capture_on_commit_callbacks):
    gateway.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        call(client, {"from": PHONE, "text": "LAPOR Jembatan miring."})
    notification = Notification.objects.get(channel=NotificationChannel.SMS)
    assert (notification.state, notification.attempts) == (Notification.State.PENDING, 1)
    assert gateway.received == []
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert outbox.due_ids() == [notification.pk] and outbox.deliver(notification.pk)
    assert len(gateway.received) == 1
    assert list(notification.delivery_attempts.values_list("ok", flat=True)) == [False, True]


@pytest.mark.parametrize("tamper", ["unsigned", "wrong_secret", "stale", "future", "not_json"])
def test_unsigned_stale_or_malformed_calls_are_refused(client, cast, gateway, tamper):
    payload = {"from": PHONE, "text": "LAPOR Jalan rusak."}
    if tamper == "unsigned":
        response = client.post("/sms/webhook", json.dumps(payload), content_type="application/json")
        status = 401
    elif tamper == "wrong_secret":
        response, status = call(client, payload, secret="bukan-rahasia"), 401
    elif tamper == "stale":
        response, status = call(client, payload, timestamp=int(time.time()) - 3600), 401
    elif tamper == "future":
        response, status = call(client, payload, timestamp=int(time.time()) + 3600), 401
    else:
        response, status = call(client, ["bukan", "objek"]), 400
    assert response.status_code == status
    assert not Report.objects.exists()


def test_a_replayed_call_is_refused(client, cast, gateway):
    payload = {"from": PHONE, "text": "LAPOR Jalan rusak."}
    body = json.dumps(payload).encode()
    timestamp, nonce = str(int(time.time())), "nonce-0001"
    headers = {
        "X-Aduan-Timestamp": timestamp,
        "X-Aduan-Nonce": nonce,
        "X-Aduan-Signature": sign(SECRET, timestamp, nonce, body),
    }
    first = client.post("/sms/webhook", body, content_type="application/json", headers=headers)
    again = client.post("/sms/webhook", body, content_type="application/json", headers=headers)
    assert (first.status_code, again.status_code) == (200, 409)
    assert Report.objects.count() == 1


def test_a_message_the_gateway_sends_again_is_handled_once(client, cast, gateway):
    """A retry after a time-out: the same message id with a new nonce and time. Before, the
    nonce was all that was checked, so the retry filed a second report and paid a second reply;
    WhatsApp's webhook already dropped a message id it had handled."""
    from aduan.notifications.models import Notification

    message = {"from": PHONE, "text": "LAPOR Jalan rusak di Seketeng.", "id": "gw-7731"}
    first = call(client, message)
    retry = call(client, message, timestamp=int(time.time()) + 5)
    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == {"status": "duplicate", "reply": None}
    assert Report.objects.count() == 1
    assert Notification.objects.filter(channel=NotificationChannel.SMS).count() == 1
    # Another message (another id), the same words: a second report, as the citizen meant.
    assert call(client, {**message, "id": "gw-7732"}).status_code == 200
    assert Report.objects.count() == 2
    # Without an id the nonce alone decides, as before.
    assert call(client, {"from": PHONE, "text": "LAPOR Lampu padam."}).status_code == 200


def test_without_a_configured_secret_nothing_is_accepted(client, cast):
    with override_settings(SMS_WEBHOOK_SECRET=""):
        response = call(client, {"from": PHONE, "text": "LAPOR x"}, secret="apa-saja")
    assert response.status_code == 503 and not Report.objects.exists()


def test_an_oversized_body_is_a_413(client, cast, gateway):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = call(client, {"from": PHONE, "text": "LAPOR " + "x" * 500})
    assert response.status_code == 413 and not Report.objects.exists()


def test_a_get_is_not_allowed(client, cast, gateway):
    assert client.get("/sms/webhook").status_code == 405

"""Web Push (issue 13): a citizen's subscribed phone is told when their report changes, through
the outbox like every channel. The push service is a small HTTP server on 127.0.0.1 that does
what a real one does with the message: it checks the VAPID signature against the server's public
key and decrypts the body with the subscriber's private key (http_ece, aes128gcm)."""

import base64
import json
import os
from http.server import BaseHTTPRequestHandler

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from py_vapid import Vapid02

from aduan.accounts import personal_data
from aduan.notifications import outbox
from aduan.notifications.models import DeliveryAttempt, Notification
from aduan.push import keys
from aduan.push.models import PushSubscription
from aduan.push.subscriptions import do_subscribe
from aduan.reports import actions
from tests.conftest import PASSWORD, file_report
from tests.fake_http import serve

pytestmark = pytest.mark.django_db
PUBLIC, PRIVATE = keys.generate()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture(autouse=True)
def _vapid(settings):
    settings.VAPID_PUBLIC_KEY = PUBLIC
    settings.VAPID_PRIVATE_KEY = PRIVATE
    settings.VAPID_SUBJECT = "mailto:kominfo@sumbawa.test"
    settings.WEB_PUSH_ALLOW_LOCAL_ENDPOINTS = True


class PushService:
    """One browser's push service: the subscriber's key pair and secret, and what arrived."""

    def __init__(self, status=201):
        self.status = status
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.received: list[dict] = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                service.received.append({"headers": dict(self.headers), "body": body})
                self.send_response(service.status)
                self.send_header("Location", "/m/1")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = serve(Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_port}/push/abc"

    def subscription(self) -> dict:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64(point), "auth": b64(self.auth_secret)},
        }

    def decrypt(self, message) -> dict:
        plain = http_ece.decrypt(
            message["body"],
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plain)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def service():
    service = PushService()
    yield service
    service.close()


def subscribe(user, service):
    data = service.subscription()
    return do_subscribe(user, endpoint=data["endpoint"], **data["keys"])[0]


def deliver_push(report=None):
    rows = Notification.objects.filter(channel="push", state="pending")
    if report is not None:
        rows = rows.filter(report=report)
    return [outbox.deliver(pk) for pk in rows.order_by("pk").values_list("pk", flat=True)]


def test_it_arrives_encrypted_signed_and_readable_only_by_the_phone(cast, service):
    subscription = subscribe(cast.citizen, service)
    report = file_report(cast)
    actions.do_disposition(
        report, cast.agency_a, actor=cast.dispatcher, instruction="Mohon ditangani."
    )
    assert deliver_push(report) == [True, True]
    assert len(service.received) == 2
    message = service.received[-1]
    headers = {k.lower(): v for k, v in message["headers"].items()}
    # VAPID (RFC 8292): signed by the server's key, for this push service, by this contact.
    assert headers["authorization"].startswith("vapid t=")
    assert f"k={PUBLIC}" in headers["authorization"]
    assert Vapid02.verify(headers["authorization"])
    token = headers["authorization"].split("t=", 1)[1].split(",", 1)[0]
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["aud"] == f"http://127.0.0.1:{service.server.server_port}"
    assert claims["sub"] == "mailto:kominfo@sumbawa.test"
    assert headers["content-encoding"] == "aes128gcm"
    assert int(headers["ttl"]) > 0 and headers["urgency"] == "normal"
    assert report.code.encode() not in message["body"]  # encrypted on the wire
    payload = service.decrypt(message)
    assert payload["title"] == f"Laporan {report.code}"
    assert "Terdisposisi" in payload["body"] and payload["tag"] == report.code
    assert payload["url"] == f"/laporan/{report.code}/"
    assert "Wayan" not in json.dumps(payload)  # the reporter's name
    assert report.title not in json.dumps(payload)
    assert len(message["body"]) < 3072
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None and subscription.failures == 0
    assert Notification.objects.filter(channel="push", state="sent").count() == 2


def test_each_subscribed_phone_gets_its_own_message(cast, service):
    other = PushService()
    try:
        subscribe(cast.citizen, service)
        subscribe(cast.citizen, other)
        report = file_report(cast)
        assert deliver_push(report) == [True, True]
        assert len(service.received) == 1 and len(other.received) == 1
        assert other.decrypt(other.received[0])["tag"] == report.code
    finally:
        other.close()


def test_a_gone_subscription_410_is_deleted_and_not_retried(cast, service):
    subscribe(cast.citizen, service)
    service.status = 410
    report = file_report(cast)
    assert deliver_push(report) == [False]
    assert not PushSubscription.objects.exists()
    row = Notification.objects.get(channel="push", report=report)
    assert row.state == "failed" and row.next_attempt_at is None
    assert "410" in DeliveryAttempt.objects.get(notification=row).error


def test_a_404_deletes_the_subscription_too(cast, service):
    subscribe(cast.citizen, service)
    service.status = 404
    file_report(cast)
    deliver_push()
    assert not PushSubscription.objects.exists()


def test_a_500_is_retried_with_the_outbox_backoff(cast, service):
    subscription = subscribe(cast.citizen, service)
    service.status = 500
    report = file_report(cast)
    assert deliver_push(report) == [False]
    row = Notification.objects.get(channel="push", report=report)
    assert row.state == "pending" and row.attempts == 1 and row.next_attempt_at is not None
    subscription.refresh_from_db()
    assert subscription.failures == 1
    service.status = 201
    assert outbox.deliver(row.pk) is True
    assert service.decrypt(service.received[-1])["tag"] == report.code


def test_a_user_without_subscription_gets_no_push_row(cast, service):
    report = file_report(cast)
    assert not Notification.objects.filter(channel="push", report=report).exists()


def test_another_users_report_sends_nothing_to_my_phone(cast, service):
    subscribe(cast.other_citizen, service)
    report = file_report(cast)
    actions.do_disposition(
        report, cast.agency_a, actor=cast.dispatcher, instruction="Mohon ditangani."
    )
    assert not Notification.objects.filter(channel="push", recipient=cast.other_citizen).exists()
    deliver_push()
    assert service.received == []


def test_without_vapid_keys_push_is_neither_offered_nor_queued(cast, service, settings):
    subscribe(cast.citizen, service)
    settings.VAPID_PRIVATE_KEY = ""
    assert "push" not in outbox.choosable_channels()
    report = file_report(cast)
    assert not Notification.objects.filter(channel="push", report=report).exists()


# --- the portal's endpoints ---------------------------------------------------------------------


def post_json(client, url, data, **extra):
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    return client.post(url, body, content_type="application/json", **extra)


def test_the_page_offers_the_button_and_the_script(client, cast):
    client.login(username=cast.citizen.username, password=PASSWORD)
    page = client.get("/akun/notifikasi/").content.decode()
    assert "Aktifkan notifikasi di ponsel ini" in page and PUBLIC in page
    assert "web/push.js" in page and "<script>" not in page
    assert "memerlukan JavaScript" in page


def test_without_keys_the_page_has_no_push_part(client, cast, settings):
    settings.VAPID_PUBLIC_KEY = ""
    client.login(username=cast.citizen.username, password=PASSWORD)
    page = client.get("/akun/notifikasi/").content.decode()
    assert "push-device" not in page and "web/push.js" not in page


def test_subscribing_keeps_the_subscription_and_chooses_push(client, cast, service):
    client.login(username=cast.citizen.username, password=PASSWORD)
    answer = post_json(
        client, "/akun/notifikasi/ponsel/", service.subscription(), HTTP_USER_AGENT="HP"
    )
    assert answer.status_code == 201
    row = PushSubscription.objects.get()
    assert row.user == cast.citizen and row.endpoint == service.endpoint and row.user_agent == "HP"
    assert "push" in outbox.channels_for(cast.citizen)
    again = post_json(client, "/akun/notifikasi/ponsel/", service.subscription())
    assert again.status_code == 200 and PushSubscription.objects.count() == 1
    gone = post_json(client, "/akun/notifikasi/ponsel/hapus/", service.subscription())
    assert gone.status_code == 200 and gone.json()["removed"] == 1
    assert not PushSubscription.objects.exists()
    assert "push" not in outbox.channels_for(cast.citizen)


def test_unsubscribing_touches_only_ones_own(client, cast, service):
    subscribe(cast.other_citizen, service)
    client.login(username=cast.citizen.username, password=PASSWORD)
    answer = post_json(client, "/akun/notifikasi/ponsel/hapus/", service.subscription())
    assert answer.json()["removed"] == 0 and PushSubscription.objects.count() == 1


def test_anonymous_visitors_are_refused_with_a_message(client, service):
    answer = post_json(client, "/akun/notifikasi/ponsel/", service.subscription())
    assert answer.status_code == 401 and "Masuk" in answer.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "bukan json",
        "[1, 2]",
        json.dumps({"endpoint": "https://push.example/1"}),
        json.dumps({"endpoint": "https://push.example/1", "keys": {"p256dh": "xx", "auth": "yy"}}),
    ],
)
def test_bad_json_is_refused_with_a_clear_message(client, cast, body):
    client.login(username=cast.citizen.username, password=PASSWORD)
    answer = post_json(client, "/akun/notifikasi/ponsel/", body)
    assert answer.status_code == 400 and answer.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_local_or_plain_http_endpoint_is_refused_in_production(client, cast, service, settings):
    settings.WEB_PUSH_ALLOW_LOCAL_ENDPOINTS = False
    client.login(username=cast.citizen.username, password=PASSWORD)
    for endpoint in (
        service.endpoint,
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://localhost/x",
    ):
        data = {**service.subscription(), "endpoint": endpoint}
        answer = post_json(client, "/akun/notifikasi/ponsel/", data)
        assert answer.status_code == 400, endpoint
    assert not PushSubscription.objects.exists()


def test_a_huge_body_is_refused(client, cast, service):
    client.login(username=cast.citizen.username, password=PASSWORD)
    data = {**service.subscription(), "padding": "x" * 10000}
    answer = post_json(client, "/akun/notifikasi/ponsel/", data)
    assert answer.status_code == 413 and answer.json()["error"]


def test_get_is_not_allowed(client, cast):
    client.login(username=cast.citizen.username, password=PASSWORD)
    assert client.get("/akun/notifikasi/ponsel/").status_code == 405


# --- keys and personal data ---------------------------------------------------------------------


def test_vapid_keys_prints_a_pair_that_signs_and_verifies(capsys):
    call_command("vapid_keys")
    lines = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    signer = Vapid02.from_string(lines["VAPID_PRIVATE_KEY"])
    header = signer.sign(
        {"aud": "https://push.example", "sub": "mailto:a@b.test", "exp": 9999999999}
    )
    assert f"k={lines['VAPID_PUBLIC_KEY']}" in header["Authorization"]
    assert Vapid02.verify(header["Authorization"])


def test_subscriptions_are_in_the_download_and_go_with_erasure(cast, service):
    subscribe(cast.citizen, service)
    part = next(p for p in personal_data.parts() if p.name == "push")
    collected = part.collect(cast.citizen)["push_subscriptions"]
    assert collected[0]["endpoint"] == service.endpoint and collected[0]["auth"]
    assert part.erase(personal_data.identity_of(cast.citizen)) == {"push_subscriptions": 1}
    assert not PushSubscription.objects.exists()

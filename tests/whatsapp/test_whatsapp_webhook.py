"""The WhatsApp webhook driven with signed payloads shaped as the Cloud API sends them, against a
fake Graph API on 127.0.0.1 that serves media and records the messages sent."""

import datetime as dt
import hashlib
import hmac
import io
import itertools
import json
import os
from http.server import BaseHTTPRequestHandler

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from PIL import Image

from aduan.messaging.models import Conversation, ReceivedMessage
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions
from aduan.reports.attachments import open_stored
from aduan.reports.models import Report, Status
from aduan.whatsapp import outbound
from tests.conftest import result_photo
from tests.fake_http import serve

pytestmark = pytest.mark.django_db
SECRET = "rahasia-aplikasi-meta"
PHONE = "+6281300000077"
_ids = itertools.count(1)


def photo_with_metadata() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraRahasia"  # Make
    exif[0x0131] = "LokasiRumahSaya"  # Software
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    data = out.getvalue()
    assert b"KameraRahasia" in data
    return data


class FakeGraph:
    """GET /<media-id> → {"url": …}; GET /files/<media-id> → bytes; POST /<phone-id>/messages
    records the payload and answers a wamid. `down` makes every call a 503."""

    def __init__(self):
        self.sent, self.media, self.down = [], {}, False
        graph = self

        class Handler(BaseHTTPRequestHandler):
            def _refuse(self):
                self.send_response(503)
                self.end_headers()

            def do_GET(self):
                if graph.down or self.headers["Authorization"] != "Bearer token-wa":
                    return self._refuse()
                key = self.path.rsplit("/", 1)[-1]
                if self.path.startswith("/files/"):
                    body, kind = graph.media[key], "image/jpeg"
                else:
                    body = json.dumps({"url": f"{graph.url}/files/{key}"}).encode()
                    kind = "application/json"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                if graph.down:
                    return self._refuse()
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                graph.sent.append(payload)
                body = json.dumps({"messages": [{"id": f"wamid.OUT{len(graph.sent)}"}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = serve(Handler, threaded=False)
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def texts(self):
        return [
            m.get("text", {}).get("body") or m.get("interactive", {}).get("body", {}).get("text")
            for m in self.sent
        ]


@pytest.fixture
def graph():
    fake = FakeGraph()
    with override_settings(
        WHATSAPP_APP_SECRET=SECRET,
        WHATSAPP_VERIFY_TOKEN="verifikasi",
        WHATSAPP_ACCESS_TOKEN="token-wa",
        WHATSAPP_PHONE_NUMBER_ID="1234567890",
        WHATSAPP_GRAPH_URL=fake.url,
    ):
        yield fake
    fake.server.shutdown()
    fake.server.server_close()


def envelope(*, messages=(), statuses=()):
    value = {"messaging_product": "whatsapp", "metadata": {"phone_number_id": "1234567890"}}
    if messages:
        value["contacts"] = [{"wa_id": PHONE[1:], "profile": {"name": "Wayan"}}]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def message(kind, content, *, sender=PHONE, message_id=None):
    return {
        "from": sender.lstrip("+"),
        "id": message_id or f"wamid.IN{next(_ids)}",
        "timestamp": str(int(timezone.now().timestamp())),
        "type": kind,
        kind: content,
    }


def post(client, payload, *, secret=SECRET, body=None):
    body = body if body is not None else json.dumps(payload).encode()
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        "/whatsapp/webhook",
        body,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


@pytest.fixture
def chat(client, graph, django_capture_on_commit_callbacks):
    def send(kind, content, **kwargs):
        before = len(graph.sent)
        with django_capture_on_commit_callbacks(execute=True):
            response = post(client, envelope(messages=[message(kind, content, **kwargs)]))
        assert response.status_code == 200, response.content
        return "\n".join(t or "" for t in graph.texts()[before:])

    return send


def test_the_verification_handshake(client, graph):
    ok = client.get(
        "/whatsapp/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "verifikasi", "hub.challenge": "1158201444"},
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = client.get(
        "/whatsapp/webhook",
        {"hub.mode": "subscribe", "hub.verify_token": "salah", "hub.challenge": "1"},
    )
    assert bad.status_code == 403


def test_a_bad_signature_is_refused_and_nothing_happens(client, graph):
    payload = envelope(messages=[message("text", {"body": "Jalan rusak di Desa Lape"})])
    assert post(client, payload, secret="bukan-rahasia").status_code == 401
    unsigned = client.post(
        "/whatsapp/webhook", json.dumps(payload), content_type="application/json"
    )
    assert unsigned.status_code == 401
    assert not Conversation.objects.exists() and not ReceivedMessage.objects.exists()


def test_off_without_an_app_secret(client):
    with override_settings(WHATSAPP_APP_SECRET=""):
        response = post(client, envelope(), secret="x")
    assert response.status_code == 404


def test_duplicates_and_a_replayed_body_change_nothing(
    client, cast, graph, django_capture_on_commit_callbacks
):
    first = message("text", {"body": "LAPOR Lampu jalan padam di depan Masjid Nurul Huda."})
    body = json.dumps(envelope(messages=[first])).encode()
    with django_capture_on_commit_callbacks(execute=True):
        responses = [post(client, None, body=body) for _ in range(3)]
        again = post(client, envelope(messages=[dict(first)]))
    assert [r.status_code for r in responses] == [200, 200, 200] and again.status_code == 200
    assert [r.json()["handled"] for r in responses] == [1, 0, 0]
    assert Report.objects.count() == 1 and len(graph.sent) == 1


def test_interactive_replies_and_status_callbacks(
    client, cast, graph, chat, django_capture_on_commit_callbacks
):
    story = (
        "Sampah menumpuk di pinggir jalan dekat pasar Seketeng sejak kemarin pagi, baunya "
        "menyengat dan menghalangi pedagang."
    )
    chat("text", {"body": story})
    while graph.sent[-1]["type"] == "text":  # questions the checklist still has: skipped
        chat("text", {"body": "LEWATI"})
    privacy = graph.sent[-1]
    assert (
        privacy["type"] == "interactive" and "1 = Biasa" in privacy["interactive"]["body"]["text"]
    )
    reply = {"type": "button_reply", "button_reply": {"id": "3", "title": "Anonim"}}
    assert "anonim" in chat("interactive", reply)
    done = chat(
        "interactive", {"type": "button_reply", "button_reply": {"id": "YA", "title": "Kirim"}}
    )
    report = Report.objects.get()
    assert report.code in done and report.anonymous and report.channel == "whatsapp"
    row = Notification.objects.filter(channel="whatsapp", report=report).latest("id")
    assert row.state == "sent" and row.external_id.startswith("wamid.OUT")
    stamp = int(timezone.now().timestamp())
    statuses = [
        {"id": row.external_id, "status": "read", "timestamp": str(stamp + 5), "recipient_id": "x"},
        {"id": row.external_id, "status": "delivered", "timestamp": str(stamp + 2)},
    ]
    assert post(client, envelope(statuses=statuses)).status_code == 200
    row.refresh_from_db()
    assert row.receipt == "read"  # the later receipt stands, whatever the order of arrival
    failed = [
        {
            "id": row.external_id,
            "status": "failed",
            "timestamp": str(stamp + 9),
            "errors": [{"code": 131047, "title": "Re-engagement message"}],
        }
    ]
    post(client, envelope(statuses=failed))
    row.refresh_from_db()
    assert row.receipt == "failed"
    assert "Re-engagement" in row.delivery_attempts.latest("id").error


def test_a_refused_document_is_answered_and_not_stored(client, cast, graph, chat):
    graph.media["m-exe"] = b"MZ\x90\x00" + b"\x00" * 200
    reply = chat(
        "document", {"id": "m-exe", "filename": "surat.pdf", "mime_type": "application/pdf"}
    )
    assert "surat" in reply and not Report.objects.exists()


def test_a_media_outage_asks_meta_to_deliver_again(client, cast, graph):
    graph.media["m1"] = photo_with_metadata()
    graph.down = True
    payload = envelope(messages=[message("image", {"id": "m1", "mime_type": "image/jpeg"})])
    assert post(client, payload).status_code == 503
    assert not ReceivedMessage.objects.exists()
    graph.down = False
    assert post(client, payload).status_code == 200 and ReceivedMessage.objects.count() == 1


def test_the_window_rule_picks_templates(cast, graph):
    report = Report.objects.none()
    note = outbox.send_to("whatsapp", PHONE, "Halo", kind="report_answered", subject="[ABC234] x")
    assert outbound.payload_for(note)["type"] == "template"  # never wrote to us
    Conversation.objects.create(
        channel="whatsapp", phone=PHONE, updated_at=timezone.now(), last_inbound_at=timezone.now()
    )
    assert outbound.payload_for(note)["type"] == "text"
    later = timezone.now() + dt.timedelta(hours=24, minutes=1)
    template = outbound.payload_for(note, now=later)
    assert template["type"] == "template" and template["template"]["name"] == "aduan_kabar_laporan"
    assert report.count() == 0


def test_a_gateway_outage_loses_and_doubles_nothing(
    cast, graph, django_capture_on_commit_callbacks
):
    graph.down = True
    with django_capture_on_commit_callbacks(execute=True):
        note = outbox.send_to("whatsapp", PHONE, "Kabar", kind="chat_reply")
    note.refresh_from_db()
    assert (note.state, note.attempts, graph.sent) == ("pending", 1, [])
    graph.down = False
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1)):
        assert outbox.due_ids() == [note.pk]
        assert [outbox.deliver(pk) for pk in [*outbox.due_ids(), note.pk]] == [True, False]
    assert len(graph.sent) == 1
    note.refresh_from_db()
    assert note.state == "sent" and note.attempts == 2


def test_life_cycle_with_photo_location_information_and_verdicts(
    client, cast, graph, chat, django_capture_on_commit_callbacks
):
    """File by WhatsApp with a photo and a location → disposition → information request
    answered in the chat → answer → TIDAK PUAS → answer → PUAS."""
    graph.media["m-photo"] = photo_with_metadata()
    graph.media["m-info"] = photo_with_metadata()
    assert "Apa yang terjadi" in chat("image", {"id": "m-photo", "mime_type": "image/jpeg"})
    story = (
        "Jembatan gantung di dusun kami putus setelah hujan deras, anak sekolah tidak bisa "
        "menyeberang sungai dan harus memutar jauh."
    )
    assert "Kapan" in chat("text", {"body": story})  # "dusun" names a place already
    located = chat(
        "location",
        {"latitude": -8.4966, "longitude": 117.4201, "name": "Jembatan Dusun Bawah"},
    )
    assert "Lokasi diterima" in located
    chat("text", {"body": "kemarin sore"})
    chat("text", {"body": "LEWATI"})
    chat("text", {"body": "1"})
    done = chat("text", {"body": "ya"})
    report = Report.objects.get()
    assert report.code in done and report.reporter_phone == PHONE
    assert (float(report.latitude), float(report.longitude)) == (-8.4966, 117.4201)
    assert "Jembatan Dusun Bawah" in report.address
    # The point lies in Kecamatan Sumbawa (directory.geo, the shipped boundaries).
    assert (report.district_id, report.village_id) == ("52.04.08", "52.04.08.1005")
    [photo] = report.attachments.all()
    with open_stored(photo.file) as f:
        stored = f.read()
    assert stored[:2] == b"\xff\xd8" and b"KameraRahasia" not in stored and b"Exif" not in stored

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
        actions.do_accept(report, actor=cast.officer_a)
        actions.do_request_info(report, actor=cast.officer_a, text="Kirim foto dari seberang.")
    asked = graph.sent[-1]
    assert asked["to"] == PHONE[1:] and "Kirim foto dari seberang." in asked["text"]["body"]
    assert "Sekarang kirim keterangannya" in chat(
        "image", {"id": "m-info", "mime_type": "image/jpeg"}
    )
    assert "diteruskan" in chat("text", {"body": "Ini foto dari seberang sungai."})
    report.refresh_from_db()
    assert report.paused_at is None and report.attachments.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_answer(
            report,
            actor=cast.officer_a,
            text="Jembatan darurat sudah dipasang.",
            attachments=[result_photo()],
        )
    assert "PUAS" in graph.sent[-1]["text"]["body"]
    assert "alasan" in chat("text", {"body": "tidak puas"})
    chat("text", {"body": "Jembatan darurat goyang."})
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_answer(
            report,
            actor=cast.officer_a,
            text="Jembatan sudah diperkuat.",
            attachments=[result_photo()],
        )
    chat("text", {"body": "PUAS"})
    assert "selesai" in chat("interactive", {"type": "button_reply", "button_reply": {"id": "5"}})
    report.refresh_from_db()
    assert (report.status, report.rating) == (Status.CLOSED, 5)


def test_an_abandoned_draft_and_its_photo_are_dropped_by_the_sweep(client, cast, graph, chat):
    """A photo sent and never followed by a report (it may show a person or a KTP) is not kept:
    the sweep drops the exchange after MESSAGING_CONVERSATION_HOURS, and the number's next
    message is told so; an exchange still going is left alone."""
    from aduan.messaging import engine
    from aduan.messaging.models import PendingFile

    graph.media["m-ktp"] = photo_with_metadata()
    chat("image", {"id": "m-ktp", "mime_type": "image/jpeg"})
    [pending] = PendingFile.objects.all()
    stored = pending.file.path
    other = Conversation.objects.create(
        channel="whatsapp", phone="+6281300000999", step="what", updated_at=timezone.now()
    )
    assert engine.expire_drafts() == {"expired": 0, "forgotten_ids": 0}  # not yet
    ReceivedMessage.objects.update(received_at=timezone.now() - dt.timedelta(days=15))
    later = timezone.now() + dt.timedelta(hours=25)
    other.updated_at = later - dt.timedelta(hours=1)  # the other number wrote an hour ago
    other.save()
    tally = engine.expire_drafts(now=later)
    assert tally["expired"] == 1 and tally["forgotten_ids"] >= 1
    assert not PendingFile.objects.exists() and not os.path.exists(stored)
    mine = Conversation.objects.get(phone=PHONE)
    assert (mine.step, mine.draft) == ("", {"expired": True})
    other.refresh_from_db()
    assert other.step == "what"

    with time_machine.travel(later):
        told = chat("text", {"body": "halo"})
    assert "sudah lewat waktu" in told
    mine.refresh_from_db()
    assert "expired" not in mine.draft and not Report.objects.exists()


def test_control_characters_are_dropped_before_the_draft_keeps_the_text(client, cast, graph, chat):
    """A NUL in a message (PostgreSQL refuses it in the draft's JSON: the message was lost in a
    DataError) is dropped as the portal drops it (`rules.plain_text`), and the report is filed."""
    chat("text", {"body": "Jalan di depan SD\x00 Seketeng\x07 berlubang besar sejak kemarin."})
    conversation = Conversation.objects.get(phone=PHONE)
    assert conversation.draft["text"] == [
        "Jalan di depan SD Seketeng berlubang besar sejak kemarin."
    ]
    reply = chat(
        "text",
        {"body": "LAPOR Lampu\x00 jalan padam di depan Masjid Nurul Huda."},
        sender="+6281300000078",  # another number, not in the middle of a guided filing
    )
    assert "Laporan diterima" in reply
    assert Report.objects.get().description == "Lampu jalan padam di depan Masjid Nurul Huda."

"""The signed event feed (issue 16): public state changes delivered to subscribed receivers
through the outbox, signed, retried after an outage, never twice once acknowledged, and replayed
on request. The receiver is a real HTTP server on 127.0.0.1."""

import datetime as dt
import json
from http.server import BaseHTTPRequestHandler

import pytest
from django.utils import timezone

from aduan.feed import signing
from aduan.feed.models import FeedEvent, Subscription
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports import actions
from aduan.reports.models import Status
from tests.fake_http import serve

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db


class Receiver:
    """An integrator's endpoint: records every request; answers `status` (503 during an outage)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = serve(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/aduan-events"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def subscribe(url) -> tuple[Subscription, str, str]:
    subscription = Subscription(name="Jembatan LAPOR! uji", url=url)
    secret, key = subscription.set_credentials()
    subscription.save()
    return subscription, secret, key


def webhook_rows():
    return Notification.objects.filter(channel="webhook").order_by("pk")


def deliver_pending():
    return [
        outbox.deliver(pk)
        for pk in webhook_rows().filter(state="pending").values_list("pk", flat=True)
    ]


def test_it_delivers_public_changes_signed_and_verifiable(cast, receiver):
    _subscription, secret, _key = subscribe(receiver.url)
    report = report_in(cast, Status.IN_PROGRESS)  # filed (not public), dispositioned, accepted
    assert all(deliver_pending())
    kinds = [json.loads(r["body"])["type"] for r in receiver.requests]
    assert kinds == ["report.dispositioned", "report.accepted"]
    for request in receiver.requests:
        headers = request["headers"]
        assert signing.verify(
            secret, headers["X-Aduan-Timestamp"], request["body"], headers["X-Aduan-Signature"]
        )
        assert not signing.verify(
            "rahasia-lain",
            headers["X-Aduan-Timestamp"],
            request["body"],
            headers["X-Aduan-Signature"],
        )
        event = json.loads(request["body"])
        assert headers["X-Aduan-Event-Id"] == event["event_id"]
        assert event["data"]["report"]["code"] == report.code
    # Nothing of the reporter travels.
    everything = b"".join(r["body"] for r in receiver.requests).decode()
    assert cast.citizen.full_name not in everything and cast.citizen.email not in everything


def test_confidential_and_internal_changes_are_not_published(cast, receiver):
    subscribe(receiver.url)
    report = report_in(cast, Status.IN_PROGRESS, confidential=True)
    actions.do_add_note(report, actor=cast.officer_a, text="Catatan internal.")
    public = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(public, actor=cast.officer_a, text="Catatan internal.")
    assert not FeedEvent.objects.filter(report_code=report.code).exists()
    assert list(
        FeedEvent.objects.filter(report_code=public.code).values_list("kind", flat=True)
    ) == [
        "dispositioned",
        "accepted",
    ]


def test_it_retries_after_an_outage_with_backoff(cast, receiver, settings):
    settings.OUTBOX_BACKOFF_SECONDS = 60
    _subscription, secret, _key = subscribe(receiver.url)
    report = report_in(cast, Status.DISPOSITIONED)
    row = webhook_rows().get()
    receiver.status = 503
    assert outbox.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.state == "pending" and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + dt.timedelta(seconds=55)
    assert row.pk not in outbox.due_ids()  # not before its backoff
    # The receiver is back; the time of the retry has come.
    receiver.status = 200
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert row.pk in outbox.due_ids()
    assert outbox.deliver(row.pk) is True
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["body"] == second["body"]  # the same event, the same id
    assert signing.verify(
        secret,
        second["headers"]["X-Aduan-Timestamp"],
        second["body"],
        second["headers"]["X-Aduan-Signature"],
    )
    assert [a.ok for a in row.delivery_attempts.all()] == [False, True]
    assert json.loads(second["body"])["data"]["report"]["code"] == report.code


def test_an_unreachable_receiver_is_retried(cast, receiver):
    subscription, _secret, _key = subscribe(receiver.url)
    receiver.stop()  # nobody listens on the port any more
    report_in(cast, Status.DISPOSITIONED)
    row = webhook_rows().get()
    assert outbox.deliver(row.pk) is False
    assert "unreachable" in row.delivery_attempts.get().error
    back = Receiver()
    try:
        subscription.url = back.url
        subscription.save()
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        assert outbox.deliver(row.pk) is True
        assert len(back.requests) == 1
    finally:
        back.stop()
    receiver.server = back.server  # stopped already; the fixture's stop is then a no-op


def test_an_acknowledged_event_is_never_delivered_twice(cast, receiver):
    subscribe(receiver.url)
    report_in(cast, Status.DISPOSITIONED)
    row = webhook_rows().get()
    assert outbox.deliver(row.pk) is True
    # The worker's sweep, a second worker, a retry of the same id: none sends it again.
    assert outbox.deliver(row.pk) is False
    assert row.pk not in outbox.due_ids()
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert outbox.deliver(row.pk) is False
    assert len(receiver.requests) == 1


def test_each_subscription_gets_its_own_delivery(cast, receiver):
    subscribe(receiver.url)
    other = Receiver()
    try:
        subscribe(other.url)
        report_in(cast, Status.DISPOSITIONED)
        assert all(deliver_pending())
        assert len(receiver.requests) == 1 and len(other.requests) == 1
        assert receiver.requests[0]["body"] == other.requests[0]["body"]
    finally:
        other.stop()


def test_missed_events_are_replayed_since_an_id(cast, client, receiver):
    _subscription, secret, key = subscribe(receiver.url)
    report = report_in(cast, Status.RESPONDED)
    ids = list(FeedEvent.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 3  # dispositioned, accepted, answered
    response = client.get(
        f"/integrasi/peristiwa/?since={ids[0]}&limit=1", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 200
    assert signing.verify(
        secret, response["X-Aduan-Timestamp"], response.content, response["X-Aduan-Signature"]
    )
    page = response.json()
    assert [e["id"] for e in page["events"]] == [ids[1]] and page["more"] is True
    assert page["next_since"] == ids[1]
    rest = client.get(
        f"/integrasi/peristiwa/?since={page['next_since']}",
        headers={"Authorization": f"Bearer {key}"},
    ).json()
    assert [e["type"] for e in rest["events"]] == ["report.answered"] and rest["more"] is False
    # The same event ids as the deliveries.
    delivered = set(webhook_rows().values_list("subject", flat=True))
    assert rest["events"][0]["event_id"] in delivered
    assert rest["events"][0]["data"]["report"]["code"] == report.code


def test_replay_needs_the_subscriptions_key(cast, client, receiver):
    subscription, _secret, key = subscribe(receiver.url)
    file_report(cast)
    assert client.get("/integrasi/peristiwa/").status_code == 401
    wrong = client.get("/integrasi/peristiwa/", headers={"Authorization": "Bearer feedkey_salah"})
    assert wrong.status_code == 401
    subscription.is_active = False
    subscription.save()
    gone = client.get("/integrasi/peristiwa/", headers={"Authorization": f"Bearer {key}"})
    assert gone.status_code == 401


def test_a_subscription_receives_only_the_kinds_it_chose(cast, client, receiver):
    subscription, _secret, key = subscribe(receiver.url)
    subscription.kinds = ["answered", "closed"]
    subscription.save()
    everything = Receiver()
    try:
        subscribe(everything.url)  # no kinds chosen: all of them
        report_in(cast, Status.RESPONDED)
        assert all(deliver_pending())
        assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["report.answered"]
        assert [json.loads(r["body"])["type"] for r in everything.requests] == [
            "report.dispositioned",
            "report.accepted",
            "report.answered",
        ]
    finally:
        everything.stop()
    # Its replay holds the same kinds, under the same ids.
    page = client.get(
        "/integrasi/peristiwa/?since=0", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert [e["type"] for e in page["events"]] == ["report.answered"]
    assert page["events"][0]["event_id"] == json.loads(receiver.requests[0]["body"])["event_id"]


def test_the_kinds_are_chosen_in_the_admin(cast, client):
    client.force_login(cast.sysadmin)
    response = client.post(
        "/admin/feed/subscription/add/",
        {
            "name": "Dasbor",
            "url": "https://dasbor.example/",
            "is_active": "on",
            "kinds": ["closed"],
        },
    )
    assert response.status_code == 302
    assert Subscription.objects.get(name="Dasbor").kinds == ["closed"]


def test_no_personal_data_travels_in_the_feed(cast, receiver):
    """A report filed by the RT/RW for a resident with a NIK, phone and e-mail, with a phone
    number in a public note and an internal note: the payload names no one, the number is
    masked, the internal note is absent."""
    subscribe(receiver.url)
    nik = "5204085203900094"
    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Siti Aminah Binti Usman",
        reporter_phone="+6281339100077",
        reporter_email="siti.aminah@example.test",
        reporter_nik=nik,
        representative_relationship="Warga RT 02",
        consent=True,
        description="Jalan rusak; hubungi saya di 0813-3910-0077 atau siti.aminah@example.test.",
    )
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tangani.")
    actions.do_accept(report, actor=cast.officer_a)
    actions.do_add_note(
        report, actor=cast.officer_a, text="Kami sudah menelepon 0813 3910 0077.", public=True
    )
    actions.do_add_note(report, actor=cast.officer_a, text="Rahasia: Bu Siti kerabat kades.")
    assert all(deliver_pending())
    bodies = b"".join(r["body"] for r in receiver.requests).decode()
    for secret in (
        "Siti",
        "Aminah",
        "6281339100077",
        "0813-3910-0077",
        "0813 3910 0077",
        "siti.aminah",
        nik,
        "Warga RT 02",
        cast.representative.full_name,
        cast.representative.email,
        "kerabat kades",
    ):
        assert secret not in bodies, secret
    note = [json.loads(r["body"]) for r in receiver.requests][-1]
    assert note["type"] == "report.note"
    assert "[nomor disamarkan]" in note["data"]["text"]
    # And every stored event says the same.
    stored = json.dumps(list(FeedEvent.objects.values_list("payload", flat=True)))
    assert "0813 3910 0077" not in stored and "Siti" not in stored


def test_a_private_category_is_not_published(cast, receiver):
    from aduan.directory.models import Category

    subscribe(receiver.url)
    private = Category.objects.create(code="uji-privat", name="Uji Privat", private_by_default=True)
    report = report_in(cast, Status.IN_PROGRESS, category=private)
    assert report.confidential
    assert not FeedEvent.objects.filter(report_code=report.code).exists()
    assert not webhook_rows().exists()


def test_failed_deliveries_are_requeued_from_the_admin(cast, client, receiver, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    subscription, _secret, _key = subscribe(receiver.url)
    other, _s, _k = subscribe("http://127.0.0.1:9/lain")
    report_in(cast, Status.DISPOSITIONED)
    receiver.status = 503
    assert not any(deliver_pending())
    assert set(webhook_rows().values_list("state", flat=True)) == {"failed"}
    receiver.status = 200
    client.force_login(cast.sysadmin)
    response = client.post(
        "/admin/feed/subscription/",
        {"action": "requeue_failed", "_selected_action": [subscription.pk]},
    )
    assert response.status_code == 302
    mine = webhook_rows().get(extra__subscription=subscription.pk)
    assert mine.state == "pending" and mine.attempts == 0
    assert webhook_rows().get(extra__subscription=other.pk).state == "failed"  # not chosen
    assert outbox.deliver(mine.pk) is True
    first_id = json.loads(receiver.requests[0]["body"])["event_id"]
    assert json.loads(receiver.requests[-1]["body"])["event_id"] == first_id  # same event id
    assert [a.ok for a in mine.delivery_attempts.all()] == [False, True]

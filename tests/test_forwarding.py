"""Outside parties (issue 16): a report forwarded to a body beyond the regency, answered through
its link; links that expire or are revoked are refused; every use is in the audit chain."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aduan.audit import trail
from aduan.audit.models import AuditEntry
from aduan.forwarding import actions as forwarding
from aduan.forwarding import links
from aduan.forwarding.models import Forwarding, OutsideContact
from aduan.notifications.models import Notification
from aduan.ops import sealing
from aduan.reports import actions, errors
from aduan.reports.models import Audience, EventKind, Status
from aduan.reports.transitions import Action, available_actions

from .conftest import report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
PASSED = "Pipa PDAM bocor di Jalan Garuda depan SD Seketeng sejak tiga hari."


def at(*args):
    return dt.datetime(*args, tzinfo=WITA)


@pytest.fixture
def pdam(db):
    return OutsideContact.objects.create(
        name="PDAM Batulanteh", email="pengaduan@pdam.example", whatsapp="+6281339100099"
    )


def jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("perbaikan.jpg", out.getvalue(), content_type="image/jpeg")


def forwarded(cast, pdam, status=Status.SUBMITTED, **kwargs):
    report = report_in(cast, status, **kwargs)
    item, token = forwarding.do_forward(report, pdam, actor=cast.dispatcher, text=PASSED)
    report.refresh_from_db()
    return report, item, token


def link(token):
    return f"/luar/{token}/"


def test_it_sends_the_link_and_stores_only_its_hash(cast, pdam):
    report, item, token = forwarded(cast, pdam)
    assert report.status == Status.FORWARDED and report.due_step == "outside"
    assert item.token_hash == links.token_hash(token) and token not in item.token_hash
    message = Notification.objects.get(report=report, kind="outside_link")
    assert message.address == "pengaduan@pdam.example"
    assert token not in message.body  # sealed at rest like a tracking secret
    opened = sealing.unseal_text(message.body, "aduan.notifications.body")
    assert link(token) in opened and PASSED in opened
    assert cast.citizen.full_name not in opened
    # The reporter is told where the report went; the public sees it too.
    told = Notification.objects.get(report=report, kind="report_forwarded", channel="in_app")
    assert told.recipient == cast.citizen and "PDAM Batulanteh" in told.subject
    assert report.is_public


def test_an_outside_body_answers_through_its_link(cast, pdam, client):
    report, item, token = forwarded(cast, pdam)
    page = client.get(link(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert PASSED in body and report.code in body
    # Never the reporter, never the report's own text.
    assert cast.citizen.full_name not in body and "Wayan" not in body
    assert report.description not in body

    answered = client.post(
        link(token), {"action": "answer", "text": "Pipa sudah diganti.", "photos": [jpeg()]}
    )
    assert answered.status_code == 200
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.due_step == "verdict"
    event = report.events.get(kind=EventKind.ANSWERED)
    assert event.actor is None and event.audience == Audience.PUBLIC
    assert event.data["outside_body"] == "PDAM Batulanteh" and event.data["by"] == "outside"
    assert event.attachments.get().content_type == "image/jpeg"
    item.refresh_from_db()
    assert item.state == Forwarding.State.ANSWERED
    uses = AuditEntry.objects.filter(action="outside_link_used", report_code=report.code)
    assert sorted(u.detail["use"] for u in uses) == ["answered", "opened"]
    assert trail.verify() == []
    # The reporter hears the answer and can rate it; the link is spent.
    assert Notification.objects.filter(
        report=report, kind="report_answered", recipient=cast.citizen
    ).exists()
    assert client.get(link(token)).status_code == 410
    actions.do_accept_answer(report, actor=cast.citizen, rating=4)
    assert report.status == Status.CLOSED


def test_the_reporter_sees_where_the_report_went(cast, pdam, client):
    report, _item, _token = forwarded(cast, pdam)
    client.force_login(cast.citizen)
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "Diteruskan ke pihak luar" in page and "PDAM Batulanteh" in page
    assert PASSED not in page  # what the body was told is not the reporter's business


def test_a_question_and_the_dispatchers_reply_show_on_the_link_page(cast, pdam, client):
    report, _item, token = forwarded(cast, pdam)
    client.post(link(token), {"action": "question", "text": "Nomor rumah berapa?"})
    report.refresh_from_db()
    assert report.status == Status.FORWARDED
    question = report.events.get(kind=EventKind.OUTSIDE_QUESTION)
    assert question.audience == Audience.INTERNAL
    assert Notification.objects.filter(
        report=report, kind="outside_update", recipient=cast.dispatcher
    ).exists()
    forwarding.do_reply(report, actor=cast.dispatcher, text="Nomor 12, pagar hijau.")
    page = client.get(link(token)).content.decode()
    assert "Nomor rumah berapa?" in page and "Nomor 12, pagar hijau." in page
    assert Notification.objects.filter(report=report, kind="outside_reply").exists()


def test_a_decline_returns_the_report_to_the_dispatcher(cast, pdam, client):
    report, _item, token = forwarded(cast, pdam)
    client.post(link(token), {"action": "decline", "text": "Jaringan milik desa."})
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.due_step == "verify"
    assert report.events.get(kind=EventKind.OUTSIDE_DECLINED).audience == Audience.PARTIES
    assert client.get(link(token)).status_code == 410


def test_the_agency_proposes_and_the_dispatcher_consents(cast, pdam, client):
    report = report_in(cast, Status.IN_PROGRESS)
    assert Action.FORWARD not in available_actions(report, cast.officer_a)
    with pytest.raises(errors.NotPermitted):
        forwarding.do_forward(report, pdam, actor=cast.officer_a, text=PASSED)
    client.force_login(cast.officer_a)
    proposed = client.post(
        f"/kantor/laporan/{report.code}/aksi/propose_forward/",
        {"version": report.version, "contact": pdam.pk, "text": "Pipa PDAM, bukan jalan."},
    )
    assert proposed.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and not report.forwardings.exists()
    client.force_login(cast.dispatcher)
    workspace = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert "Teruskan ke pihak luar" in workspace
    sent = client.post(
        f"/kantor/laporan/{report.code}/aksi/forward/",
        {"version": report.version, "contact": pdam.pk, "text": PASSED},
    )
    assert sent.status_code == 302
    item = report.forwardings.get()
    assert item.proposed_by == cast.officer_a and item.created_by == cast.dispatcher
    report.refresh_from_db()
    assert report.status == Status.FORWARDED and report.agency == cast.agency_a
    # Declined outside, it comes back to the agency that holds it, its answer clock running.
    forwarding.do_decline_by_link(item, reason="Bukan jaringan kami.")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.due_step == "answer"


def test_an_expired_link_is_refused_and_the_report_comes_back(cast, pdam, client, settings):
    settings.FORWARD_LINK_DAYS = 14
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        report, item, token = forwarded(cast, pdam)
    with time_machine.travel(at(2026, 3, 16, 8, 0), tick=False):
        assert client.get(link(token)).status_code == 200
    with time_machine.travel(at(2026, 3, 16, 10, 0), tick=False):
        assert client.get(link(token)).status_code == 410
        refused = client.post(link(token), {"action": "answer", "text": "Terlambat."})
        assert refused.status_code == 410
        assert forwarding.expire_due() == 1
        assert forwarding.expire_due() == 0
    report.refresh_from_db()
    item.refresh_from_db()
    assert item.state == Forwarding.State.EXPIRED
    assert report.status == Status.SUBMITTED
    assert report.events.filter(kind=EventKind.FORWARD_EXPIRED).count() == 1
    assert not report.events.filter(kind=EventKind.ANSWERED).exists()
    uses = AuditEntry.objects.filter(action="outside_link_used", report_code=report.code)
    assert [u.detail["use"] for u in uses.order_by("id")] == ["opened", "refused", "refused"]


def test_a_revoked_link_is_refused(cast, pdam, client):
    report, item, token = forwarded(cast, pdam)
    client.force_login(cast.dispatcher)
    client.post(
        f"/kantor/laporan/{report.code}/aksi/recall_forward/",
        {"version": report.version, "reason": "Salah alamat."},
    )
    client.logout()
    report.refresh_from_db()
    item.refresh_from_db()
    assert item.state == Forwarding.State.RECALLED and report.status == Status.SUBMITTED
    assert client.get(link(token)).status_code == 410
    refused = client.post(link(token), {"action": "answer", "text": "Sudah."})
    assert refused.status_code == 410
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert Notification.objects.filter(report=report, kind="outside_recalled").exists()


def test_a_link_dies_with_its_report(cast, pdam, client):
    report, _item, token = forwarded(cast, pdam)
    actions.do_close(report, actor=cast.dispatcher, reason="Sudah ditangani langsung.")
    assert client.get(link(token)).status_code == 410


def test_an_unknown_token_is_a_404(cast, pdam, client):
    forwarded(cast, pdam)
    assert client.get(link(links.new_token())).status_code == 404


def test_the_body_is_reminded_once_when_its_answer_is_nearly_due(cast, pdam):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        report, _item, _token = forwarded(cast, pdam)
    assert report.warn_at is not None
    with time_machine.travel(report.warn_at - dt.timedelta(hours=1), tick=False):
        assert forwarding.remind_due() == 0
    with time_machine.travel(report.warn_at + dt.timedelta(minutes=1), tick=False):
        assert forwarding.remind_due() == 1
        assert forwarding.remind_due() == 0
    assert Notification.objects.filter(report=report, kind="outside_reminder").count() == 1


def test_not_satisfied_with_an_outside_answer_goes_back_to_the_dispatcher(cast, pdam):
    report, item, _token = forwarded(cast, pdam)
    forwarding.do_answer_by_link(item, text="Sudah diperbaiki.")
    report.refresh_from_db()
    actions.do_reject_answer(report, actor=cast.citizen, reason="Masih bocor.")
    assert report.status == Status.SUBMITTED and report.agency is None
    assert Action.FORWARD in available_actions(report, cast.dispatcher)


def test_an_inactive_contact_is_refused(cast, pdam):
    pdam.is_active = False
    pdam.save()
    report = report_in(cast, Status.SUBMITTED)
    with pytest.raises(errors.InvalidInput):
        forwarding.do_forward(report, pdam, actor=cast.dispatcher, text=PASSED)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED

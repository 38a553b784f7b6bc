"""The tracking secret is stored nowhere in clear (issue 11 §6, README): not in the API's
idempotency replay records, not in notification rows; and Swagger UI keeps no token in the
browser (tests/test_request_limits.py)."""

import re

import pytest
from django.db import connection
from django.test import override_settings

from aduan.api.models import IdempotencyRecord
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.ops import sealing
from tests.api.conftest import ApiClient
from tests.api.test_api_reports import form
from tests.portal import give_profile
from tests.whatsapp.test_whatsapp_webhook import chat, graph  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def _all_text_in_the_database() -> str:
    """Every text and binary column of the tables that could hold it, as stored."""
    chunks = []
    with connection.cursor() as cursor:
        for table in (IdempotencyRecord._meta.db_table, Notification._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # table names from the models
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        chunks.append(bytes(value).decode("latin-1"))
                    elif value is not None:
                        chunks.append(str(value))
    return "\n".join(chunks)


def test_a_replayed_filing_gives_the_secret_but_the_database_holds_it_nowhere(cast, mailoutbox):
    give_profile(cast.citizen)
    citizen = ApiClient(cast.citizen)
    first = citizen.post_form("/reports", form(), idempotency_key="kunci-ulang-1")
    assert first.status_code == 201
    secret = first.json()["secret"]
    replay = citizen.post_form("/reports", form(), idempotency_key="kunci-ulang-1")
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
    assert replay.json()["secret"] == secret
    stored = _all_text_in_the_database()
    assert secret not in stored and "kunci-ulang-1" not in stored
    assert IdempotencyRecord.objects.count() == 1


def test_the_e_mail_carries_the_secret_the_notification_rows_do_not(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.test_web_filing import _data, _form

    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/lapor/", _data(_form(client)))
    assert response.status_code == 302
    notifications = list(Notification.objects.all())
    assert notifications, "a filing notifies the reporter"
    sent = "\n".join(m.body for m in mailoutbox)
    assert "Kode rahasia:" in sent
    secret = sent.split("Kode rahasia:")[1].split()[0]
    assert len(secret) >= 6
    assert secret not in _all_text_in_the_database()
    in_app = Notification.objects.get(channel="in_app", kind="report_received")
    assert "Kode rahasia: ••••••••" in in_app.body


def _secret_in(reply: str) -> str:
    secret = reply.split("kode rahasia:")[1].split(".")[0].strip()
    assert len(secret) >= 6
    return secret


def test_an_sms_filing_replies_with_the_secret_the_rows_keep_it_sealed(
    client, cast, django_capture_on_commit_callbacks
):
    from tests.sms.test_sms_webhook import FakeGateway, call

    gateway = FakeGateway()
    try:
        with (
            override_settings(
                SMS_GATEWAY_URL=gateway.url,
                SMS_GATEWAY_TOKEN="token-gateway",
                SMS_WEBHOOK_SECRET="rahasia-webhook-uji",
            ),
            django_capture_on_commit_callbacks(execute=True),
        ):
            response = call(
                client,
                {"from": "+6281300000077", "text": "LAPOR Lampu jalan di Jalan Garuda padam."},
                secret="rahasia-webhook-uji",
            )
    finally:
        gateway.close()
    assert response.status_code == 200
    secret = _secret_in(response.json()["reply"])
    [sent] = gateway.received
    assert secret in sent["message"]  # the reporter gets it, opened in memory at delivery
    row = Notification.objects.get(channel="sms", kind="chat_reply")
    assert row.state == Notification.State.SENT and row.body.startswith("sealed:")
    assert secret not in _all_text_in_the_database()


def test_a_whatsapp_filing_replies_with_the_secret_the_rows_keep_it_sealed(cast, chat, graph):  # noqa: F811 (pytest fixtures)
    done = chat("text", {"body": "LAPOR Sampah menumpuk di pinggir Jalan Garuda sejak kemarin."})
    secret = _secret_in(done)
    row = Notification.objects.get(channel="whatsapp", kind="chat_reply")
    assert row.state == Notification.State.SENT and row.body.startswith("sealed:")
    assert secret not in _all_text_in_the_database()


def test_a_phone_verification_code_is_not_kept_in_clear(cast, django_capture_on_commit_callbacks):
    citizen = ApiClient(cast.citizen)
    assert citizen.post("/me/phone/verification", {"phone": "0813-3910-0011"}).status_code == 202
    row = Notification.objects.get(channel="sms")
    assert row.body.startswith("sealed:")
    code = re.search(r"\b(\d{6})\b", sealing.unseal_text(row.body, outbox.SEALED_PURPOSE))[1]
    assert code not in _all_text_in_the_database()

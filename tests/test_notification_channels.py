"""Each person chooses how to hear about their reports; agencies may have their officers alerted
by WhatsApp."""

import pytest
from django.test import override_settings
from django.utils import timezone

from aduan.notifications import outbox
from aduan.notifications.models import Notification, Preference
from aduan.reports import actions
from aduan.reports.models import Status
from aduan.sms.models import VerifiedPhone
from tests.conftest import PASSWORD, file_report, report_in

pytestmark = pytest.mark.django_db
CHANNELS = override_settings(
    SMS_GATEWAY_URL="http://127.0.0.1:9/sms",
    WHATSAPP_ACCESS_TOKEN="t",
    WHATSAPP_PHONE_NUMBER_ID="1",
)


def channels_of(report, user):
    return sorted(
        Notification.objects.filter(report=report, recipient=user).values_list("channel", flat=True)
    )


@CHANNELS
def test_an_account_holder_can_hear_by_whatsapp_and_sms_on_a_verified_phone(cast):
    VerifiedPhone.objects.create(
        user=cast.citizen, phone="+6281339100011", verified_at=timezone.now()
    )
    assert outbox.set_channels(cast.citizen, ["whatsapp", "sms", "merpati"]) == [
        "in_app",
        "whatsapp",
        "sms",
    ]
    report = file_report(cast)
    assert channels_of(report, cast.citizen) == ["in_app", "sms", "whatsapp"]
    sent = Notification.objects.get(report=report, recipient=cast.citizen, channel="whatsapp")
    assert sent.address == "+6281339100011" and "Balas" not in sent.body.split("\n")[0]


@CHANNELS
def test_without_a_verified_phone_no_chat_row_is_written(cast):
    outbox.set_channels(cast.citizen, ["whatsapp", "email"])
    report = file_report(cast)
    assert channels_of(report, cast.citizen) == ["email", "in_app"]


def test_the_default_is_in_app_and_e_mail(cast):
    assert outbox.channels_for(cast.citizen) == ("in_app", "email")
    assert not Preference.objects.exists()


@CHANNELS
def test_the_portal_page_saves_the_choice(client, cast):
    VerifiedPhone.objects.create(
        user=cast.citizen, phone="+6281339100011", verified_at=timezone.now()
    )
    client.login(username=cast.citizen.username, password=PASSWORD)
    page = client.get("/akun/notifikasi/")
    assert page.status_code == 200 and "WhatsApp" in page.content.decode()
    assert client.post("/akun/notifikasi/", {"channels": ["whatsapp"]}).status_code == 302
    assert outbox.channels_for(cast.citizen) == ("in_app", "whatsapp")


@CHANNELS
def test_the_api_reads_and_sets_the_choice(client, cast):
    from aduan.api.models import ApiToken

    _token, token = ApiToken.issue(cast.citizen, "pytest")
    headers = {"Authorization": f"Bearer {token}"}
    got = client.get("/api/v1/me/notification-channels", headers=headers).json()
    assert got["channels"] == ["in_app", "email"] and "whatsapp" in got["available"]
    put = client.put(
        "/api/v1/me/notification-channels",
        {"channels": ["sms"]},
        content_type="application/json",
        headers=headers,
    )
    assert put.json()["channels"] == ["in_app", "sms"]


@CHANNELS
def test_liaison_officers_and_the_head_get_whatsapp_alerts_when_the_agency_wants_them(cast):
    VerifiedPhone.objects.create(
        user=cast.officer_a, phone="+6281300000555", verified_at=timezone.now()
    )
    report = report_in(cast, Status.SUBMITTED)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    assert not Notification.objects.filter(report=report, channel="whatsapp").exists()

    cast.agency_a.whatsapp_alerts = cast.agency_a.whatsapp_alerts_head = True
    cast.agency_a.head_phone = "+6281300000666"
    cast.agency_a.save()
    second = report_in(cast, Status.SUBMITTED)
    actions.do_disposition(second, cast.agency_a, actor=cast.dispatcher)
    alerts = Notification.objects.filter(report=second, channel="whatsapp")
    assert sorted(alerts.values_list("address", flat=True)) == ["+6281300000555", "+6281300000666"]
    assert all(n.extra == {"staff": True} for n in alerts)


def test_the_channels_of_several_accounts_are_read_in_one_statement(cast):
    """`queue` asks `channels_of` for every recipient at once: the same answers as one account at
    a time (`channels_for`), for a choice made, a citizen's last chat (the latest of WhatsApp and
    SMS, a web filing after it not counting), a citizen who never used one, staff (no chat even
    when they filed by one) and staff who chose."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    now = timezone.now()
    outbox.set_channels(cast.other_citizen, ["email"])
    file_report(cast, channel="sms", now=now - timezone.timedelta(days=2))
    file_report(cast, channel="whatsapp", now=now - timezone.timedelta(days=1))
    file_report(cast, channel="web", now=now)
    file_report(cast, reporter=cast.representative, channel="sms")
    file_report(cast, reporter=cast.dispatcher, channel="sms")
    outbox.set_channels(cast.officer_a, ["in_app"])
    users = [
        cast.citizen,
        cast.other_citizen,
        cast.representative,
        cast.dispatcher,
        cast.officer_a,
        cast.supervisor,
    ]
    with CaptureQueriesContext(connection) as queries:
        together = outbox.channels_of([*users, None, cast.citizen])
    assert len(queries.captured_queries) == 1
    assert together == {
        cast.citizen.pk: ("in_app", "email", "whatsapp"),
        cast.other_citizen.pk: ("in_app", "email"),  # chose e-mail; in-app is always kept
        cast.representative.pk: ("in_app", "email", "sms"),
        cast.dispatcher.pk: ("in_app", "email"),
        cast.officer_a.pk: ("in_app",),
        cast.supervisor.pk: ("in_app", "email"),
    }
    assert together == {user.pk: outbox.channels_for(user) for user in users}
    assert outbox.channels_of([]) == {}

"""Filing limits in the portal: per account, per representative, per address; a 429 with
Retry-After that says when to try again, the form back with everything typed, nothing filed."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from aduan.reports.models import Report, Status
from tests.conftest import report_in
from tests.portal import give_profile, png_bytes
from tests.test_web_filing import _data, _form

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 11, 30, 10, 15, tzinfo=timezone.get_fixed_timezone(8 * 60))
LIMITS = {
    "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": 2,
    "FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR": 3,
    "FILING_RATE_LIMIT_PER_IP_PER_HOUR": 100,
}


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    with time_machine.travel(MORNING, tick=False) as clock, override_settings(**LIMITS):
        yield clock
    cache.clear()


def _file(client, **extra):
    return client.post("/lapor/", _data(_form(client), **extra))


def _retry_after(response) -> int:
    assert response.status_code == 429, response.status_code
    return int(response["Retry-After"])


def test_the_account_over_its_limit_gets_429_with_the_form_as_typed(client, cast, fresh_counters):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    assert _file(client).status_code == 302 and _file(client).status_code == 302
    photo = SimpleUploadedFile("lubang.png", png_bytes(), content_type="image/png")
    refused = _file(client, title="Lampu jalan padam", address="Jl. Kartini 7", attachments=[photo])
    assert _retry_after(refused) == 45 * 60
    page = refused.content.decode()
    assert "Coba lagi dalam 45 menit." in page and "Pilih ulang lampiran" not in page
    assert "lubang.png" in page  # the photo is kept on the server, ticked in the form
    assert 'value="Lampu jalan padam"' in page and 'value="Jl. Kartini 7"' in page
    assert "dua motor terjatuh" in page  # the description, in its textarea
    assert Report.objects.count() == 2

    # The window ends: the same form (its token still unused) files the report.
    fresh_counters.move_to(MORNING + dt.timedelta(minutes=45))
    again = client.post("/lapor/", _data(refused.context["form_token"], title="Lampu jalan padam"))
    assert again.status_code == 302 and Report.objects.count() == 3
    assert Report.objects.filter(title="Lampu jalan padam").count() == 1


def test_an_htmx_request_gets_the_message_as_a_fragment(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    _file(client), _file(client)
    refused = client.post("/lapor/", _data(_form(client)), headers={"HX-Request": "true"})
    assert _retry_after(refused) == 45 * 60
    fragment = refused.content.decode()
    assert (
        "<html" not in fragment
        and 'role="alert"' in fragment
        and "Coba lagi dalam 45 menit." in fragment
    )
    assert Report.objects.count() == 2


def test_mistakes_in_the_form_do_not_count(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    for _ in range(3):
        assert _file(client, title="").status_code == 200
    assert _file(client).status_code == 302 and _file(client).status_code == 302


def test_a_representative_filing_for_residents_has_a_larger_limit(client, cast):
    give_profile(cast.representative, nik="5204080101800003", birth_date=dt.date(1980, 1, 1))
    client.force_login(cast.representative)
    behalf = {
        "wakil-on_behalf": "on",
        "wakil-resident_name": "Siti Aminah",
        "wakil-resident_phone": "0813 3910 0022",
        "wakil-relationship": "Ketua RT 03",
        "wakil-consent": "on",
    }
    for _ in range(3):
        assert _file(client, **behalf).status_code == 302
    refused = _file(client, **{**behalf, "wakil-resident_name": "Made Wirata"})
    assert _retry_after(refused) == 45 * 60
    assert 'value="Made Wirata"' in refused.content.decode()
    assert Report.objects.filter(filed_by=cast.representative).count() == 3


@override_settings(FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR=10, FILING_RATE_LIMIT_PER_IP_PER_HOUR=2)
def test_one_address_shared_by_accounts_has_its_own_limit(cast):
    give_profile(cast.citizen)
    give_profile(
        cast.other_citizen, nik="5204084506850002", sex="P", birth_date=dt.date(1985, 6, 5)
    )
    first, second = Client(), Client()
    first.force_login(cast.citizen)
    second.force_login(cast.other_citizen)
    assert _file(first).status_code == 302 and _file(second).status_code == 302
    refused = _file(second)
    assert _retry_after(refused) == 45 * 60
    assert "dari jaringan ini" in refused.content.decode()


@override_settings(
    FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR=10,
    FILING_RATE_LIMIT_PER_IP_PER_HOUR=1,
    TRUSTED_PROXY_COUNT=1,
)
def test_behind_nginx_each_citizen_is_counted_by_the_forwarded_address(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    via_nginx = {"REMOTE_ADDR": "10.0.0.2"}
    ok = client.post(
        "/lapor/", _data(_form(client)), HTTP_X_FORWARDED_FOR="203.0.113.9", **via_nginx
    )
    other = client.post(
        "/lapor/", _data(_form(client)), HTTP_X_FORWARDED_FOR="203.0.113.10", **via_nginx
    )
    assert ok.status_code == 302 and other.status_code == 302
    # Writing another address to the left does not make a new client.
    spoofed = client.post(
        "/lapor/", _data(_form(client)), HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9", **via_nginx
    )
    assert _retry_after(spoofed) == 45 * 60


def test_information_for_the_agency_is_limited_apart_from_new_reports(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    asked = [report_in(cast, Status.IN_PROGRESS, paused=True) for _ in range(3)]
    assert (
        _file(client).status_code == 302 and _file(client).status_code == 302
    )  # the filing budget is used up
    for report in asked[:2]:
        sent = client.post(
            f"/laporan/{report.code}/informasi/",
            {"text": "Fotonya terlampir.", "version": report.version},
        )
        assert sent.status_code == 302
    refused = client.post(
        f"/laporan/{asked[2].code}/informasi/",
        {"text": "Lubangnya makin lebar.", "version": asked[2].version},
    )
    assert _retry_after(refused) == 45 * 60
    page = refused.content.decode()
    assert "Lubangnya makin lebar." in page and re.search(
        r"tanggapan dalam satu jam terakhir\. Coba lagi", page
    )
    asked[2].refresh_from_db()
    assert asked[2].paused_at is not None

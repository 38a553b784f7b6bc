"""Personal data rights through the API (`aduan.api.views.personal_data`): the portal's actions,
password, rate limit and audit rows (`tests/test_personal_data.py` covers what they do)."""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.cache import cache

from aduan.accounts import personal_data
from aduan.accounts.models import ErasureRequest
from aduan.audit.models import AuditEntry
from aduan.reports.models import Status
from tests.conftest import PASSWORD, frozen_with_fresh_counters, report_in

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_it_downloads_the_citizens_data_as_a_zip(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    other = report_in(cast, Status.IN_PROGRESS, reporter=cast.other_citizen)
    response = ApiClient(cast.citizen).post("/me/personal-data", {"password": PASSWORD})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("data-pribadi.json"))
    assert [r["code"] for r in data["reports"]["reports"]] == [report.code]
    assert other.code not in response.content.decode("utf-8", "replace")
    assert AuditEntry.objects.filter(
        action=personal_data.AuditAction.EXPORTED, actor=cast.citizen
    ).exists()


def test_the_download_is_never_kept_for_an_idempotent_replay(cast):
    from aduan.api.models import IdempotencyRecord

    ApiClient(cast.citizen).post(
        "/me/personal-data", {"password": PASSWORD}, idempotency_key="unduh-1"
    )
    assert not IdempotencyRecord.objects.exists()


def test_a_wrong_password_and_staff_are_refused(cast):
    wrong = ApiClient(cast.citizen).post("/me/personal-data", {"password": "salah"})
    assert wrong.status_code == 422
    assert "current_password" in wrong.json()["error"]["fields"]
    for staff in (cast.dispatcher, cast.officer_a, cast.supervisor):
        refused = ApiClient(staff).post("/me/personal-data", {"password": PASSWORD})
        assert refused.status_code == 403
    assert ApiClient().post("/me/personal-data", {"password": PASSWORD}).status_code == 401
    assert not AuditEntry.objects.filter(action=personal_data.AuditAction.EXPORTED).exists()


def test_the_download_shares_the_portals_rate_limit(cast):
    api = ApiClient(cast.citizen)
    # The clock stands still, so that the hour's window cannot end between two downloads.
    with frozen_with_fresh_counters(dt.datetime(2026, 11, 30, 10, 15, 20, tzinfo=dt.UTC)):
        for _ in range(personal_data.EXPORTS_PER_HOUR):
            assert api.post("/me/personal-data", {"password": PASSWORD}).status_code == 200
        refused = api.post("/me/personal-data", {"password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 45 * 60 - 20


def test_the_citizen_asks_for_erasure_and_withdraws_it(cast):
    api = ApiClient(cast.citizen)
    unconfirmed = api.post("/me/erasure-request", {"password": PASSWORD, "understood": False})
    assert unconfirmed.status_code == 422 and "understood" in unconfirmed.json()["error"]["fields"]
    asked = api.post("/me/erasure-request", {"password": PASSWORD, "understood": True})
    assert asked.status_code == 202 and asked.json()["state"] == "pending"
    assert ErasureRequest.objects.get().state == ErasureRequest.State.PENDING
    assert api.delete("/me/erasure-request").status_code == 204
    assert ErasureRequest.objects.get().state == ErasureRequest.State.WITHDRAWN
    assert ApiClient(cast.dispatcher).delete("/me/erasure-request").status_code == 403


def test_erasure_deletes_the_replies_kept_for_retries(cast):
    from django.core.management import call_command

    from aduan.api.models import IdempotencyRecord

    api = ApiClient(cast.citizen)
    api.post("/me/email", {"email": "baru@contoh.id", "password": PASSWORD}, idempotency_key="k1")
    assert IdempotencyRecord.objects.filter(owner=f"user:{cast.citizen.pk}").exists()
    api.post("/me/erasure-request", {"password": PASSWORD, "understood": True})
    call_command(
        "erasure_requests", execute=ErasureRequest.objects.get().pk, by=cast.sysadmin.username
    )
    assert not IdempotencyRecord.objects.filter(owner=f"user:{cast.citizen.pk}").exists()
    assert ErasureRequest.objects.get().summary["idempotency_replies"] == 1

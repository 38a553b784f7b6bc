"""API rate limits: requests per caller and per address, and new reports per account (one budget
with the portal); a 429 with Retry-After in the API's error shape, and nothing filed."""

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from aduan.reports.models import Report
from tests.api.conftest import ApiClient, error_of
from tests.api.test_api_reports import form
from tests.conftest import frozen_with_fresh_counters
from tests.portal import give_profile
from tests.test_web_filing import _data, _form

pytestmark = pytest.mark.django_db
MORNING = dt.datetime(2026, 11, 30, 10, 15, 20, tzinfo=timezone.get_fixed_timezone(8 * 60))


@pytest.fixture(autouse=True)
def clock():
    with frozen_with_fresh_counters(MORNING) as traveller:
        yield traveller


@override_settings(FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR=2, FILING_RATE_LIMIT_PER_IP_PER_HOUR=100)
def test_new_reports_over_the_account_limit_get_429_and_the_same_key_files_after_the_wait(
    cast, clock
):
    citizen = ApiClient(cast.citizen)
    for n in range(2):
        assert (
            citizen.post_form("/reports", form(), idempotency_key=f"kunci-{n}").status_code == 201
        )
    refused = citizen.post_form("/reports", form(title="Lampu ketiga"), idempotency_key="kunci-3")
    error = error_of(refused, 429)
    assert int(refused["Retry-After"]) == 44 * 60 + 40
    assert error["code"] == "too_many_requests" and "coba lagi dalam 45 menit" in error["message"]
    assert Report.objects.count() == 2
    assert citizen.get("/me").status_code == 200  # reading is not filing

    clock.move_to(MORNING + dt.timedelta(minutes=45))
    again = citizen.post_form("/reports", form(title="Lampu ketiga"), idempotency_key="kunci-3")
    assert again.status_code == 201 and "Idempotent-Replayed" not in again  # the 429 was not stored
    assert Report.objects.filter(title="Lampu ketiga").count() == 1


@override_settings(FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR=2, FILING_RATE_LIMIT_PER_IP_PER_HOUR=100)
def test_the_portal_and_the_api_share_one_filing_budget(cast):
    give_profile(cast.citizen)
    browser = Client()
    browser.force_login(cast.citizen)
    assert browser.post("/lapor/", _data(_form(browser))).status_code == 302
    phone = ApiClient(cast.citizen)
    assert phone.post_form("/reports", form()).status_code == 201
    error_of(phone.post_form("/reports", form()), 429)
    assert Report.objects.count() == 2


@override_settings(FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR=1, FILING_RATE_LIMIT_PER_IP_PER_HOUR=100)
def test_a_refused_filing_with_bad_input_is_a_422_not_a_429(cast):
    citizen = ApiClient(cast.citizen)
    assert citizen.post_form("/reports", form()).status_code == 201
    error_of(citizen.post_form("/reports", form(title="")), 422)


@override_settings(API_RATE_LIMIT_PER_MINUTE=100, API_RATE_LIMIT_PER_IP_PER_MINUTE=3)
def test_accounts_behind_one_address_share_its_larger_limit(cast):
    first, second = ApiClient(cast.citizen), ApiClient(cast.other_citizen)
    assert [
        first.get("/me").status_code,
        second.get("/me").status_code,
        first.get("/me").status_code,
    ] == [200] * 3
    refused = second.get("/me")
    error_of(refused, 429)
    assert int(refused["Retry-After"]) == 40  # the minute ends at 10:16:00
    elsewhere = ApiClient(cast.other_citizen, REMOTE_ADDR="203.0.113.50")
    assert elsewhere.get("/me").status_code == 200


@override_settings(API_RATE_LIMIT_PER_MINUTE=2, API_RATE_LIMIT_PER_IP_PER_MINUTE=100)
def test_an_anonymous_caller_is_limited_by_address_at_the_account_limit(cast, clock):
    anonymous = ApiClient()
    assert [anonymous.get("/public/reports").status_code for _ in range(2)] == [200, 200]
    error_of(anonymous.get("/public/reports"), 429)
    clock.move_to(MORNING + dt.timedelta(seconds=40))
    assert anonymous.get("/public/reports").status_code == 200

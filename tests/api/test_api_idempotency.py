import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.api.models import IdempotencyRecord
from aduan.reports.models import Attachment, Report
from tests.api.conftest import ApiClient, error_of
from tests.api.test_api_reports import PNG, form
from tests.conftest import file_report

pytestmark = pytest.mark.django_db


def test_a_retry_with_the_same_key_and_body_replays_the_first_report_and_creates_nothing(cast):
    citizen = ApiClient(cast.citizen)
    first = citizen.post_form(
        "/reports", form(files=[SimpleUploadedFile("a.png", PNG)]), idempotency_key="k-1"
    )
    again = citizen.post_form(
        "/reports", form(files=[SimpleUploadedFile("a.png", PNG)]), idempotency_key="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Report.objects.count() == 1 and Attachment.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(cast):
    citizen = ApiClient(cast.citizen)
    assert citizen.post_form("/reports", form(), idempotency_key="k-2").status_code == 201
    error = error_of(citizen.post_form("/reports", form(title="Lain"), idempotency_key="k-2"), 422)
    assert error["code"] == "idempotency_key_reused"
    assert Report.objects.count() == 1


def test_keys_belong_to_their_caller(cast):
    assert (
        ApiClient(cast.citizen).post_form("/reports", form(), idempotency_key="k-3").status_code
        == 201
    )
    assert (
        ApiClient(cast.other_citizen)
        .post_form("/reports", form(), idempotency_key="k-3")
        .status_code
        == 201
    )
    assert Report.objects.count() == 2


def test_an_action_retried_is_not_taken_twice(cast):
    report = file_report(cast)
    dispatcher = ApiClient(cast.dispatcher)
    first = dispatcher.post(
        f"/reports/{report.code}/dispatcher-note", {"text": "Satu kali."}, idempotency_key="n-1"
    )
    again = dispatcher.post(
        f"/reports/{report.code}/dispatcher-note", {"text": "Satu kali."}, idempotency_key="n-1"
    )
    assert first.json() == again.json()
    assert report.events.filter(text="Satu kali.").count() == 1


def test_an_error_is_replayed_too_but_a_throttled_answer_is_not_kept(cast):
    citizen = ApiClient(cast.citizen)
    first = citizen.post_form("/reports", form(title=""), idempotency_key="k-4")
    assert first.status_code == 422
    assert (
        citizen.post_form("/reports", form(title=""), idempotency_key="k-4")["Idempotent-Replayed"]
        == "true"
    )


def test_a_request_still_running_gets_409(cast):
    from aduan.api.guard import stored_key

    owner = f"user:{cast.citizen.pk}"
    IdempotencyRecord.objects.create(
        owner=owner, key=stored_key(owner, "k-5"), endpoint="POST /api/v1/register", body_hash="x"
    )
    citizen = ApiClient(cast.citizen)
    response = citizen.post("/register", {}, idempotency_key="k-5")
    error_of(response, 422)  # another body
    record = IdempotencyRecord.objects.get(key=stored_key(owner, "k-5"))
    import hashlib

    record.body_hash = hashlib.sha256(b"{}").hexdigest()
    record.save()
    assert (
        error_of(citizen.post("/register", {}, idempotency_key="k-5"), 409)["code"]
        == "idempotency_in_progress"
    )


def test_an_unprintable_key_is_a_400(cast):
    error_of(ApiClient(cast.citizen).post("/register", {}, idempotency_key="x" * 201), 400)


def test_old_records_are_pruned_after_a_day(cast):
    import datetime as dt

    from django.utils import timezone

    from aduan.api.tasks import prune_idempotency_records

    ApiClient(cast.citizen).post("/register", {}, idempotency_key="old")
    assert prune_idempotency_records() == 0
    assert prune_idempotency_records(timezone.now() + dt.timedelta(hours=25)) == 1


def test_a_new_token_is_never_kept_for_replay(cast):
    from tests.conftest import PASSWORD

    body = {"username": "warga-uji", "password": PASSWORD, "device_name": "hp"}
    first = ApiClient().post("/auth/tokens", body, idempotency_key="t-1")
    again = ApiClient().post("/auth/tokens", body, idempotency_key="t-1")
    assert first.status_code == again.status_code == 201
    assert first.json()["token"] != again.json()["token"]
    assert not IdempotencyRecord.objects.exists()

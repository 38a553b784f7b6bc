"""Filing through the API with an incomplete KTP profile (issue 13): the report is stored and
waits for the profile (201, `awaiting_profile: true`, with what `PATCH /me` still needs); once the
profile is complete through `PATCH /me`, it is released to the dispatchers."""

import pytest

from aduan.reports.models import Report
from tests.api.conftest import ApiClient
from tests.api.test_api_reports import form

pytestmark = pytest.mark.django_db


def test_a_citizen_without_a_ktp_profile_files_and_is_told_what_to_fill_in(cast):
    citizen = cast.citizen
    citizen.nik_hash, citizen.nik_encrypted, citizen.birth_date = None, "", None
    citizen.save()
    filed = ApiClient(citizen).post_form("/reports", form(), idempotency_key="lapor-1")
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["awaiting_profile"] is True
    assert set(body["profile_missing"]) == {"profile.nik", "profile.birth_date"}
    report = Report.objects.get()
    assert report.awaiting_profile_since is not None and report.due_at is None


def test_completing_the_profile_through_patch_me_releases_the_report(cast):
    citizen = cast.citizen
    citizen.nik_hash, citizen.nik_encrypted = None, ""
    citizen.save()
    client = ApiClient(citizen)
    filed = client.post_form("/reports", form(), idempotency_key="lapor-1")
    assert filed.status_code == 201 and filed.json()["awaiting_profile"], filed.content
    done = client.patch(
        "/me",
        {
            "profile": {
                "nik": "5204081203900001",
                "sex": "L",
                "birth_date": "1990-03-12",
                "occupation": "Petani",
                "district": "52.04.08",
                "village": "52.04.08.1004",
                "address": "Jl. Garuda 1",
            }
        },
    )
    assert done.status_code == 200 and done.json()["profile_complete"], done.content
    report = Report.objects.get()
    assert report.awaiting_profile_since is None and report.due_at is not None
    # The same key again replays the first answer: one report, never two.
    again = client.post_form("/reports", form(), idempotency_key="lapor-1")
    assert again.status_code == 201 and Report.objects.count() == 1


def test_a_citizen_with_the_profile_files_at_once(cast):
    filed = ApiClient(cast.citizen).post_form("/reports", form())
    assert filed.status_code == 201 and filed.json()["awaiting_profile"] is False


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("(0371) 21234", "+6237121234"), ("0813.3910.0011", "+6281339100011")],
)
def test_a_phone_is_read_by_the_rule_every_channel_uses(cast, typed, stored):
    """`accounts.phone.normalise_phone`, as on the portal; the schema's own pattern refused
    these with a bare "Nilai tidak valid."."""
    done = ApiClient(cast.citizen).patch("/me", {"phone": typed})
    assert done.status_code == 200, done.content
    cast.citizen.refresh_from_db()
    assert cast.citizen.phone == stored


def test_a_resident_phone_is_read_by_the_same_rule(cast):
    filed = ApiClient(cast.representative).post_form(
        "/reports",
        form(
            resident_name="Siti Rahmah",
            resident_phone="0813.3910.0022",
            relationship="Ketua RT",
            consent="true",
        ),
    )
    assert filed.status_code == 201, filed.content
    assert Report.objects.get().reporter_phone == "+6281339100022"


def test_a_phone_that_is_not_one_is_refused_with_the_rules_message(cast):
    refused = ApiClient(cast.citizen).patch("/me", {"phone": "0813 abc"})
    assert refused.status_code == 422
    message = "Nomor telepon tidak dikenali. Contoh: 0813 3910 0011."
    assert refused.json()["error"]["fields"]["phone"] == [message]

"""Filing through the API asks for the same KTP profile as the portal, and says what is missing;
the refusal costs nothing: no report, no rate-limit count, and the Idempotency-Key stays usable."""

import pytest

from aduan.reports.models import Report
from tests.api.conftest import ApiClient, error_of
from tests.api.test_api_reports import form

pytestmark = pytest.mark.django_db


def test_a_citizen_without_a_ktp_profile_is_told_what_to_fill_in(cast):
    citizen = cast.citizen
    citizen.nik_hash, citizen.nik_encrypted, citizen.birth_date = None, "", None
    citizen.save()
    error = error_of(
        ApiClient(citizen).post_form("/reports", form(), idempotency_key="lapor-1"), 409
    )
    assert error["code"] == "profile_incomplete"
    assert "Lengkapi profil" in error["message"]
    assert set(error["fields"]) == {"profile.nik", "profile.birth_date"}
    assert not Report.objects.exists()


def test_after_completing_the_profile_the_same_request_and_key_file_the_report(cast):
    citizen = cast.citizen
    citizen.nik_hash, citizen.nik_encrypted = None, ""
    citizen.save()
    client = ApiClient(citizen)
    error_of(client.post_form("/reports", form(), idempotency_key="lapor-1"), 409)
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
    filed = client.post_form("/reports", form(), idempotency_key="lapor-1")
    assert filed.status_code == 201, filed.content
    assert "Idempotent-Replayed" not in filed and Report.objects.get().reporter == citizen


def test_a_citizen_with_the_profile_files_at_once(cast):
    assert ApiClient(cast.citizen).post_form("/reports", form()).status_code == 201

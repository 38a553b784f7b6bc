"""One rule for phone numbers on every channel (issue 11 §3): what a person types in the portal,
the back office, the API or what the SMS gateway sends is stored as one E.164 number, so that
`0813 3910 0022` typed in the app and `+62 813-3910-0022` typed on the portal are the same
number, and the same nonsense is refused everywhere."""

import pytest
from django.core.exceptions import ValidationError

from aduan.accounts.models import User
from aduan.accounts.phone import mask_phone, normalise_phone, normalise_phone_or_none
from aduan.reports.models import Report
from aduan.sms import verification
from aduan.sms.models import PhoneChallenge
from tests.api.conftest import ApiClient, error_of
from tests.api.test_api_reports import form
from tests.conftest import intake_token

pytestmark = pytest.mark.django_db

TYPED = "0813 3910 0022"
STORED = "+6281339100022"


@pytest.mark.parametrize(
    "raw",
    ["0813 3910 0022", "0813-3910-0022", "+62 813 3910 0022", "6281339100022", "006281339100022"],
)
def test_every_way_of_typing_a_number_gives_one_number(raw):
    assert normalise_phone(raw) == STORED
    assert normalise_phone_or_none(raw) == STORED


@pytest.mark.parametrize("raw", ["12345", "0813", "abc", "0813 3910 0022 ext 5", "1" * 40])
def test_what_is_not_a_number_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)
    assert normalise_phone_or_none(raw) is None


def test_a_masked_number_keeps_its_prefix_and_last_digits():
    assert mask_phone(STORED) == "+62813•••••022"
    assert mask_phone("") == ""
    assert "3910" not in mask_phone(STORED)


def test_the_api_registration_stores_the_number_normalised(db):
    response = ApiClient().post(
        "/register",
        {
            "username": "baru-telepon",
            "full_name": "Baru Telepon",
            "email": "baru-telepon@example.test",
            "phone": TYPED,
            "password": "kata-sandi-yang-panjang-77",
        },
    )
    assert response.status_code in (201, 202), response.content
    assert User.objects.get(username="baru-telepon").phone == STORED


def test_the_api_registration_refuses_a_number_the_portal_refuses(db):
    error = error_of(
        ApiClient().post(
            "/register",
            {
                "username": "baru-salah",
                "full_name": "Baru Salah",
                "email": "baru-salah@example.test",
                "phone": "0813",
                "password": "kata-sandi-yang-panjang-77",
            },
        ),
        422,
    )
    assert "phone" in error["fields"]
    assert not User.objects.filter(username="baru-salah").exists()


def test_a_profile_change_through_the_api_stores_the_number_normalised(cast):
    response = ApiClient(cast.citizen).patch("/me", {"phone": TYPED})
    assert response.status_code == 200, response.content
    cast.citizen.refresh_from_db()
    assert cast.citizen.phone == STORED and response.json()["phone"] == STORED


def test_a_resident_number_sent_by_a_representative_through_the_api_is_normalised(cast):
    from tests.portal import give_profile

    give_profile(cast.representative, nik="5204080101800003")
    response = ApiClient(cast.representative).post_form(
        "/reports",
        form(
            resident_name="Siti Rahmah",
            resident_phone=TYPED,
            relationship="Ketua RT 03",
            consent="true",
        ),
    )
    assert response.status_code == 201, response.content
    assert Report.objects.get().reporter_phone == STORED


def test_a_resident_number_the_portal_refuses_is_refused_by_the_api(cast):
    from tests.portal import give_profile

    give_profile(cast.representative, nik="5204080101800003")
    error = error_of(
        ApiClient(cast.representative).post_form(
            "/reports",
            form(
                resident_name="Siti Rahmah",
                resident_phone="0813",
                relationship="Ketua RT 03",
                consent="true",
            ),
        ),
        422,
    )
    assert "resident_phone" in error["fields"]
    assert not Report.objects.exists()


def test_the_back_office_intake_stores_the_number_normalised(client, cast):
    client.force_login(cast.dispatcher)
    response = client.post(
        "/kantor/pengaduan-baru/",
        {
            "form_token": intake_token(client),
            "channel": "phone",
            "reporter_name": "Ibu Sumarni",
            "reporter_phone": TYPED,
            "classification": "complaint",
            "title": "Air PDAM mati",
            "description": "Sudah tiga hari air mati.",
        },
    )
    assert response.status_code == 302, response.content[:300]
    assert Report.objects.get().reporter_phone == STORED


def test_the_action_itself_normalises_whatever_channel_calls_it(cast):
    from aduan.reports import actions, errors

    report, _secret = actions.do_file_report(
        reporter=None,
        filed_by=cast.dispatcher,
        channel="phone",
        reporter_name="Ibu Sumarni",
        reporter_phone=TYPED,
        title="Air PDAM mati",
        description="Sudah tiga hari air mati.",
    )
    assert report.reporter_phone == STORED
    with pytest.raises(errors.InvalidInput):
        actions.do_file_report(
            reporter=None,
            filed_by=cast.dispatcher,
            channel="phone",
            reporter_name="Ibu Sumarni",
            reporter_phone="0813",
            title="Air PDAM mati",
            description="Sudah tiga hari air mati.",
        )


def test_a_phone_proven_by_sms_is_stored_as_the_portal_stores_it(cast):
    challenge = verification.start(cast.citizen, "0813-3910 0022")
    assert challenge.phone == STORED
    assert PhoneChallenge.objects.get().phone == STORED

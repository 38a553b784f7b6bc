import pytest

from aduan.api.models import ApiToken, hash_token
from tests.api.conftest import ApiClient, error_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_per_device_and_stores_only_its_hash(cast):
    response = ApiClient().post(
        "/auth/tokens",
        {"username": "warga-uji", "password": PASSWORD, "device_name": "Ponsel Wayan"},
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    stored = ApiToken.objects.get(user=cast.citizen)
    assert stored.key_hash == hash_token(raw) and raw not in (stored.key_hash, stored.hint)
    me = ApiClient().get("/me", Authorization=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == "warga-uji"


def test_it_refuses_a_wrong_password_with_401(cast):
    response = ApiClient().post(
        "/auth/tokens", {"username": "warga-uji", "password": "salah", "device_name": "x"}
    )
    assert error_of(response, 401)["code"] == "invalid_credentials"


def test_it_refuses_a_missing_or_unknown_token_with_401(cast):
    error_of(ApiClient().get("/me"), 401)
    response = ApiClient().get("/me", Authorization="Bearer adn_tidak-ada")
    assert error_of(response, 401)["code"] == "unauthenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_revokes_a_token_and_the_device_is_out(cast):
    phone, laptop = ApiClient(cast.citizen), ApiClient(cast.citizen)
    tokens = phone.get("/auth/tokens").json()
    assert len(tokens) == 2
    mine = ApiToken.objects.filter(user=cast.citizen).order_by("id").first()
    assert laptop.delete(f"/auth/tokens/{mine.pk}").status_code == 204
    error_of(phone.get("/me"), 401)
    assert laptop.get("/me").status_code == 200


def test_it_does_not_revoke_anothers_token(cast):
    other = ApiClient(cast.other_citizen)
    token = ApiToken.objects.get(user=cast.other_citizen)
    error_of(ApiClient(cast.citizen).delete(f"/auth/tokens/{token.pk}"), 404)
    assert other.get("/me").status_code == 200


def test_the_web_session_works_too(client, cast):
    client.force_login(cast.citizen)
    assert client.get("/api/v1/me").json()["username"] == "warga-uji"


def test_a_session_post_without_csrf_is_refused(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.citizen)
    response = client.post("/api/v1/reports/SBW-XXXXXX/support", content_type="application/json")
    assert error_of(response, 403)["code"] == "forbidden"


def test_it_registers_a_citizen(cast):
    response = ApiClient().post(
        "/register",
        {
            "username": "nurul.h",
            "full_name": "Nurul Hidayah",
            "email": "nurul@contoh.id",
            "phone": "+6281200000001",
            "password": "sumbawa-sabalong-samalewa",
        },
    )
    assert response.status_code == 202
    assert "tautan verifikasi" in response.json()["message"]
    from aduan.accounts.models import User

    assert User.objects.get(username="nurul.h").role == "citizen"
    # tests/test_accounts_registration.py: the e-mail is verified before the first token.


def test_it_refuses_a_taken_username_weak_password_and_bad_email_per_field(cast):
    response = ApiClient().post(
        "/register",
        {"username": "warga-uji", "full_name": "X", "email": "bukan-email", "password": "123"},
    )
    error = error_of(response, 422)
    assert "email" in error["fields"]
    response = ApiClient().post(
        "/register",
        {"username": "warga-uji", "full_name": "X", "email": "a@b.id", "password": "123"},
    )
    error = error_of(response, 422)
    assert list(error["fields"]) == ["password"]  # a taken user name is not said


def test_it_updates_the_profile(cast):
    me = ApiClient(cast.citizen)
    response = me.patch("/me", {"full_name": "Wayan S.", "phone": "+6281300000000"})
    assert response.status_code == 200
    cast.citizen.refresh_from_db()
    assert (cast.citizen.full_name, cast.citizen.phone) == ("Wayan S.", "+6281300000000")
    error_of(me.patch("/me", {"email": "warga-lain@example.test"}), 422)


PROFILE = {
    "nik": "5204085203900002",
    "sex": "P",
    "birth_date": "1990-03-12",
    "occupation": "Guru",
    "district": "52.04.08",
    "village": "52.04.08.1004",
    "address": "Jl. Garuda 2",
}


def test_it_registers_a_citizen_with_the_ktp_profile(cast):
    response = ApiClient().post(
        "/register",
        {
            "username": "ani.s",
            "full_name": "Ani Suryani",
            "email": "ani@contoh.id",
            "phone": "081339100033",
            "password": "sumbawa-sabalong-samalewa",
            "profile": PROFILE,
        },
    )
    assert response.status_code == 202, response.content
    assert "5204085203900002" not in response.content.decode()
    from aduan.accounts.models import User

    user = User.objects.get(username="ani.s")
    assert user.profile_complete and user.nik_masked == "520408••••••0002"
    assert user.nik == "5204085203900002" and user.phone == "+6281339100033"


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"nik": "5204995203900002"}, "nik", "kode kecamatan 52.04.99"),
        ({"birth_date": "1990-03-13"}, "nik", "tanggal lahir pada NIK tidak sesuai"),
        ({"sex": "L"}, "nik", "jenis kelamin"),
        ({"village": "52.04.09.2001"}, "village", ""),
    ],
)
def test_it_names_the_wrong_part_of_the_profile(cast, change, field, words):
    response = ApiClient().post(
        "/register",
        {
            "username": "ani.s",
            "full_name": "Ani Suryani",
            "email": "ani@contoh.id",
            "phone": "081339100033",
            "password": "sumbawa-sabalong-samalewa",
            "profile": {**PROFILE, **change},
        },
    )
    error = error_of(response, 422)
    assert field in error["fields"] and words in " ".join(error["fields"][field])
    from aduan.accounts.models import User

    assert not User.objects.filter(username="ani.s").exists()


def test_a_citizen_completes_the_profile_later_and_one_nik_is_one_account(cast, api):
    client = api(cast.citizen)
    response = client.patch(
        "/me",
        {"profile": {**PROFILE, "nik": "5204081204850001", "sex": "L", "birth_date": "1985-04-12"}},
    )
    assert response.status_code == 200, response.content
    assert response.json()["nik_masked"] == "520408••••••0001"
    other = api(cast.other_citizen).patch(
        "/me",
        {"profile": {**PROFILE, "nik": "5204081204850001", "sex": "L", "birth_date": "1985-04-12"}},
    )
    assert "Satu NIK hanya untuk satu akun" in " ".join(error_of(other, 422)["fields"]["nik"])

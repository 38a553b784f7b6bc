import pytest

from aduan.api.models import ApiToken, hash_token
from tests.api.conftest import ApiClient, error_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_per_device_and_stores_only_its_hash(cast):
    response = ApiClient().post("/auth/tokens", {"username": "warga-uji", "password": PASSWORD,
                                                 "device_name": "Ponsel Wayan"})
    assert response.status_code == 201
    raw = response.json()["token"]
    stored = ApiToken.objects.get(user=cast.citizen)
    assert stored.key_hash == hash_token(raw) and raw not in (stored.key_hash, stored.hint)
    me = ApiClient().get("/me", Authorization=f"Bearer {raw}")
    assert me.status_code == 200 and me.json()["username"] == "warga-uji"


def test_it_refuses_a_wrong_password_with_401(cast):
    response = ApiClient().post("/auth/tokens", {"username": "warga-uji", "password": "salah", "device_name": "x"})
    assert error_of(response, 401)["message"] == "Nama pengguna atau kata sandi salah."


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
    response = ApiClient().post("/register", {"username": "nurul.h", "full_name": "Nurul Hidayah",
                                              "email": "nurul@contoh.id", "phone": "+6281200000001",
                                              "password": "sumbawa-sabalong-samalewa"})
    assert response.status_code == 201
    assert response.json()["role"] == "citizen"
    token = ApiClient().post("/auth/tokens", {"username": "nurul.h", "password": "sumbawa-sabalong-samalewa",
                                              "device_name": "hp"})
    assert token.status_code == 201


def test_it_refuses_a_taken_username_weak_password_and_bad_email_per_field(cast):
    response = ApiClient().post("/register", {"username": "warga-uji", "full_name": "X", "email": "bukan-email",
                                              "password": "123"})
    error = error_of(response, 422)
    assert "email" in error["fields"]
    response = ApiClient().post("/register", {"username": "warga-uji", "full_name": "X", "email": "a@b.id",
                                              "password": "123"})
    error = error_of(response, 422)
    assert error["fields"]["username"] == ["Nama pengguna sudah dipakai."]
    assert "password" in error["fields"]


def test_it_updates_the_profile(cast):
    me = ApiClient(cast.citizen)
    response = me.patch("/me", {"full_name": "Wayan S.", "phone": "+6281300000000"})
    assert response.status_code == 200
    cast.citizen.refresh_from_db()
    assert (cast.citizen.full_name, cast.citizen.phone) == ("Wayan S.", "+6281300000000")
    error_of(me.patch("/me", {"email": "warga-lain@example.test"}), 422)

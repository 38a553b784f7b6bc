"""Registration through the portal and the API is one action (`accounts.actions.do_register`):
the e-mail is verified the same way before either door lets the account in, and neither door
tells whether a NIK, a user name or an e-mail already has an account (issue 11 §3)."""

import re

import pytest
from django.core import mail

from aduan.accounts.models import User
from aduan.api.models import ApiToken
from aduan.audit.models import AuditEntry
from aduan.directory.models import Region
from tests.api.conftest import ApiClient, error_of
from tests.portal import NIK, give_profile

pytestmark = pytest.mark.django_db

PASSWORD = "Sumbawa-aman-2026"
PROFILE = {
    "nik": "5204085203900002",
    "sex": "P",
    "birth_date": "1990-03-12",
    "occupation": "Guru",
    "district": "52.04.08",
    "village": "52.04.08.1004",
    "address": "Jl. Garuda 2",
}


def _portal(**extra):
    village = Region.objects.get(code="52.04.08.1004")
    data = {
        "username": "ani",
        "email": "ani@example.test",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Ani Suryani",
        "phone": "0813 3910 0033",
        **{k: v for k, v in PROFILE.items() if k not in ("district", "village")},
        "district": village.parent_id,
        "village": village.pk,
    }
    data.update(extra)
    return data


def _api(**extra):
    data = {
        "username": "ani",
        "full_name": "Ani Suryani",
        "email": "ani@example.test",
        "phone": "0813 3910 0033",
        "password": PASSWORD,
        "profile": PROFILE,
    }
    data.update(extra)
    return data


def _token(login, password=PASSWORD):
    return ApiClient().post(
        "/auth/tokens", {"username": login, "password": password, "device_name": "hp"}
    )


def _web_log_in(client, login, password=PASSWORD):
    client.post("/masuk/", {"login": login, "password": password})
    return client.session.get("_auth_user_id")


def _link(message) -> str:
    return re.search(r"https?://\S+/akun/confirm-email/\S+/", message.body).group(0)


def _confirm(client, link):
    client.post(link.split("testserver", 1)[-1])


def test_an_api_made_account_verifies_its_e_mail_before_either_door(client, db):
    response = ApiClient().post("/register", _api())
    assert response.status_code == 202, response.content
    user = User.objects.get(username="ani")
    assert user.phone == "+6281339100033" and user.nik == "5204085203900002"
    assert [m.to for m in mail.outbox] == [["ani@example.test"]]
    link = _link(mail.outbox[0])
    # Neither door lets it in yet: the portal (it did before) and the token endpoint.
    assert not _web_log_in(client, "ani")
    assert error_of(_token("ani"), 403)["code"] == "email_unverified"
    assert not ApiToken.objects.filter(user=user).exists()
    _confirm(client, link)
    assert _web_log_in(client, "ani") == str(user.pk)
    assert _token("ani@example.test").status_code == 201
    entry = AuditEntry.objects.get(action="account_registered")
    assert entry.detail == {"account": "ani", "account_id": user.pk, "channel": "api"}


def test_a_portal_made_account_is_registered_by_the_same_action(client, db):
    response = client.post("/daftar/", _portal())
    assert (response.status_code, response["Location"]) == (302, "/akun/confirm-email/")
    user = User.objects.get(username="ani")
    assert AuditEntry.objects.get(action="account_registered").detail["channel"] == "web"
    client.logout()
    assert not _web_log_in(client, "ani")
    error_of(_token("ani"), 403)
    _confirm(client, _link(mail.outbox[-1]))
    assert _token("ani").status_code == 201 and user.is_active


@pytest.fixture
def holder(cast):
    """An account that holds a NIK, a user name and an e-mail."""
    return give_profile(cast.citizen, nik=NIK)


TAKEN = {
    # what is taken: (portal fields, API fields)
    "email": ({"email": "WARGA-UJI@example.test"}, {"email": "warga-uji@example.test"}),
    "username": ({"username": "Warga-Uji"}, {"username": "warga-uji"}),
    "nik": (
        {"nik": NIK, "sex": "L", "birth_date": "1990-03-12"},
        {"profile": {**PROFILE, "nik": NIK, "sex": "L", "birth_date": "1990-03-12"}},
    ),
}


@pytest.mark.parametrize("taken", TAKEN)
def test_the_api_answers_a_taken_value_exactly_as_a_new_one(holder, taken):
    new = ApiClient().post("/register", _api(username="baru", email="baru@example.test"))
    mail.outbox.clear()
    again = ApiClient().post("/register", _api(username="lain", email="lain@example.test"))
    mail.outbox.clear()
    probe = ApiClient().post("/register", _api(**TAKEN[taken][1]))
    assert (probe.status_code, probe.content) == (new.status_code, new.content)
    assert (again.status_code, again.content) == (new.status_code, new.content)
    assert not User.objects.filter(username="ani").exists()
    assert User.objects.filter(username__iexact="warga-uji").count() == 1
    _the_owner_is_told(taken, holder)


@pytest.mark.parametrize("taken", TAKEN)
def test_the_portal_answers_a_taken_value_exactly_as_a_new_one(client, holder, taken):
    from django.test import Client

    probe = client.post("/daftar/", _portal(**TAKEN[taken][0]))
    sent = list(mail.outbox)
    first = Client()
    new = first.post("/daftar/", _portal(username="baru", email="baru@example.test"))
    page = client.get(probe["Location"]).content.decode()
    typed = TAKEN[taken][0].get("email", "ani@example.test").lower()
    assert f"E-mail konfirmasi dikirim ke {typed}" in page and "sudah" not in page
    assert _comparable(page) == _comparable(first.get(new["Location"]).content.decode())
    assert (probe.status_code, probe["Location"]) == (new.status_code, new["Location"])
    assert not User.objects.filter(username="ani").exists()
    _the_owner_is_told(taken, holder, sent)


def _comparable(page: str) -> str:
    """The page without its CSRF token and the address typed (each registrant sees their own)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="\w+"', "", page)
    return re.sub(r"dikirim ke [\w.@-]+", "dikirim ke …", page)


def _the_owner_is_told(taken, holder, outbox=None):
    sent = {m.to[0]: m for m in (mail.outbox if outbox is None else outbox)}
    if taken == "email":
        # allauth's "account already exists" mail, to the address's owner only.
        assert list(sent) == [holder.email]
        assert "/akun/password/reset/" in sent[holder.email].body
        return
    # The address typed learns only that the registration could not be completed, the same
    # words whether the user name or the NIK was taken.
    assert "ani@example.test" in sent
    refused = sent["ani@example.test"]
    assert "nama pengguna atau NIK" in refused.body and "/confirm-email/" not in refused.body
    if taken == "nik":
        assert "mencoba mendaftar" in sent[holder.email].body
        assert NIK not in sent[holder.email].body
    else:
        assert holder.email not in sent


def test_a_nik_taken_by_a_racing_sign_up_answers_as_a_new_one(client, db, monkeypatch):
    """Another registration with the same NIK committed after this one checked it: the unique
    NIK breaks the save, and the answer is still the same."""
    from aduan.accounts import actions

    rival = User(username="kembar", email="kembar@example.test")
    rival.set_nik("5204085203900002")
    rival.save()
    monkeypatch.setattr(actions.niks, "lookup_hashes", lambda nik: [])  # checked before the rival
    response = client.post("/daftar/", _portal())
    assert (response.status_code, response["Location"]) == (302, "/akun/confirm-email/")
    assert not User.objects.filter(username="ani").exists()
    assert "nama pengguna atau NIK" in mail.outbox[-1].body


def test_wrong_data_is_still_named_precisely(db):
    error = error_of(ApiClient().post("/register", _api(password="123", phone="12345")), 422)
    assert set(error["fields"]) == {"password", "phone"}
    error = error_of(
        ApiClient().post("/register", _api(profile={**PROFILE, "birth_date": "1990-03-13"})), 422
    )
    assert "tanggal lahir pada NIK tidak sesuai" in " ".join(error["fields"]["nik"])
    assert not User.objects.filter(username="ani").exists()

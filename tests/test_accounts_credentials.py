"""An account's e-mail and password change through `accounts.actions`, from the portal and the API
alike (issue 11 §3): the e-mail needs the current password and the new address's confirmation;
a password change or reset ends every session and revokes every API token, so a stolen token can
neither take the account nor survive."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from aduan.accounts.models import User
from aduan.api.models import ApiToken
from aduan.audit.models import AuditEntry
from tests.api.conftest import ApiClient, error_of
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sumbawa-baru-2026!"


def _live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


def _signed_in(client) -> bool:
    return client.get("/api/v1/me").status_code == 200


def _link(message, kind="confirm-email") -> str:
    return re.search(rf"https?://testserver(/akun/{kind}/\S+/)", message.body).group(1)


def test_a_stolen_token_cannot_change_the_e_mail(cast):
    thief = ApiClient(cast.citizen)
    # PATCH /me no longer changes the address at all.
    error = error_of(thief.patch("/me", {"email": "pencuri@contoh.id"}), 422)
    assert "POST /me/email" in error["fields"]["email"][0]
    error = error_of(thief.post("/me/email", {"email": "pencuri@contoh.id", "password": "x"}), 422)
    assert error["fields"]["current_password"] == ["Kata sandi saat ini salah."]
    cast.citizen.refresh_from_db()
    assert cast.citizen.email == "warga-uji@example.test" and not mail.outbox


def test_wrong_current_passwords_count_with_the_log_in_failures(cast, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    cache.clear()
    thief = ApiClient(cast.citizen)
    for _ in range(3):
        error_of(thief.post("/me/password", {"current_password": "x", "new_password": "y"}), 422)
    locked = thief.post("/me/email", {"email": "pencuri@contoh.id", "password": PASSWORD})
    assert error_of(locked, 429)["code"] == "locked_out"
    error_of(
        ApiClient().post(
            "/auth/tokens", {"username": "warga-uji", "password": PASSWORD, "device_name": "hp"}
        ),
        429,
    )
    cache.clear()


def test_the_api_changes_the_e_mail_once_the_new_address_confirms(cast):
    owner = ApiClient(cast.citizen)
    response = owner.post("/me/email", {"email": "Wayan.Baru@contoh.id", "password": PASSWORD})
    assert response.status_code == 202, response.content
    cast.citizen.refresh_from_db()
    assert cast.citizen.email == "warga-uji@example.test"  # not before the confirmation
    assert [m.to for m in mail.outbox] == [["wayan.baru@contoh.id"]]
    Client().post(_link(mail.outbox[0]))
    cast.citizen.refresh_from_db()
    assert cast.citizen.email == "wayan.baru@contoh.id"
    # The old address is told.
    assert mail.outbox[-1].to == ["warga-uji@example.test"]
    assert AuditEntry.objects.filter(action="account_email_change_requested").count() == 1
    changed = AuditEntry.objects.get(action="account_email_changed")
    assert (changed.detail["before"], changed.detail["after"]) == (
        "w•••@example.test",
        "w•••@contoh.id",
    )
    # The account logs in with the new address (it is verified, the log-in stays open).
    token = ApiClient().post(
        "/auth/tokens",
        {"username": "wayan.baru@contoh.id", "password": PASSWORD, "device_name": "hp"},
    )
    assert token.status_code == 201


def test_an_address_of_another_account_is_answered_the_same_and_its_owner_told(cast):
    owner = ApiClient(cast.citizen)
    taken = owner.post("/me/email", {"email": "warga-lain@example.test", "password": PASSWORD})
    free = owner.post("/me/email", {"email": "bebas@contoh.id", "password": PASSWORD})
    assert (taken.status_code, taken.content) == (free.status_code, free.content)
    assert mail.outbox[0].to == ["warga-lain@example.test"]
    assert "/akun/password/reset/" in mail.outbox[0].body
    cast.citizen.refresh_from_db()
    assert cast.citizen.email == "warga-uji@example.test"


def test_the_portal_asks_the_password_before_changing_the_e_mail(client, cast):
    client.force_login(cast.citizen)
    page = client.get("/akun/email/")
    assert "Kata sandi saat ini" in page.content.decode()
    wrong = client.post("/akun/email/", {"email": "baru@contoh.id", "password": "salah"})
    assert wrong.status_code == 200 and "Kata sandi saat ini salah" in wrong.content.decode()
    assert not mail.outbox
    right = client.post("/akun/email/", {"email": "baru@contoh.id", "password": PASSWORD})
    assert right.status_code == 302
    assert "Menunggu konfirmasi: baru@contoh.id" in client.get("/akun/email/").content.decode()
    client.post(_link(mail.outbox[0]))
    cast.citizen.refresh_from_db()
    assert cast.citizen.email == "baru@contoh.id"
    # allauth's own "add an address" action is not reachable at this address any more.
    client.post("/akun/email/", {"action_add": "", "email": "lain@contoh.id"})
    assert cast.citizen.emailaddress_set.filter(email="lain@contoh.id").count() == 0


def test_a_password_change_through_the_api_revokes_every_token_and_ends_every_session(cast):
    phone, laptop = ApiClient(cast.citizen), ApiClient(cast.citizen)
    browser = Client()
    browser.force_login(cast.citizen)
    assert _signed_in(browser)
    error_of(phone.post("/me/password", {"current_password": PASSWORD, "new_password": "123"}), 422)
    response = phone.post(
        "/me/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200, response.content
    assert _live_tokens(cast.citizen) == 0
    error_of(laptop.get("/me"), 401)
    error_of(phone.get("/me"), 401)
    assert not _signed_in(browser)
    assert mail.outbox[-1].to == ["warga-uji@example.test"]  # the owner is told
    entry = AuditEntry.objects.get(action="account_password_changed")
    assert entry.detail["reason"] == "change" and entry.actor == cast.citizen
    revoked = AuditEntry.objects.get(action="account_tokens_revoked")
    assert revoked.detail["count"] == 2


def test_a_password_change_on_the_portal_does_the_same(client, cast):
    token = ApiClient(cast.citizen)
    other_browser = Client()
    other_browser.force_login(cast.citizen)
    client.force_login(cast.citizen)
    response = client.post(
        "/akun/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert _live_tokens(cast.citizen) == 0
    error_of(token.get("/me"), 401)
    assert not _signed_in(other_browser) and not _signed_in(client)
    assert AuditEntry.objects.get(action="account_password_changed").detail["reason"] == "change"


def test_a_password_reset_ends_a_thiefs_session_and_token(cast):
    """The thief had a session and a token; the owner resets the password from the e-mail."""
    thief_token = ApiClient(cast.citizen)
    thief_browser = Client()
    thief_browser.force_login(cast.citizen)
    owner = Client()
    owner.post("/akun/password/reset/", {"email": "warga-uji@example.test"})
    key_page = owner.get(_link(mail.outbox[-1], "password/reset/key"), follow=True)
    owner.post(
        key_page.redirect_chain[-1][0],
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password(NEW_PASSWORD)
    error_of(thief_token.get("/me"), 401)
    assert not _signed_in(thief_browser)
    assert AuditEntry.objects.get(action="account_password_changed").detail["reason"] == "reset"
    # The owner logs in at once: a reset request never asks anyone to re-verify.
    owner.post("/masuk/", {"login": "warga-uji", "password": NEW_PASSWORD})
    assert owner.session.get("_auth_user_id") == str(cast.citizen.pk)


def test_a_password_set_in_the_admin_revokes_the_tokens_too(client, cast):
    from tests.totp import STAFF_TOTP_SECRET, totp

    token = ApiClient(cast.citizen)
    cache.clear()  # allauth remembers used authenticator codes there
    client.post("/masuk/", {"login": "sysadmin-uji", "password": PASSWORD})
    client.post("/akun/2fa/authenticate/", {"code": totp(STAFF_TOTP_SECRET)})
    response = client.post(
        f"/admin/accounts/user/{cast.citizen.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    error_of(token.get("/me"), 401)
    entry = AuditEntry.objects.get(action="account_password_changed")
    assert entry.actor == cast.sysadmin and entry.detail["account"] == "warga-uji"


def test_the_profile_changes_through_the_action_with_an_audit_row(cast):
    response = ApiClient(cast.citizen).patch(
        "/me", {"full_name": "Wayan S.", "phone": "0813 3910 0099"}
    )
    assert response.json()["phone"] == "+6281339100099"
    entry = AuditEntry.objects.get(action="account_profile_changed")
    assert entry.detail["fields"] == ["full_name", "phone"]
    assert "0099" not in str(entry.detail)  # names of fields, not their values
    assert User.objects.get(pk=cast.citizen.pk).full_name == "Wayan S."


def test_tokens_are_issued_and_revoked_by_the_actions_with_audit_rows(cast):
    issued = ApiClient().post(
        "/auth/tokens", {"username": "warga-uji", "password": PASSWORD, "device_name": "HP Wayan"}
    )
    assert issued.status_code == 201
    token_id = issued.json()["id"]
    row = AuditEntry.objects.get(action="account_token_issued")
    assert row.actor == cast.citizen and row.detail["device"] == "HP Wayan"
    assert issued.json()["token"] not in str(row.detail)  # only the hint, never the token
    other = ApiClient(cast.other_citizen)
    error_of(other.delete(f"/auth/tokens/{token_id}"), 404)  # not theirs
    assert not AuditEntry.objects.filter(action="account_tokens_revoked").exists()
    owner = ApiClient(cast.citizen)
    assert owner.delete(f"/auth/tokens/{token_id}").status_code == 204
    revoked = AuditEntry.objects.get(action="account_tokens_revoked")
    assert (revoked.detail["count"], revoked.detail["reason"]) == (1, "owner")
    error_of(owner.delete(f"/auth/tokens/{token_id}"), 404)  # already revoked

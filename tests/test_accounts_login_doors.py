"""Every door to an account has the same protection (issue 11 §3): the web log-in and the API's
token endpoint count failures together and honour one lockout; the token endpoint is no oracle
for a staff member's password; a self-registered account verifies its e-mail before either door
lets it in; a stranger's password-reset request changes none of that."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from aduan.accounts.models import User
from aduan.api.models import ApiToken
from tests.api.conftest import ApiClient, error_of
from tests.conftest import PASSWORD
from tests.test_accounts_mfa import wrong_code
from tests.totp import STAFF_TOTP_SECRET, totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key"}
    cache.clear()
    yield
    cache.clear()


def _token(login, password=PASSWORD, **extra):
    return ApiClient().post(
        "/auth/tokens", {"username": login, "password": password, "device_name": "hp", **extra}
    )


def _web_log_in(client, login, password=PASSWORD):
    client.post("/masuk/", {"login": login, "password": password})
    return client.session.get("_auth_user_id")


def test_failures_at_the_web_door_lock_the_api_door(client, cast, limits):
    for _ in range(5):
        assert not _web_log_in(client, cast.citizen.username, "salah")
    error = error_of(_token(cast.citizen.username), 429)
    assert "Coba lagi nanti" in error["message"]
    assert not ApiToken.objects.filter(user=cast.citizen).exists()


def test_failures_at_the_api_door_lock_the_web_door(client, cast, limits):
    for _ in range(5):
        error_of(_token(cast.citizen.username, "salah"), 401)
    assert not _web_log_in(client, cast.citizen.username)


def test_the_user_name_and_the_e_mail_share_one_counter(client, cast, limits):
    for login in ("warga-uji", "WARGA-UJI@example.test", "warga-uji@example.test"):
        error_of(_token(login, "salah"), 401)
    for _ in range(2):
        assert not _web_log_in(client, "warga-uji@example.test", "salah")
    error_of(_token("Warga-Uji"), 429)


def test_the_token_endpoint_allows_no_unlimited_guessing(cast, limits):
    for _ in range(5):
        error_of(_token(cast.other_citizen.username, "salah"), 401)
    error_of(_token(cast.other_citizen.username), 429)
    cache.clear()
    assert _token(cast.other_citizen.username).status_code == 201


def test_a_staff_password_is_not_revealed_by_the_token_endpoint(cast):
    wrong_password = _token(cast.dispatcher.username, "salah")
    no_code = _token(cast.dispatcher.username)
    wrong_code_ = _token(cast.dispatcher.username, otp_code=wrong_code(STAFF_TOTP_SECRET))
    unknown = _token("tidak-ada-akun", "salah")
    answers = {(r.status_code, r.content) for r in (wrong_password, no_code, wrong_code_, unknown)}
    assert len(answers) == 1, answers
    assert error_of(no_code, 401)["code"] == "invalid_credentials"
    assert _token(cast.dispatcher.username, otp_code=totp(STAFF_TOTP_SECRET)).status_code == 201


def test_a_right_password_without_the_code_counts_as_a_failure(cast, limits):
    for _ in range(5):
        error_of(_token(cast.supervisor.username), 401)
    error_of(_token(cast.supervisor.username, otp_code=totp(STAFF_TOTP_SECRET)), 429)


def test_a_self_registered_account_verifies_its_e_mail_before_either_door(client, db):
    user = User.objects.create_user("baru-daftar", "baru@example.test", PASSWORD)
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    mail.outbox.clear()
    error = error_of(_token("baru-daftar"), 403)
    assert error["code"] == "email_unverified"
    assert [m.to for m in mail.outbox] == [["baru@example.test"]]  # the link again
    assert not _web_log_in(client, "baru-daftar")
    address.verified = True
    address.save()
    assert _token("baru-daftar").status_code == 201
    assert _web_log_in(client, "baru-daftar")


def test_a_strangers_password_reset_request_forces_no_one_to_re_verify(client, cast):
    """Accounts made by a sysadmin have no e-mail record; a reset request made one, unverified,
    and from then on the owner could not log in before verifying an address they never chose."""
    stranger = client.post("/akun/password/reset/", {"email": cast.citizen.email})
    assert stranger.status_code == 302
    assert _web_log_in(client, cast.citizen.username)
    assert _token(cast.citizen.username).status_code == 201

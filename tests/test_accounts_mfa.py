"""Staff sign in with a second factor (TOTP): without an authenticator app a staff account reaches
nothing but the set-up and log-out; with one, the log-in asks for its code after the password.
Codes are computed here from the secret (tests/totp.py, RFC 6238), as a phone would show them."""

import base64
import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.cache import cache

from aduan.accounts.models import Role, User
from aduan.api.models import ApiToken
from tests.api.conftest import ApiClient as api
from tests.api.conftest import error_of
from tests.conftest import PASSWORD
from tests.totp import STAFF_TOTP_SECRET, totp

pytestmark = pytest.mark.django_db

SET_UP = "/akun/2fa/totp/activate/"
AUTHENTICATE = "/akun/2fa/authenticate/"
NOTICE = "Akun petugas wajib memakai verifikasi dua langkah"
STAFF = ["dispatcher", "officer_a", "inspector", "supervisor", "sysadmin"]
# Every staff area: back office, statistics (dispatcher/supervisor), audit, admin, and the portal.
STAFF_PAGES = [
    "/kantor/",
    "/kantor/antrean/",
    "/kantor/kotak-masuk/",
    "/kantor/laporan/",
    "/kantor/statistik/",
    "/kantor/statistik/terlambat/",
    "/kantor/audit/",
    "/kantor/pengaduan-baru/",
    "/admin/",
    "/admin/accounts/user/",
    "/",
]


@pytest.fixture(autouse=True)
def fresh_cache():
    # allauth remembers each TOTP code it accepted (no replay) in the cache; ids repeat across
    # tests.
    cache.clear()
    yield
    cache.clear()


def without_totp(user):
    Authenticator.objects.filter(user=user).delete()
    return user


def wrong_code(secret):
    now = time.time()
    near = {totp(secret, now + step) for step in (-60, -30, 0, 30, 60)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 111111)) if c not in near)


def log_in_with_password(client, username):
    return client.post("/masuk/", {"login": username, "password": PASSWORD})


def test_the_code_helper_follows_rfc_6238():
    secret = base64.b32encode(b"12345678901234567890").decode()  # RFC 6238 appendix B, SHA-1
    assert [totp(secret, t, digits=8) for t in (59, 1111111109, 1234567890, 2000000000)] == [
        "94287082",
        "07081804",
        "89005924",
        "69279037",
    ]


@pytest.mark.parametrize("who", STAFF)
def test_staff_without_an_authenticator_are_sent_to_the_set_up_from_every_staff_page(
    client, cast, who
):
    user = without_totp(getattr(cast, who))
    client.force_login(user)
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == SET_UP, (
            who,
            url,
            response.status_code,
        )
    # a session older than a few minutes confirms the password first (allauth), then the set-up
    page = client.get(SET_UP, follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0].startswith(
        "/akun/reauthenticate/"
    )
    assert NOTICE in page.content.decode()


def test_the_same_staff_reach_their_pages_once_the_authenticator_exists(client, cast):
    client.force_login(cast.supervisor)
    for url in ["/kantor/laporan/", "/kantor/statistik/", "/kantor/audit/", "/"]:
        assert client.get(url).status_code == 200, url
    client.force_login(cast.sysadmin)
    assert client.get("/admin/accounts/user/").status_code == 200


def test_staff_without_an_authenticator_may_still_log_out_and_reach_the_set_up(client, cast):
    client.force_login(without_totp(cast.dispatcher))
    assert client.get("/akun/2fa/").status_code == 200
    assert client.post("/keluar/").status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get("/kantor/antrean/").status_code == 302  # now to the log-in page
    assert client.get("/kantor/antrean/")["Location"].startswith("/masuk/")


def test_the_api_refuses_staff_without_an_authenticator(client, cast):
    officer = without_totp(cast.officer_a)
    # a token issued before MFA was required
    error = error_of(api(officer).get("/staff/inbox"), 403)
    assert error["code"] == "mfa_setup_required" and "verifikasi dua langkah" in error["message"]
    # a web session
    client.force_login(officer)
    error = error_of(client.get("/api/v1/staff/inbox"), 403)
    assert error["code"] == "mfa_setup_required"
    # a new token
    error = error_of(
        api().post(
            "/auth/tokens",
            {"username": officer.username, "password": PASSWORD, "device_name": "hp"},
        ),
        403,
    )
    assert error["code"] == "mfa_setup_required"
    assert not ApiToken.objects.filter(user=officer, device_name="hp").exists()


def test_citizens_are_unaffected(client, cast):
    client.force_login(cast.citizen)
    for url in ["/", "/laporan/", "/laporan-saya/", "/notifikasi/"]:
        assert client.get(url).status_code == 200, url
    created = api().post(
        "/auth/tokens",
        {"username": cast.citizen.username, "password": PASSWORD, "device_name": "hp"},
    )
    assert created.status_code == 201
    assert api(cast.representative).get("/me").status_code == 200
    # a citizen's log-in asks for no code
    client.logout()
    response = log_in_with_password(client, cast.citizen.username)
    assert response.status_code == 302 and response["Location"] != AUTHENTICATE
    assert client.session["_auth_user_id"] == str(cast.citizen.pk)


def test_a_staff_member_sets_up_the_authenticator_through_the_pages(client, cast):
    user = User.objects.create_user(
        "petugas-baru",
        password=PASSWORD,
        role=Role.OFFICER,
        agency=cast.agency_a,
        email="baru@example.test",
    )
    response = log_in_with_password(client, "petugas-baru")
    assert response.status_code == 302
    landing = client.get(response["Location"])
    assert landing.status_code == 302 and landing["Location"] == SET_UP
    page = client.get(SET_UP).content.decode()
    assert NOTICE in page and "Aktifkan aplikasi autentikator" in page
    # the QR code is an image (data: URI), and the page runs no inline script and no on*= handler
    assert re.search(r'<img class="qr"\s+src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and not re.search(r"\son[a-z]+=", page)
    secret = re.search(r'id="authenticator_secret">([A-Z2-7]+)<', page).group(1)

    refused = client.post(SET_UP, {"code": wrong_code(secret)})
    assert refused.status_code == 200 and "Kode salah." in refused.content.decode()
    assert not Authenticator.objects.filter(user=user).exists()
    assert client.get("/kantor/kotak-masuk/")["Location"] == SET_UP

    done = client.post(SET_UP, {"code": totp(secret)})
    assert done.status_code == 302 and done["Location"] == "/akun/2fa/recovery-codes/"
    codes = client.get(done["Location"]).content.decode()
    assert len(re.findall(r'<li class="code">\d{8}</li>', codes)) == 10
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get("/kantor/kotak-masuk/").status_code == 200


def test_staff_log_in_with_the_password_then_the_code(client, cast):
    response = log_in_with_password(client, cast.dispatcher.username)
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session  # not logged in on the password alone
    assert client.get("/kantor/antrean/")["Location"].startswith("/masuk/")
    page = client.get(AUTHENTICATE).content.decode()
    assert (
        "Verifikasi dua langkah" in page
        and "kode pemulihan" in page
        and 'autocomplete="one-time-code"' in page
    )
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and not re.search(r"\son[a-z]+=", page)

    refused = client.post(AUTHENTICATE, {"code": wrong_code(STAFF_TOTP_SECRET)})
    assert refused.status_code == 200 and "Kode salah." in refused.content.decode()
    assert "_auth_user_id" not in client.session

    accepted = client.post(AUTHENTICATE, {"code": totp(STAFF_TOTP_SECRET)})
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(cast.dispatcher.pk)
    assert client.get("/kantor/antrean/").status_code == 200


def test_a_code_is_accepted_once(client, cast):
    code = totp(STAFF_TOTP_SECRET)
    log_in_with_password(client, cast.supervisor.username)
    assert client.post(AUTHENTICATE, {"code": code}).status_code == 302
    client.logout()
    log_in_with_password(client, cast.supervisor.username)
    replay = client.post(AUTHENTICATE, {"code": code})
    assert replay.status_code == 200 and "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, cast):
    first, second = RecoveryCodes.activate(cast.officer_b).generate_codes()[:2]
    log_in_with_password(client, cast.officer_b.username)
    assert client.post(AUTHENTICATE, {"code": first}).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.officer_b.pk)
    client.post("/keluar/")

    log_in_with_password(client, cast.officer_b.username)
    again = client.post(AUTHENTICATE, {"code": first})
    assert again.status_code == 200 and "Kode salah." in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.post(AUTHENTICATE, {"code": second}).status_code == 302
    assert client.session["_auth_user_id"] == str(cast.officer_b.pk)


def test_the_admin_log_in_form_gives_way_to_the_one_with_the_second_factor(client, cast):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/?next=")
    # its POST (password only) logs no one in
    client.post("/admin/login/", {"username": cast.sysadmin.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_staff_need_the_code_for_an_api_token(cast):
    body = {"username": cast.dispatcher.username, "password": PASSWORD, "device_name": "tablet"}
    # Without the code, or with a wrong one, the answer is the wrong password's (no oracle).
    error = error_of(api().post("/auth/tokens", body), 401)
    assert error["code"] == "invalid_credentials" and "otp_code" in error["message"]
    error = error_of(
        api().post("/auth/tokens", {**body, "otp_code": wrong_code(STAFF_TOTP_SECRET)}), 401
    )
    assert error["code"] == "invalid_credentials"
    code = totp(STAFF_TOTP_SECRET)
    created = api().post("/auth/tokens", {**body, "otp_code": code})
    assert created.status_code == 201
    token = created.json()["token"]
    assert api().get("/staff/queue", Authorization=f"Bearer {token}").status_code == 200
    error_of(api().post("/auth/tokens", {**body, "otp_code": code}), 401)  # the same code again
    recovery = RecoveryCodes.activate(cast.dispatcher).generate_codes()[0]
    assert api().post("/auth/tokens", {**body, "otp_code": recovery}).status_code == 201
    error_of(api().post("/auth/tokens", {**body, "otp_code": recovery}), 401)


def test_wrong_api_codes_count_against_the_log_in_limit(cast, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/5m/key"}
    body = {"username": cast.supervisor.username, "password": PASSWORD, "device_name": "tablet"}
    for _attempt in range(3):
        error_of(
            api().post("/auth/tokens", {**body, "otp_code": wrong_code(STAFF_TOTP_SECRET)}), 401
        )
    error = error_of(api().post("/auth/tokens", {**body, "otp_code": totp(STAFF_TOTP_SECRET)}), 429)
    assert "Coba lagi nanti" in error["message"]
    assert not ApiToken.objects.filter(user=cast.supervisor).exists()


def test_staff_cannot_switch_their_authenticator_off(client, cast):
    log_in_with_password(client, cast.dispatcher.username)
    client.post(AUTHENTICATE, {"code": totp(STAFF_TOTP_SECRET)})
    confirm = client.get(
        "/akun/2fa/totp/deactivate/"
    )  # a change to an older factor: the password first
    assert confirm.status_code == 302 and confirm["Location"].startswith("/akun/reauthenticate/")
    client.post(confirm["Location"], {"password": PASSWORD})
    page = client.get("/akun/2fa/totp/deactivate/")
    assert page.status_code == 200 and "Anda tidak dapat menonaktifkan" in page.content.decode()
    client.post("/akun/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=cast.dispatcher, type=Authenticator.Type.TOTP).exists()
    assert "Nonaktifkan" not in client.get("/akun/2fa/").content.decode()


def test_the_requirement_can_be_turned_off(client, cast, settings):
    settings.STAFF_MFA_REQUIRED = False
    client.force_login(without_totp(cast.dispatcher))
    assert client.get("/kantor/antrean/").status_code == 200


def test_the_deployment_check_warns_when_the_requirement_is_off(settings):
    from django.core import checks

    def ids():
        return {
            m.id
            for m in checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
        }

    assert "aduan.W001" not in ids()
    settings.STAFF_MFA_REQUIRED = False
    assert "aduan.W001" in ids()

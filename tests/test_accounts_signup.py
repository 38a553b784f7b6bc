import re

import pytest
from django.core import mail

from aduan.accounts.models import User
from aduan.directory.models import Region

pytestmark = pytest.mark.django_db


def _signup_data(**extra):
    village = Region.objects.get(code="52.04.08.1004")
    data = {
        "username": "ani",
        "email": "ani@example.test",
        "password1": "Sumbawa-aman-2026",
        "password2": "Sumbawa-aman-2026",
        "full_name": "Ani Suryani",
        "nik": "5204085203900002",
        "sex": "P",
        "birth_date": "1990-03-12",
        "occupation": "Guru",
        "phone": "0813 3910 0033",
        "district": village.parent_id,
        "village": village.pk,
        "address": "Jl. Garuda 2",
    }
    data.update(extra)
    return data


def test_it_registers_verifies_the_email_and_logs_in(client):
    response = client.post("/daftar/", _signup_data())
    assert response.status_code == 302
    user = User.objects.get(username="ani")
    assert user.phone == "+6281339100033" and user.sex == "P" and user.nik == "5204085203900002"
    assert user.nik_masked == "520408••••••0002"
    # Not verified yet: logging in sends the confirmation again instead of logging in.
    client.logout()
    client.post("/masuk/", {"login": "ani", "password": "Sumbawa-aman-2026"})
    assert not client.session.get("_auth_user_id")
    link = re.search(r"https?://\S+/akun/confirm-email/\S+/", mail.outbox[0].body).group(0)
    confirm = client.get(link)
    assert confirm.status_code == 200
    client.post(link.split("testserver", 1)[-1])
    client.post("/masuk/", {"login": "ani@example.test", "password": "Sumbawa-aman-2026"})
    assert client.session.get("_auth_user_id") == str(user.pk)


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"nik": "5204995203900002"}, "kode kecamatan 52.04.99 pada NIK tidak dikenal"),
        ({"birth_date": "1991-03-12"}, "tanggal lahir pada NIK tidak sesuai"),
        ({"sex": "L"}, "jenis kelamin pada NIK tidak sesuai"),
        ({"phone": "12345"}, "tidak valid"),
    ],
)
def test_it_refuses_wrong_data_with_a_precise_message_and_keeps_the_rest(client, extra, message):
    response = client.post("/daftar/", _signup_data(**extra))
    body = response.content.decode()
    assert response.status_code == 200 and message in body
    assert "Ani Suryani" in body and "Jl. Garuda 2" in body
    assert not User.objects.filter(username="ani").exists()


def test_staff_made_accounts_log_in_without_an_allauth_email_record(client, cast):
    from tests.conftest import PASSWORD
    from tests.totp import STAFF_TOTP_SECRET, totp

    client.post("/masuk/", {"login": "dispatcher-uji", "password": PASSWORD})
    client.post(
        "/akun/2fa/authenticate/", {"code": totp(STAFF_TOTP_SECRET)}
    )  # staff: the second factor
    assert client.session.get("_auth_user_id") == str(cast.dispatcher.pk)


def test_password_reset_sends_a_link(client, cast):
    client.post("/akun/password/reset/", {"email": cast.citizen.email})
    assert "/akun/password/reset/key/" in mail.outbox[-1].body


def test_social_login_buttons_appear_only_when_configured(client):
    body = client.get("/masuk/").content.decode()
    assert "google" not in body.lower() and "facebook" not in body.lower()


@pytest.mark.slow
def test_a_social_provider_is_installed_only_when_both_its_keys_are_set():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "print(json.dumps([[a for a in settings.INSTALLED_APPS if '.providers.' in a], "
        "sorted(settings.SOCIALACCOUNT_PROVIDERS)]))"
    )

    def configured(**keys):
        env = {
            k: v for k, v in os.environ.items() if not k.endswith(("_CLIENT_ID", "_CLIENT_SECRET"))
        }
        env.update(
            ADUAN_ENV="test",
            DJANGO_SETTINGS_MODULE="aduan.settings",
            ADUAN_DOTENV="/nonexistent",
            **keys,
        )
        out = subprocess.run(
            [sys.executable, "-c", script],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert configured() == [[], []]
    assert configured(GOOGLE_CLIENT_ID="id-only") == [[], []]
    apps, providers = configured(
        GOOGLE_CLIENT_ID="g", GOOGLE_CLIENT_SECRET="s", X_CLIENT_ID="x", X_CLIENT_SECRET="y"
    )
    assert apps == [
        "allauth.socialaccount.providers.google",
        "allauth.socialaccount.providers.twitter_oauth2",
    ]
    assert providers == ["google", "twitter_oauth2"]

"""The staff's second-factor secrets are encrypted at rest (aduan/accounts/mfa_secrets.py): a
database dump holds no TOTP key and no recovery-code seed, while log-ins with a code or a recovery
code work as before; secrets stored in the clear before the upgrade keep working until
`rotate_nik_keys` encrypts them; the same command moves them to a new key."""

import contextlib
import io
import re
import threading

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from cryptography.fernet import Fernet, InvalidToken
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from aduan.accounts import mfa_secrets
from aduan.accounts import nik as niks
from aduan.accounts.mfa import give_totp
from aduan.accounts.models import Role, User
from tests.conftest import PASSWORD
from tests.totp import STAFF_TOTP_SECRET, totp

pytestmark = pytest.mark.django_db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
AUTHENTICATE = "/akun/2fa/authenticate/"
SET_UP = "/akun/2fa/totp/activate/"
STAFF_OF_THE_CAST = 6
CITIZENS_OF_THE_CAST = 3  # with a complete KTP profile: their NIKs are under the same keys


@pytest.fixture(autouse=True)
def keys_and_fresh_cache(settings):
    """An explicit key from the start (before the cast gets its authenticators), as in production;
    and an empty cache, where allauth remembers each accepted TOTP code (ids repeat across
    tests)."""
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    cache.clear()
    yield
    cache.clear()


def dumped(user) -> str:
    """The user's authenticator rows as a database dump holds them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(data AS TEXT) FROM mfa_authenticator WHERE user_id = %s ORDER BY id",
            [user.pk],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def stored(user, kind) -> dict:
    return Authenticator.objects.get(user=user, type=kind).data


def logs_in(client, user, code) -> bool:
    client.logout()
    response = client.post("/masuk/", {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == AUTHENTICATE
    client.post(AUTHENTICATE, {"code": code})
    return client.session.get("_auth_user_id") == str(user.pk)


def next_period():
    """allauth accepts a TOTP code once in its period; a phone shows the next code 30 s later."""
    cache.clear()


def check() -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("rotate_nik_keys", "--check", stdout=out)
    text = out.getvalue()
    return int(text.rsplit("pending: ", 1)[1].split()[0]), text


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_nik_keys", stdout=out)
    return out.getvalue()


def test_the_database_holds_no_totp_secret_and_the_log_in_still_works(client, cast):
    dump = dumped(cast.dispatcher)
    assert STAFF_TOTP_SECRET not in dump.upper()
    assert stored(cast.dispatcher, Authenticator.Type.TOTP)["secret"].startswith(mfa_secrets.PREFIX)
    assert logs_in(client, cast.dispatcher, totp(STAFF_TOTP_SECRET))
    assert client.get("/kantor/antrean/").status_code == 200
    # Nor does the admin's page of the authenticator show it.
    client.force_login(cast.sysadmin)
    pk = Authenticator.objects.get(user=cast.dispatcher, type=Authenticator.Type.TOTP).pk
    page = client.get(f"/admin/mfa/authenticator/{pk}/change/")
    assert page.status_code == 200 and STAFF_TOTP_SECRET not in page.content.decode()


def test_a_set_up_through_the_pages_stores_the_secret_and_the_recovery_seed_encrypted(client, cast):
    user = User.objects.create_user(
        "petugas-baru",
        password=PASSWORD,
        role=Role.OFFICER,
        agency=cast.agency_a,
        email="baru@example.test",
    )
    client.post("/masuk/", {"login": user.username, "password": PASSWORD})
    secret = re.search(
        r'id="authenticator_secret">([A-Z2-7]+)<', client.get(SET_UP).content.decode()
    ).group(1)
    done = client.post(SET_UP, {"code": totp(secret)})
    assert done.status_code == 302 and done["Location"] == "/akun/2fa/recovery-codes/"
    codes = re.findall(
        r'<li class="code">(\d{8})</li>', client.get(done["Location"]).content.decode()
    )
    assert len(codes) == 10

    dump = dumped(user)
    assert secret not in dump.upper()
    assert not re.search(
        r"[0-9a-f]{80}", dump
    )  # the seed: 40 random bytes in hex, as allauth draws it
    assert stored(user, Authenticator.Type.RECOVERY_CODES)["seed"].startswith(mfa_secrets.PREFIX)
    next_period()
    assert logs_in(client, user, totp(secret))
    assert logs_in(client, user, codes[3])
    assert not logs_in(client, user, codes[3])  # spent


def test_secrets_stored_in_clear_before_the_upgrade_keep_working_until_the_command_encrypts_them(
    client, cast
):
    user = cast.dispatcher
    # As allauth's default adapter stored them: the TOTP key and a recovery seed as they are.
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).update(
        data={"secret": STAFF_TOTP_SECRET}
    )
    seed = RecoveryCodes.generate_seed()
    legacy = Authenticator.objects.create(
        user=user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": seed, "used_mask": 0}
    )
    codes = RecoveryCodes(legacy).generate_codes()
    assert STAFF_TOTP_SECRET in dumped(user) and seed in dumped(user)

    assert logs_in(client, user, totp(STAFF_TOTP_SECRET))
    assert logs_in(client, user, codes[0])
    pending, text = check()
    assert (
        pending == 2
        and f"mfa.Authenticator.data: {STAFF_OF_THE_CAST + 1} rows, 0 not under the first key, "
        "2 in the clear, 0 unreadable"
        in text
    )

    output = rotate()
    assert (
        "mfa.Authenticator.data: done, 7 rows, 0 re-encrypted, 2 encrypted (were in the clear)"
        in output
    )
    dump = dumped(user)
    assert STAFF_TOTP_SECRET not in dump.upper() and seed not in dump
    assert check()[0] == 0
    after = Authenticator.objects.get(pk=legacy.pk)
    assert after.data["used_mask"] == 1  # the code spent before is still spent
    assert (
        RecoveryCodes(after).generate_codes() == codes
    )  # the same seed: the codes on paper still hold
    next_period()
    assert logs_in(client, user, totp(STAFF_TOTP_SECRET))
    assert not logs_in(client, user, codes[0])
    assert logs_in(client, user, codes[1])


def test_a_secret_under_an_old_key_still_verifies_after_the_rotation(client, cast, settings):
    user = cast.supervisor
    codes = RecoveryCodes.activate(user).generate_codes()
    assert logs_in(client, user, codes[0])
    under_old = stored(user, Authenticator.Type.TOTP)["secret"]

    settings.NIK_ENCRYPTION_KEYS = [
        NEW,
        OLD,
    ]  # step 1: the new key first, the old one still decrypts
    next_period()
    assert logs_in(client, user, totp(STAFF_TOTP_SECRET))
    pending, text = check()
    assert (
        pending == STAFF_OF_THE_CAST + 1 + CITIZENS_OF_THE_CAST
        and "mfa.Authenticator.data: 7 rows, 7 not under the first key" in text
    )

    output = rotate()  # step 2
    assert (
        "mfa.Authenticator.data: done, 7 rows, 7 re-encrypted, 0 encrypted (were in the clear)"
        in output
    )
    assert check()[0] == 0  # step 3
    assert (
        mfa_secrets.state(stored(user, Authenticator.Type.TOTP)["secret"])
        is mfa_secrets.State.CURRENT
    )

    settings.NIK_ENCRYPTION_KEYS = [NEW]  # step 4: the old key is gone
    with pytest.raises(mfa_secrets.UnreadableSecret):
        mfa_secrets.decrypt(under_old)  # what the row held before: only the old key opened it
    next_period()
    assert logs_in(client, user, totp(STAFF_TOTP_SECRET))
    assert not logs_in(client, user, codes[0])  # spent before the rotation, still spent
    assert logs_in(client, user, codes[1])
    assert STAFF_TOTP_SECRET not in dumped(user).upper()


def test_a_secret_no_listed_key_opens_fails_the_log_in_instead_of_admitting_anyone(
    client, cast, settings
):
    settings.NIK_ENCRYPTION_KEYS = [NEW]  # the old key removed before the rotation: a mistake
    pending, text = check()
    assert pending == STAFF_OF_THE_CAST + CITIZENS_OF_THE_CAST
    assert (
        "mfa.Authenticator.data: 6 rows, 0 not under the first key, 0 in the clear, 6 unreadable"
        in text
    )
    with pytest.raises(CommandError, match="open with no listed key: put the old key back"):
        rotate()
    client.post("/masuk/", {"login": cast.dispatcher.username, "password": PASSWORD})
    with pytest.raises(mfa_secrets.UnreadableSecret, match="put back the key"):
        client.post(AUTHENTICATE, {"code": totp(STAFF_TOTP_SECRET)})
    assert "_auth_user_id" not in client.session

    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]  # put back: nothing was lost
    rotate()
    assert check()[0] == 0
    assert logs_in(client, cast.dispatcher, totp(STAFF_TOTP_SECRET))


def test_a_nik_ciphertext_does_not_open_as_a_second_factor_secret(cast):
    """The secrets' keys are derived from the NIK keys, not the same: a NIK's ciphertext copied
    into an authenticator (by someone who can write to the database) is no usable secret."""
    Authenticator.objects.filter(user=cast.officer_a, type=Authenticator.Type.TOTP).update(
        data={"secret": mfa_secrets.PREFIX + niks.encrypt(STAFF_TOTP_SECRET)}
    )
    authenticator = Authenticator.objects.get(user=cast.officer_a, type=Authenticator.Type.TOTP)
    with pytest.raises(mfa_secrets.UnreadableSecret):
        authenticator.wrap().validate_code(totp(STAFF_TOTP_SECRET))
    with pytest.raises(InvalidToken):  # nor does the NIK key open a secret's ciphertext
        niks.decrypt_or_raise(
            stored(cast.dispatcher, Authenticator.Type.TOTP)["secret"][len(mfa_secrets.PREFIX) :]
        )


def test_every_new_authenticator_gets_a_fresh_ciphertext(cast):
    """Fernet draws a new IV each time: two staff with the same secret (the demo's, the tests')
    are not seen to share it in a dump."""
    give_totp(cast.officer_b, STAFF_TOTP_SECRET)
    a, b = (stored(u, Authenticator.Type.TOTP)["secret"] for u in (cast.officer_a, cast.officer_b))
    assert a != b and mfa_secrets.decrypt(a) == mfa_secrets.decrypt(b) == STAFF_TOTP_SECRET


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_command_waits_for_a_recovery_code_being_spent_and_keeps_it_spent(settings, tx_cast):
    """allauth spends a recovery code under a lock on the row, then writes back the seed with the
    mask of spent codes. The command locks the rows it re-encrypts, so it waits, and writes the
    mask as the app left it: the spent code stays spent (a stale read would bring it back)."""
    user = tx_cast.officer_b
    codes = RecoveryCodes.activate(user).generate_codes()
    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]
    locked, release, errors = threading.Event(), threading.Event(), []

    def spend_a_code():
        try:
            with transaction.atomic():
                row = Authenticator.objects.select_for_update().get(
                    user=user, type=Authenticator.Type.RECOVERY_CODES
                )
                locked.set()
                release.wait(10)
                if not RecoveryCodes(row).validate_code(codes[0]):
                    errors.append("the code was refused")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    def run_the_command():
        try:
            rotate()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    app, command = threading.Thread(target=spend_a_code), threading.Thread(target=run_the_command)
    app.start()
    assert locked.wait(10)
    command.start()
    command.join(1)
    assert command.is_alive()  # waiting for the row
    release.set()
    app.join(20)
    command.join(20)
    assert not errors, errors
    row = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert row.data["used_mask"] == 1
    assert mfa_secrets.state(row.data["seed"]) is mfa_secrets.State.CURRENT
    assert check()[0] == 0
    assert not RecoveryCodes(row).validate_code(codes[0]) and RecoveryCodes(row).validate_code(
        codes[1]
    )

"""`rotate_nik_keys`: every stored NIK moves to the new encryption key (and hash key) while the
site keeps reading and writing NIKs; `--check` counts what is left; the old key can then go."""

import contextlib
import io
import random
import threading
from unittest import mock

import pytest
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import close_old_connections, connection

from aduan.accounts import nik as niks
from aduan.accounts.management.commands.rotate_nik_keys import Command
from aduan.accounts.models import User
from aduan.reports.models import Report
from aduan.reports.visibility import visible_reports
from aduan.search.backends import nik_condition

from .conftest import file_report

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
STAFF_OF_THE_CAST = (
    6  # each with a TOTP authenticator (tests/conftest.py): the command re-encrypts those too
)
CITIZENS_OF_THE_CAST = 3  # with a complete KTP profile, so a NIK (tests/conftest.py)


@pytest.fixture(autouse=True)
def old_key(settings):
    """OLD from the start, before the cast is made: the staff's authenticators are under it too."""
    settings.NIK_ENCRYPTION_KEYS = [OLD]


def nik(serial: int, female=False) -> str:
    """A NIK of Kecamatan Sumbawa born 12 March 1990 (52 for a woman), with this serial."""
    return f"520408{'52' if female else '12'}0390{serial:04d}"


def run(*args) -> str:
    out = io.StringIO()
    call_command("rotate_nik_keys", *args, stdout=out)
    return out.getvalue()


def check() -> tuple[int, str]:
    """(pending, output) of `--check`, which exits with an error while anything is pending."""
    out = io.StringIO()
    with contextlib.suppress(CommandError):
        call_command("rotate_nik_keys", "--check", stdout=out)
    text = out.getvalue()
    return int(text.rsplit("pending: ", 1)[1].split()[0]), text


def stored_tokens() -> list[str]:
    users = list(User.objects.exclude(nik_encrypted="").values_list("nik_encrypted", flat=True))
    return users + list(
        Report.objects.exclude(reporter_nik_encrypted="").values_list(
            "reporter_nik_encrypted", flat=True
        )
    )


def authenticator_data() -> list[dict]:
    return list(Authenticator.objects.order_by("pk").values_list("data", flat=True))


def people(cast, count=4) -> dict:
    """`count` accounts with a NIK and `count` residents' reports filed by the RT/RW with one; the
    cast's citizens (whose KTP profiles are complete) written again under the keys in force."""
    expected = {}
    for user in User.objects.exclude(nik_encrypted=""):
        user.set_nik(user.nik)
        user.save()
        expected[("user", user.pk)] = user.nik
    for i in range(1, count + 1):
        user = User.objects.create_user(username=f"warga-nik-{i}", password="x")
        user.set_nik(nik(i))
        user.save()
        expected[("user", user.pk)] = nik(i)
        report = file_report(
            cast,
            reporter=None,
            filed_by=cast.representative,
            consent=True,
            reporter_name=f"Warga {i}",
            reporter_nik=nik(i, female=True),
        )
        expected[("report", report.pk)] = nik(i, female=True)
    return expected


def read_back(kind, pk) -> str:
    if kind == "user":
        return User.objects.get(pk=pk).nik
    return niks.decrypt(Report.objects.get(pk=pk).reporter_nik_encrypted)


@pytest.mark.django_db
def test_it_reencrypts_every_stored_nik_and_the_old_key_can_then_go(settings, cast):
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    expected = people(cast)
    assert check()[0] == 0

    settings.NIK_ENCRYPTION_KEYS = [
        NEW,
        OLD,
    ]  # step 1: the new key first, the old one still decrypts
    pending, text = check()
    assert pending == 8 + CITIZENS_OF_THE_CAST + STAFF_OF_THE_CAST
    users = 4 + CITIZENS_OF_THE_CAST
    assert f"accounts.User.nik_encrypted: {users} rows, {users} not under the first key" in text
    assert "reports.Report.reporter_nik_encrypted: 4 rows, 4 not under the first key" in text
    assert (
        "mfa.Authenticator.data: 6 rows, 6 not under the first key, 0 in the clear, 0 unreadable"
        in text
    )
    assert all(read_back(*key) == value for key, value in expected.items())  # readable before

    output = run("--batch-size", "3")  # step 2
    # Progress after each batch: 4 rows in batches of 3 is two batches per place.
    assert f"accounts.User.nik_encrypted: 3/{users} rows, 3 re-encrypted" in output
    assert (
        f"accounts.User.nik_encrypted: done, {users} rows, {users} re-encrypted, 0 rehashed"
        in output
    )
    assert "reports.Report.reporter_nik_encrypted: done, 4 rows, 4 re-encrypted" in output
    assert "mfa.Authenticator.data: 3/6 rows, 3 re-encrypted" in output
    assert (
        "mfa.Authenticator.data: done, 6 rows, 6 re-encrypted, 0 encrypted (were in the clear)"
        in output
    )
    for token in stored_tokens():
        Fernet(NEW.encode()).decrypt(token.encode())  # raises if any value is not under the new key
    assert check()[0] == 0  # step 3

    settings.NIK_ENCRYPTION_KEYS = [NEW]  # step 4: the old key is gone
    assert all(read_back(*key) == value for key, value in expected.items())
    # The keyed hash did not change: an account and a resident's reports are still found by NIK.
    user_pk = User.objects.get(username="warga-nik-1").pk
    assert User.objects.get(nik_hash=niks.lookup_hash(expected[("user", user_pk)])).pk == user_pk
    resident = Report.objects.filter(nik_condition(nik(2, female=True)))
    assert [r.reporter_name for r in resident] == ["Warga 2"]


@pytest.mark.django_db
def test_a_second_run_changes_nothing(settings, cast):
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    people(cast, 3)
    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]
    run()
    before, authenticators_before = stored_tokens(), authenticator_data()
    output = run()
    assert (
        f"accounts.User.nik_encrypted: done, {3 + CITIZENS_OF_THE_CAST} rows, 0 re-encrypted, "
        "0 rehashed" in output
    )
    assert (
        "reports.Report.reporter_nik_encrypted: done, 3 rows, 0 re-encrypted, 0 rehashed" in output
    )
    assert "mfa.Authenticator.data: done, 6 rows, 0 re-encrypted" in output
    assert stored_tokens() == before  # not even a fresh IV: untouched rows are not written
    assert authenticator_data() == authenticators_before


@pytest.mark.django_db
def test_check_counts_only_what_is_left_and_an_interrupted_run_resumes(settings, cast):
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    expected = people(cast, 3)
    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]
    # An interrupted run: the first two accounts were done before it stopped.
    for user in User.objects.exclude(nik_encrypted="").order_by("pk")[:2]:
        User.objects.filter(pk=user.pk).update(nik_encrypted=niks.rotate(user.nik_encrypted))
    pending, text = check()
    users = 3 + CITIZENS_OF_THE_CAST
    assert (
        pending == (users - 2) + 3 + STAFF_OF_THE_CAST
        and f"accounts.User.nik_encrypted: {users} rows, {users - 2} not under the first key"
        in text
    )
    output = run()
    assert f"accounts.User.nik_encrypted: done, {users} rows, {users - 2} re-encrypted" in output
    assert check()[0] == 0
    settings.NIK_ENCRYPTION_KEYS = [NEW]
    assert all(read_back(*key) == value for key, value in expected.items())


@pytest.mark.django_db
def test_a_value_no_listed_key_opens_is_counted_and_reported(settings, cast):
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    people(cast, 2)
    settings.NIK_ENCRYPTION_KEYS = [NEW]  # the old key removed before the rotation: a mistake
    pending, text = check()
    users = 2 + CITIZENS_OF_THE_CAST
    assert pending == users + 2 + STAFF_OF_THE_CAST
    assert (
        f"accounts.User.nik_encrypted: {users} rows, 0 not under the first key, 0 hashed with an "
        f"old key, {users} unreadable" in text
    )
    assert (
        "mfa.Authenticator.data: 6 rows, 0 not under the first key, 0 in the clear, 6 unreadable"
        in text
    )
    with pytest.raises(CommandError, match="open with no listed key: put the old key back"):
        run()
    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]  # put back: nothing was lost
    run()
    assert check()[0] == 0


@pytest.mark.django_db
def test_the_hash_key_rotates_and_look_ups_work_throughout(settings, cast):
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    settings.NIK_HASH_KEY, settings.NIK_HASH_LOOKUP_KEYS = "kunci-hash-lama-" + "a" * 32, []
    people(cast, 2)
    user_pk = User.objects.get(username="warga-nik-1").pk
    old_hash = User.objects.get(pk=user_pk).nik_hash

    def found_everywhere():
        """The account by its NIK, the sign-up form's "NIK taken", a resident's report in search."""
        import allauth.account.forms  # noqa: F401 (it imports ours: load it first)

        from aduan.accounts.forms import ProfileFields

        account = User.objects.filter(nik_hash__in=niks.lookup_hashes(nik(1))).values_list(
            "pk", flat=True
        )
        form = ProfileFields(data={"nik": nik(1)})
        form.is_valid()
        taken = form.errors.get("nik") == [
            "NIK ini sudah terdaftar pada akun lain. Satu NIK hanya untuk satu akun."
        ]
        hits = visible_reports(cast.dispatcher).filter(nik_condition(nik(1, female=True)))
        return list(account) == [user_pk] and taken and hits.count() == 1

    assert found_everywhere()
    # The new hash key writes; the old one is still tried by every look-up.
    settings.NIK_HASH_KEY, settings.NIK_HASH_LOOKUP_KEYS = (
        "kunci-hash-baru-" + "b" * 32,
        ["kunci-hash-lama-" + "a" * 32],
    )
    assert found_everywhere()
    pending, text = check()
    users = 2 + CITIZENS_OF_THE_CAST
    assert (
        pending == users + 2
        and f"accounts.User.nik_encrypted: {users} rows, 0 not under the first key, {users} hashed "
        "with an old key"
        in text
    )
    output = run()
    assert (
        f"accounts.User.nik_encrypted: done, {users} rows, 0 re-encrypted, {users} rehashed"
        in output
    )
    assert User.objects.get(pk=user_pk).nik_hash not in ("", old_hash)
    assert check()[0] == 0
    settings.NIK_HASH_LOOKUP_KEYS = []  # the old hash key is gone
    assert found_everywhere()


@pytest.mark.django_db
def test_every_encrypted_nik_field_is_rotated():
    """A model that gains a `*nik_encrypted` field must be listed in `nik.STORED`, or the command
    would leave it under the old key (and unreadable once that key is removed)."""
    fields = {
        f"{model._meta.label}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.fields
        if "nik" in f.name and f.name.endswith("_encrypted")
    }
    assert fields == {f"{label}.{field}" for label, field, _ in niks.STORED}


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_nik_values_stay_readable_and_writable_while_the_command_runs(settings, tx_cast):
    """The app (a second thread, with its own database connection) reads, looks up, changes NIKs
    and files residents' reports during the rotation: no error, no wrong value; then the old key
    is removed and every value, old or new, still decrypts."""
    settings.NIK_ENCRYPTION_KEYS = [OLD]
    expected = people(tx_cast, 60)
    settings.NIK_ENCRYPTION_KEYS = [NEW, OLD]
    rows = sorted(expected)
    errors, done, during = [], threading.Event(), {"ops": 0}
    running, app_worked = threading.Event(), threading.Event()

    def app():
        rng, serial = random.Random(7), 5000
        try:
            while not done.is_set():
                kind, pk = rng.choice(rows)
                value = read_back(kind, pk)
                if value != expected[(kind, pk)]:
                    errors.append(f"{kind} {pk}: read {value!r}, expected {expected[(kind, pk)]!r}")
                if kind == "user":
                    if list(
                        User.objects.filter(nik_hash__in=niks.lookup_hashes(value)).values_list(
                            "pk", flat=True
                        )
                    ) != [pk]:
                        errors.append(f"user {pk} not found by its NIK")
                    serial += 1
                    user = User.objects.get(pk=pk)
                    if serial % 2:  # a new NIK on the profile
                        user.set_nik(nik(serial))
                        user.save(update_fields=["nik_encrypted", "nik_hash"])
                        expected[(kind, pk)] = nik(serial)
                    else:  # another field saved: the whole row is written back as it was read
                        user.phone = f"+62813391{serial:05d}"
                        user.save()
                else:
                    report = file_report(
                        tx_cast,
                        reporter=None,
                        filed_by=tx_cast.representative,
                        consent=True,
                        reporter_name="Warga baru",
                        reporter_nik=nik(serial, female=True),
                    )
                    expected[("report", report.pk)] = nik(serial, female=True)
                if running.is_set():
                    during["ops"] += 1
                    app_worked.set()
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    def progress_then_let_the_app_work(command, tally):
        """After each batch the command waits until the app did something: every batch is
        interleaved with the app's reads and writes however the machine schedules threads."""
        shown(command, tally)
        app_worked.clear()
        app_worked.wait(30)

    shown = Command._progress
    thread = threading.Thread(target=app)
    thread.start()
    running.set()
    try:
        with mock.patch.object(Command, "_progress", progress_then_let_the_app_work):
            output = run("--batch-size", "10")
    finally:
        running.clear()
        done.set()
        thread.join(60)
    assert not errors, errors[:5]
    assert during["ops"] >= 12, during  # the app worked between each of the command's 12 batches
    assert "accounts.User.nik_encrypted: 10/" in output  # batches of 10, each reported
    # A row the app wrote back from a copy read before the command reached it may hold the old
    # value again (readable: the old key is still listed); --check finds it and a second run,
    # as the procedure says, moves it.
    if check()[0]:
        run()
    assert check()[0] == 0
    settings.NIK_ENCRYPTION_KEYS = [NEW]
    for (kind, pk), value in expected.items():
        assert read_back(kind, pk) == value
    for token in stored_tokens():
        try:
            Fernet(NEW.encode()).decrypt(token.encode())
        except InvalidToken:
            pytest.fail("a value is not under the new key")

"""The fixed cast (STYLE §9) and report builders that go through the real actions."""

import collections
import contextlib
import datetime as dt
import functools
import os
import re
import sys
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from aduan.accounts.mfa import give_totp, is_staff_account
from aduan.accounts.models import Role, User
from aduan.directory.models import Agency, Category, Region
from aduan.reports import actions
from aduan.reports.models import Status
from tests.master_data_hook import (
    load_master_data,
    pytest_runtest_teardown,  # noqa: F401 (the hook, suite-wide)
    remember_master_data,
)
from tests.totp import STAFF_TOTP_SECRET

PASSWORD = "kata-sandi-uji-123"


def _media_of_this_run() -> None:
    """Each test process writes its files (attachments, exports) to a directory of its own,
    removed when it ends, never into the development server's var/media; the servers a test
    starts in a subprocess inherit it through the environment."""
    import atexit
    import shutil
    import tempfile

    from django.conf import settings

    if os.environ.get("MEDIA_ROOT"):
        return
    media = tempfile.mkdtemp(prefix="aduan-test-media-")
    atexit.register(shutil.rmtree, media, ignore_errors=True)
    os.environ["MEDIA_ROOT"] = media
    settings.MEDIA_ROOT = Path(media)


_media_of_this_run()


# A module whose every test is slow, as its `pytestmark` line says.
_SLOW_MODULE = re.compile(r"^pytestmark = .*\bpytest\.mark\.slow\b", re.M)


def pytest_ignore_collect(collection_path, config):
    """Where the mark expression leaves the slow tests out (`make quick`: -m "not slow"), a module
    that is slow as a whole is not even imported: deselecting it after collection would still
    load what it imports (schemathesis and the OpenAPI document, playwright: seconds per
    process). Anything else is for pytest to decide (None)."""
    if collection_path.suffix != ".py" or not collection_path.name.startswith("test_"):
        return None
    markexpr = config.getoption("markexpr")
    if not markexpr:
        return None
    from _pytest.mark.expression import Expression

    if Expression.compile(markexpr).evaluate(lambda name, **_kwargs: name == "slow"):
        return None  # slow tests are wanted
    return True if _SLOW_MODULE.search(collection_path.read_text()) else None


def pytest_collection_modifyitems(config, items):
    """Every test has an id of its own. pytest-xdist hands tests to its processes by id, and of
    tests that share one it runs one: under pytest 9.2 the 62 operation tests of the schemathesis
    run (tests/api/test_api_schema_fuzz.py) all had the same id, and `make test` fuzzed one
    operation while reporting success."""
    counts = collections.Counter(item.nodeid for item in items)
    if shared := sorted(nodeid for nodeid, count in counts.items() if count > 1):
        raise pytest.UsageError(
            f"{len(shared)} test id(s) shared by several tests, which pytest-xdist would run "
            f"once: {shared[:5]}"
        )


@pytest.hookimpl(wrapper=True)
def pytest_report_teststatus(report, config):
    """A subtest is named in the short summary by what it was given (`SUBFAILED(role='citizen')`
    before the test's id: tests/authz/test_authz_matrix.py). Schemathesis's plugin, loaded by
    `make test`, cuts that word down to `SUBFAILED` for every subtest, its own being named by
    their node id; the name is put back where the subtest has one."""
    status = yield
    if (
        isinstance(report, pytest.SubtestReport)
        and report.context.kwargs
        and status
        and status[2] in ("SUBPASSED", "SUBFAILED", "SUBSKIPPED", "SUBXFAIL")
    ):
        described = ", ".join(f"{k}={v}" for k, v in report.context.kwargs.items())
        status = (status[0], status[1], f"{status[2]}({described})")
    return status


@pytest.fixture(scope="session")
def test_db_from_template(request, django_db_modify_db_settings, django_db_createdb) -> bool:
    """Whether this process's test database starts as a copy of the template that is migrated
    and holds the master data (tests/template_db.py). Not with `--reuse-db` (the last run's
    database is kept), `--create-db`, `--no-migrations` or TEST_DB_TEMPLATE=0 (migrated from
    nothing, as Django does)."""
    if (
        request.config.getvalue("reuse_db")
        or django_db_createdb
        or request.config.getvalue("nomigrations")
    ):
        return False
    from tests import template_db

    return template_db.copy_into_test_db()


@pytest.fixture(scope="session")
def django_db_keepdb(request, test_db_from_template):
    """Django keeps a copy of the template as it finds it, instead of migrating."""
    return test_db_from_template or request.config.getvalue("reuse_db")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, test_db_from_template):
    """Master data once per session: regions of Sumbawa, agencies, categories, holidays, limits
    (already there in a copy of the template)."""
    with django_db_blocker.unblock():
        if not test_db_from_template:
            load_master_data()
        remember_master_data()


@pytest.fixture
def master_data_again(transactional_db):
    """Transactional tests (live server, threads) start from whatever the previous one left: each
    empties every table when it ends. Load the master data the session loaded (only what is
    missing, so this is quick when it is still there)."""
    load_master_data()


def built_once_per_module(build):
    """A module-scoped fixture for data that is slow to make (the demo data set, a trained routing
    model): `build()` runs once, before the module's first test that asks for it, inside a
    transaction that is rolled back after the module's last test. Each test still runs in its own
    savepoint (pytest-django's `db`), so what one test changes the next does not see. Tests of the
    module that need the database without this data belong in another module."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                value = build()
            except BaseException:
                outer.__exit__(*sys.exc_info())
                raise
        yield value
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return fixture


@functools.cache
def _password_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PASSWORD)


def _account(username, role, agency, nik="", **extra) -> User:
    """An account of the tests, not saved yet: e-mail and name from the user name unless given,
    the tests' password, the NIK encrypted as the registration keeps it."""
    fields = {"email": f"{username}@example.test", "full_name": username.title(), **extra}
    user = User(username=username, role=role, agency=agency, password=_password_hash(), **fields)
    if nik:
        user.set_nik(nik)
    return user


def _user(username, role=Role.CITIZEN, agency=None, nik="", **extra):
    user = _account(
        username, role, Agency.objects.get(code=agency) if agency else None, nik, **extra
    )
    user.save()  # one save, as a registration with its KTP profile makes
    if is_staff_account(user):
        # Staff must have an authenticator app (STAFF_MFA_REQUIRED is on in tests as in
        # production); tests compute its codes with tests.totp.totp(STAFF_TOTP_SECRET).
        give_totp(user, STAFF_TOTP_SECRET)
    return user


def _ktp(serial: str, sex: str) -> dict:
    """The KTP part of a profile: a valid NIK of Kecamatan Sumbawa (born 1990, day + 40 for a
    woman), its birth date and sex."""
    day = 12 + (40 if sex == "P" else 0)
    return {
        "nik": f"520408{day:02d}03900{int(serial):03d}",
        "birth_date": dt.date(1990, 3, 12),
        "sex": sex,
    }


def without_profile(user):
    """Take the KTP profile away (tests of what an incomplete profile is refused)."""
    user.nik_encrypted, user.nik_hash = "", None
    user.birth_date, user.sex = None, ""
    user.save()
    return user


# The cast: attribute, user name, role, agency code, other fields. The citizens have their KTP
# profile, as an account must before it files (`reports.rules.profile_refusal`); `without_profile`
# takes it away.
CAST = (
    (
        "citizen",
        "warga-uji",
        Role.CITIZEN,
        None,
        {"full_name": "Wayan Sudarsana", "phone": "+6281339100011", **_ktp("91", "L")},
    ),
    (
        "other_citizen",
        "warga-lain",
        Role.CITIZEN,
        None,
        {"phone": "+6281339100012", **_ktp("92", "P")},
    ),
    (
        "representative",
        "rt-uji",
        Role.CITIZEN,
        None,
        {"is_representative": True, "phone": "+6281339100013", **_ktp("93", "L")},
    ),
    ("dispatcher", "dispatcher-uji", Role.DISPATCHER, None, {}),
    ("officer_a", "petugas-pupr", Role.OFFICER, "pupr", {}),
    ("officer_b", "petugas-dinkes", Role.OFFICER, "dinkes", {}),
    ("inspector", "petugas-inspektorat", Role.OFFICER, "inspektorat", {}),
    ("supervisor", "pengawas-uji", Role.SUPERVISOR, None, {}),
    ("sysadmin", "sysadmin-uji", Role.SYSADMIN, None, {"is_staff": True, "is_superuser": True}),
)


class Cast:
    """citizen, other citizen, representative, dispatcher, officer of agency A (PUPR), officer of
    agency B (Dinkes), Inspektorat officer, supervisor, sysadmin.

    Made for most tests of the suite, so made in two statements: the accounts in one insert, the
    staff's authenticator apps (STAFF_MFA_REQUIRED is on in tests as in production; tests compute
    their codes with tests.totp.totp(STAFF_TOTP_SECRET)) in another. They are the accounts `_user`
    makes one by one, less the audit entries of their creation, which no test of the cast reads
    (tests/test_accounts_audit.py makes its accounts through the audited doors)."""

    def __init__(self):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.utils import encrypt

        agencies = Agency.objects.in_bulk(["pupr", "dinkes", "inspektorat"], field_name="code")
        users = []
        for attribute, username, role, agency, extra in CAST:
            user = _account(username, role, agencies[agency] if agency else None, **extra)
            setattr(self, attribute, user)
            users.append(user)
        User.objects.bulk_create(users)
        secret = encrypt(STAFF_TOTP_SECRET)
        Authenticator.objects.bulk_create(
            Authenticator(user=u, type=Authenticator.Type.TOTP, data={"secret": secret})
            for u in users
            if is_staff_account(u)
        )
        self.agency_a = agencies["pupr"]
        self.agency_b = agencies["dinkes"]
        self.inspektorat = agencies["inspektorat"]


@pytest.fixture
def cast(db):
    return Cast()


def file_report(cast, **kwargs):
    village = Region.objects.get(code="52.04.08.1004")
    fields = {
        "reporter": cast.citizen,
        "title": "Jalan berlubang di Seketeng",
        "description": "Kemarin sore jalan di depan SD Seketeng berlubang besar; motor terjatuh.",
        "category": Category.objects.get(code="infrastruktur-jalan"),
        "district": village.parent,
        "village": village,
        "address": "Jalan Garuda",
        "parties_involved": "Dinas PUPR",
        # Never after today, also for a test that travels back (the action refuses the future).
        "incident_date": min(dt.date(2026, 3, 2), timezone.localdate()),
        "extra_answers": {"status-jalan": "kabupaten"},  # the category's required question
    }
    if kwargs.get("filed_by") is not None and kwargs.get("reporter", cast.citizen) is None:
        # Filed by an RT/RW for a resident: what the rule asks besides the name and the consent.
        fields["representative_relationship"] = "Ketua RT 01"
        if not (kwargs.get("reporter_phone") or kwargs.get("reporter_email")):
            fields["reporter_phone"] = "+6281339100555"
    chosen = kwargs.get("category", fields["category"])
    if chosen is None or chosen.code != "infrastruktur-jalan":
        fields["extra_answers"] = {}  # the road's question is not another category's
    fields.update(kwargs)
    report, _secret = actions.do_file_report(**fields)
    return report


def photo_bytes(*, taken_at=None, latitude=None, longitude=None, colour=(90, 120, 60)) -> bytes:
    """A JPEG as a phone writes it: EXIF DateTimeOriginal with its offset and GPS when given."""
    import io

    from PIL import Image

    image = Image.new("RGB", (64, 48), colour)
    exif = Image.Exif()
    if taken_at is not None:
        local = taken_at.astimezone(dt.timezone(dt.timedelta(hours=8)))
        exif.get_ifd(0x8769)[0x9003] = local.strftime("%Y:%m:%d %H:%M:%S")
        exif.get_ifd(0x8769)[0x9011] = "+08:00"
    if latitude is not None:

        def dms(value):
            value = abs(value)
            degrees = int(value)
            minutes = int((value - degrees) * 60)
            seconds = round((value - degrees - minutes / 60) * 3600, 4)
            return (float(degrees), float(minutes), float(seconds))

        gps = exif.get_ifd(0x8825)
        gps[1], gps[2] = ("N" if latitude >= 0 else "S"), dms(latitude)
        gps[3], gps[4] = ("E" if longitude >= 0 else "W"), dms(longitude)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def result_photo(name="hasil.jpg", **kwargs):
    """A result photo as the back office and the API hand it to `do_answer`: checked and cleaned
    by `attachments.clean_upload`, with the capture data it read before stripping the EXIF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aduan.reports import attachments

    upload = SimpleUploadedFile(name, photo_bytes(**kwargs), content_type="image/jpeg")
    return attachments.clean_upload(upload, keep_document_bytes=True).as_file()


def report_in(cast, status, *, paused=False, **kwargs):
    """A report brought to `status` through the actions, held by agency A where it has an agency."""
    report = file_report(cast, **kwargs)
    if status == Status.SUBMITTED:
        return report
    if status == Status.RETURNED:
        return actions.do_return(report, actor=cast.dispatcher, text="Lengkapi lokasi.")
    if status == Status.ARCHIVED:
        return actions.do_archive(report, actor=cast.dispatcher, reason="spam")
    actions.do_disposition(
        report, cast.agency_a, actor=cast.dispatcher, instruction="Segera tangani."
    )
    if status == Status.DISPOSITIONED:
        return report
    actions.do_accept(report, actor=cast.officer_a)
    if status == Status.IN_PROGRESS:
        if paused:
            actions.do_request_info(report, actor=cast.officer_a, text="Kirim foto.")
        return report
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah diperbaiki.", attachments=[result_photo()]
    )
    if status == Status.RESPONDED:
        return report
    assert status == Status.CLOSED
    return actions.do_accept_answer(report, actor=cast.citizen, rating=5)


def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def redis_url():
    """A Redis database of this test process's own (15 for the first pytest-xdist worker, 14 for
    the second...): one file's `cache.clear()` must not empty the counters that a test on the
    other process is counting."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    default = f"redis://127.0.0.1:6379/{15 - int(worker or 0) % 15}"
    url = os.environ.get("TEST_REDIS_URL", default)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return url


@pytest.fixture
def tx_cast():
    """The cast for a transactional test (threads, subprocesses). The master data is there (the
    hook in tests/master_data_hook.py loads it again after each transactional test); loading what
    is missing costs nothing and keeps a test that runs first after a crash safe."""
    load_master_data()
    return Cast()


@contextlib.contextmanager
def frozen_with_fresh_counters(moment):
    """Rate-limit tests: the clock stands still at `moment` (so a window's end is known) and the
    cache's counters start and end empty."""
    cache.clear()
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller
    cache.clear()


@pytest.fixture(scope="session")
def production_static_root(tmp_path_factory):
    """Production serves static files from WhiteNoise's manifest, which `collectstatic` writes at
    deploy time (docs/deploy.md §2); a start-up with production settings gets one, collected
    once."""
    import subprocess
    import sys

    from tests.test_settings import ROOT, STRONG, UNSET

    root = tmp_path_factory.mktemp("static")
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        ADUAN_ENV="production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="aduan.example",
        STATIC_ROOT=str(root),
        ADUAN_DOTENV="/nonexistent",
        DJANGO_SETTINGS_MODULE="aduan.settings",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=600,
    )
    return root


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in English leaves English active in the thread (the locale middleware does not
    undo it): every test starts in the default language, whatever ran before it."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


# The browser tests' chromium (tests/browser.py): one per test process, started by the first test
# that asks for it. That module is imported only then (the browser test modules import it
# themselves): it sets the live server's environment for them, not for the rest of the suite.
@pytest.fixture(scope="session")
def _chromium_of_this_process():
    from tests.browser import Chromium

    chromium = Chromium()
    yield chromium
    chromium.stop()


@pytest.fixture
def chromium(_chromium_of_this_process):
    """The process's chromium, for contexts of this test's own (`chromium.new_context(...)`), all
    closed after it."""
    with _chromium_of_this_process.for_a_test() as browser:
        yield browser


def intake_token(client) -> str:
    """The token of a fresh intake form (`/kantor/pengaduan-baru/`), as the page gives it: a
    submit without one is refused as an expired form."""
    return client.get("/kantor/pengaduan-baru/").context["form_token"]

"""The fixed cast (STYLE §9) and report builders that go through the real actions."""

import contextlib
import datetime as dt
import os

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from aduan.accounts.mfa import give_totp, is_staff_account
from aduan.accounts.models import Role, User
from aduan.directory import loading
from aduan.directory.models import Agency, Category, Region
from aduan.reports import actions
from aduan.reports.models import Status
from tests.totp import STAFF_TOTP_SECRET

PASSWORD = "kata-sandi-uji-123"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Master data once per session: regions of Sumbawa, agencies, categories, holidays, limits."""
    with django_db_blocker.unblock():
        loading.load_regions(("52.04",))
        loading.load_agencies()
        loading.load_categories()
        loading.load_holidays(range(2024, 2029))
        loading.load_sla_policies()


def _user(username, role=Role.CITIZEN, agency=None, **extra):
    fields = {"email": f"{username}@example.test", "full_name": username.title(), **extra}
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        agency=Agency.objects.get(code=agency) if agency else None,
        **fields,
    )
    if is_staff_account(user):
        # Staff must have an authenticator app (STAFF_MFA_REQUIRED is on in tests as in
        # production); tests compute its codes with tests.totp.totp(STAFF_TOTP_SECRET).
        give_totp(user, STAFF_TOTP_SECRET)
    return user


class Cast:
    """citizen, other citizen, representative, dispatcher, officer of agency A (PUPR), officer of
    agency B (Dinkes), Inspektorat officer, supervisor, sysadmin."""

    def __init__(self):
        self.citizen = _user("warga-uji", full_name="Wayan Sudarsana", phone="+6281339100011")
        self.other_citizen = _user("warga-lain")
        self.representative = _user("rt-uji", is_representative=True)
        self.dispatcher = _user("dispatcher-uji", Role.DISPATCHER)
        self.officer_a = _user("petugas-pupr", Role.OFFICER, "pupr")
        self.officer_b = _user("petugas-dinkes", Role.OFFICER, "dinkes")
        self.inspector = _user("petugas-inspektorat", Role.OFFICER, "inspektorat")
        self.supervisor = _user("pengawas-uji", Role.SUPERVISOR)
        self.sysadmin = _user("sysadmin-uji", Role.SYSADMIN, is_staff=True, is_superuser=True)
        self.agency_a = Agency.objects.get(code="pupr")
        self.agency_b = Agency.objects.get(code="dinkes")
        self.inspektorat = Agency.objects.get(code="inspektorat")


@pytest.fixture
def cast(db):
    return Cast()


def file_report(cast, **kwargs):
    village = Region.objects.get(code="52.04.08.1004")
    fields = dict(
        reporter=cast.citizen,
        title="Jalan berlubang di Seketeng",
        description="Kemarin sore jalan di depan SD Seketeng berlubang besar; motor terjatuh.",
        category=Category.objects.get(code="infrastruktur-jalan"),
        district=village.parent,
        village=village,
        address="Jalan Garuda",
        parties_involved="Dinas PUPR",
        incident_date=dt.date(2026, 3, 2),
    )
    fields.update(kwargs)
    report, _secret = actions.do_file_report(**fields)
    return report


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
    actions.do_answer(report, actor=cast.officer_a, text="Sudah diperbaiki.")
    if status == Status.RESPONDED:
        return report
    assert status == Status.CLOSED
    return actions.do_accept_answer(report, actor=cast.citizen, rating=5)


def is_postgres():
    return connection.vendor == "postgresql"


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return url


@pytest.fixture
def tx_cast():
    # A transactional test empties the tables afterwards, master data included: load it again.
    loading.load_agencies()
    loading.load_categories()
    loading.load_regions(("52.04",))
    loading.load_sla_policies()
    loading.load_holidays(range(2025, 2029))
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
    deploy time (docs/deploy.md §2); a start-up with production settings gets one, collected once."""
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

"""The read replica (issue 18; aduan/core/db_router.py, aduan/ops/replica.py).

The first tests need no replica and run on SQLite too: with DATABASE_REPLICA_URL unset nothing
changes, and the router's rules one by one. The `slow` ones start a real PostgreSQL streaming
replica: a primary cluster of their own (initdb in a temporary directory: the system cluster's
pg_hba.conf has no replication line, and a test must not edit it) and a standby made from it with
`pg_basebackup -R`, both on free ports, both stopped and removed at the end whatever happens. What
a page read comes from is proven by pausing the standby's replay (`pg_wal_replay_pause()`): a
report made then exists on the primary only.
"""

import contextlib
import copy
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.http import HttpResponse
from django.test import Client, override_settings

from aduan.core import db_router
from aduan.ops import replica
from aduan.reports.models import Report, Status
from tests.conftest import Cast, report_in
from tests.master_data_hook import load_master_data
from tests.pg_clusters import PG_BIN, Clusters

PIN = "aduan.ops.replica.PinWritersMiddleware"
ROUTER = "aduan.core.db_router.ReplicaRouter"


# --- no replica configured: today's behaviour --------------------------------------------------


@pytest.mark.skipif(bool(settings.DATABASE_REPLICA_URL), reason="DATABASE_REPLICA_URL is set")
def test_it_adds_nothing_without_a_replica():
    assert "replica" not in settings.DATABASES
    assert not db_router.configured()
    assert settings.DATABASE_ROUTERS == []
    assert PIN not in settings.MIDDLEWARE


@pytest.mark.django_db
def test_it_reads_and_writes_the_default_database_without_a_replica(client):
    response = client.get("/laporan/")
    assert response.status_code == 200
    assert replica.COOKIE not in response.cookies
    response = client.post("/open311/v2/requests.json", {"service_code": "x"})
    assert replica.COOKIE not in response.cookies  # the middleware is not installed


# --- the router's rules (no cluster needed) -----------------------------------------------------


def test_the_router_reads_the_primary_outside_a_replica_view():
    router = db_router.ReplicaRouter()
    assert router.db_for_read(Report) == DEFAULT_DB_ALIAS
    assert router.db_for_write(Report) == DEFAULT_DB_ALIAS


def test_the_router_gives_up_the_replica_at_the_first_write_and_in_transactions(monkeypatch):
    from django.contrib.sessions.models import Session

    router = db_router.ReplicaRouter()
    primary = connections[DEFAULT_DB_ALIAS]
    reads = db_router._Reads()
    token = db_router._reads.set(reads)
    try:
        monkeypatch.setattr(primary, "in_atomic_block", False)
        assert db_router.reading_replica()
        assert router.db_for_read(Report) == db_router.REPLICA
        assert router.db_for_read(Session) == DEFAULT_DB_ALIAS  # a client's own state
        with db_router.primary_reads():
            assert router.db_for_read(Report) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Report) == db_router.REPLICA
        monkeypatch.setattr(primary, "in_atomic_block", True)  # transaction.atomic
        assert router.db_for_read(Report) == DEFAULT_DB_ALIAS
        monkeypatch.setattr(primary, "in_atomic_block", False)
        assert router.db_for_write(Report) == DEFAULT_DB_ALIAS
        assert router.db_for_read(Report) == DEFAULT_DB_ALIAS  # it has written
        assert not db_router.reading_replica()
    finally:
        db_router._reads.reset(token)


def test_migrations_never_run_on_the_replica():
    router = db_router.ReplicaRouter()
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "reports")
    assert not router.allow_migrate(db_router.REPLICA, "reports")
    assert not router.allow_migrate(db_router.REPLICA, "sessions")


def _request(cookies=None, address="198.51.100.7"):
    from django.test import RequestFactory

    request = RequestFactory().get("/laporan/", REMOTE_ADDR=address)
    request.COOKIES = cookies or {}
    return request


def test_a_client_that_wrote_recently_is_pinned_by_its_cookie():
    now = int(time.time())
    assert replica.pinned(_request({replica.COOKIE: str(now + 5)}))
    assert not replica.pinned(_request({replica.COOKIE: str(now - 1)}))
    assert not replica.pinned(_request({"csrftoken": "x"}))
    assert replica.pinned(_request({replica.COOKIE: "garbage"}))  # not ours: the safe side


def test_a_client_without_cookies_is_pinned_by_its_address():
    cache.clear()
    writer = _request(address="198.51.100.8")
    writer.method = "POST"
    with override_settings(REPLICA_PIN_SECONDS=10):
        response = replica.PinWritersMiddleware(lambda request: HttpResponse())(writer)
    assert response.cookies[replica.COOKIE]["max-age"] == 10
    assert replica.pinned(_request(address="198.51.100.8"))
    assert not replica.pinned(_request(address="198.51.100.9"))
    # A browser behind the same address (a carrier's CGNAT) carries cookies: not pinned by it.
    assert not replica.pinned(_request({"csrftoken": "x"}, address="198.51.100.8"))
    cache.clear()


@pytest.mark.slow
def test_the_settings_add_the_replica_alias_router_and_middleware():
    from tests.test_settings import start

    show = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "r = s.DATABASES['replica']; "
        "print(json.dumps([r['PORT'], r['TEST']['MIRROR'], r['OPTIONS']['connect_timeout'], "
        "s.DATABASE_ROUTERS, s.MIDDLEWARE[-1]]))"
    )
    env = {
        "ADUAN_ENV": "test",
        "DATABASE_URL": "postgres://aduan@127.0.0.1:5432/aduan",
        "DATABASE_REPLICA_URL": "postgres://aduan@127.0.0.1:5433/aduan",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=Path(__file__).resolve().parent.parent,
        env={**clean, **env, "ADUAN_DOTENV": "/nonexistent"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[5433, "default", 2, ["aduan.core.db_router.ReplicaRouter"], '
        '"aduan.ops.replica.PinWritersMiddleware"]'
    )
    refused = start(
        ADUAN_ENV="test", DATABASE_URL="", DATABASE_REPLICA_URL="postgres://a@127.0.0.1/x"
    )
    assert refused.returncode != 0 and "DATABASE_REPLICA_URL needs" in refused.stderr


# --- a real streaming replica -------------------------------------------------------------------


def _skip_unless_possible():
    if connection.vendor != "postgresql":
        pytest.skip("the read replica is PostgreSQL streaming replication: run on PostgreSQL")
    missing = [p for p in ("initdb", "pg_ctl", "pg_basebackup") if not (PG_BIN / p).exists()]
    if missing:
        pytest.skip(f"PostgreSQL programs missing in {PG_BIN}: {', '.join(missing)} (PG_BIN=...)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start a cluster as postgres")


@pytest.fixture(scope="module")
def clusters(django_db_blocker):
    """The primary (migrated, master data, the cast) and the standby; Django's default database
    points at the primary and a `replica` alias at the standby for the module's tests, and both
    are put back afterwards."""
    _skip_unless_possible()
    found = Clusters()
    default = connections[DEFAULT_DB_ALIAS]
    saved_default = copy.deepcopy(default.settings_dict)
    overrides = override_settings(
        DATABASE_ROUTERS=[ROUTER],
        MIDDLEWARE=[*settings.MIDDLEWARE, PIN],
        REPLICA_PIN_SECONDS=10,
        REPLICA_RETRY_SECONDS=2,
        REPLICA_CHECK_SECONDS=0,
        REPLICA_MAX_LAG_SECONDS=0,
        REPLICA_CONNECT_TIMEOUT=2,
    )
    try:
        found.start_primary()
        with django_db_blocker.unblock():
            default.close()
            default.settings_dict.update(
                NAME="aduan", HOST="127.0.0.1", PORT=str(found.primary_port), USER="postgres"
            )
            default.settings_dict["PASSWORD"] = ""
            call_command("migrate", verbosity=0)
            load_master_data()
            found.cast = Cast()
            default.close()
            found.make_replica()
            connections.settings[db_router.REPLICA] = {
                **copy.deepcopy(default.settings_dict),
                "PORT": str(found.replica_port),
                "OPTIONS": {**default.settings_dict.get("OPTIONS", {}), "connect_timeout": 2},
                "TEST": {"MIRROR": DEFAULT_DB_ALIAS},
            }
            overrides.enable()
            yield found
    finally:
        try:
            with django_db_blocker.unblock():
                if hasattr(overrides, "wrapped"):  # enabled
                    overrides.disable()
                with contextlib.suppress(Exception):
                    connections[db_router.REPLICA].close()
                with contextlib.suppress(AttributeError):
                    del connections[db_router.REPLICA]
                connections.settings.pop(db_router.REPLICA, None)
                with contextlib.suppress(Exception):
                    default.close()
                default.settings_dict.clear()
                default.settings_dict.update(saved_default)
                db_router.reset()
                cache.clear()
        finally:
            found.remove()


@pytest.fixture
def live(clusters, django_db_blocker):
    """Each test: the database open, the replica caught up and replaying, nothing cached."""
    with django_db_blocker.unblock():
        db_router.reset()
        cache.clear()
        _replica_sql("SELECT pg_wal_replay_resume()")
        _wait_for_replay()
        yield clusters
        _replica_sql("SELECT pg_wal_replay_resume()", quiet=True)


def _replica_sql(sql, quiet=False):
    try:
        with connections[db_router.REPLICA].cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()
    except Exception:
        if not quiet:
            raise
    finally:
        connections[db_router.REPLICA].close()


def _wait_for_replay(seconds=20):
    position = db_router.primary_position()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if db_router.replica_has_replayed(position):
                connections[db_router.REPLICA].close()
                return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def _public_report(cast, title):
    return report_in(cast, Status.DISPOSITIONED, title=title)


def _wait(predicate, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_it_serves_public_reads_from_the_replica_and_a_writer_from_the_primary(live):
    cast = live.cast
    before = _public_report(cast, "Lampu jalan padam di Brang Biji")
    _wait_for_replay()
    _replica_sql("SELECT pg_wal_replay_pause()")
    fresh = _public_report(cast, "Saluran tersumbat di Lempeh")  # on the primary only

    # 1. Anyone else reads the replica: the report is not there yet.
    reader = Client()
    feed = reader.get("/laporan/")
    assert feed.status_code == 200
    assert before.title in feed.content.decode() and fresh.title not in feed.content.decode()
    assert reader.get(f"/laporan/{fresh.code}/").status_code == 404
    assert reader.get(f"/open311/v2/requests/{fresh.code}.json").status_code == 404
    listed = reader.get("/open311/v2/requests.json").content.decode()
    assert before.code in listed and fresh.code not in listed
    assert reader.get("/statistik/").status_code == 200
    assert fresh.code not in reader.get("/laporan/?q=saluran+tersumbat").content.decode()

    # 2. A writer (a support, a POST like any other) reads its writes from the primary.
    writer = Client()
    writer.force_login(cast.other_citizen)  # the session is on the primary only: read there
    answer = writer.post(f"/laporan/{before.code}/dukung/")
    assert answer.status_code in (200, 302)
    assert int(answer.cookies[replica.COOKIE].value) > time.time()
    assert fresh.title in writer.get("/laporan/").content.decode()
    assert writer.get(f"/laporan/{fresh.code}/").status_code == 200
    assert fresh.code in writer.get("/laporan/?q=saluran+tersumbat").content.decode()
    assert reader.get(f"/laporan/{fresh.code}/").status_code == 404  # still the replica

    # 3. An integration that keeps no cookies is pinned by its address (so are cookieless
    #    readers at that address, for REPLICA_PIN_SECONDS; browsers carry cookies).
    integration = Client()
    integration.post("/open311/v2/requests.json", {"service_code": "tidak-ada"})
    integration.cookies.clear()  # it keeps none
    assert integration.get(f"/open311/v2/requests/{fresh.code}.json").status_code == 200
    cache.clear()

    # 4. The replica replays again: everyone sees the report.
    _replica_sql("SELECT pg_wal_replay_resume()")
    assert _wait(lambda: reader.get(f"/laporan/{fresh.code}/").status_code == 200)


@pytest.mark.slow
def test_writes_and_reads_after_them_never_go_to_the_replica(live):
    cast = live.cast
    _replica_sql("SELECT pg_wal_replay_pause()")
    with db_router.replica_reads():
        assert db_router.reading_replica()
        report = _public_report(cast, "Jembatan retak di Labuhan Sumbawa")  # a read-only
        # standby would refuse it ("cannot execute INSERT in a read-only transaction")
        assert not db_router.reading_replica()
        assert Report.objects.filter(pk=report.pk).exists()  # read after the write: primary
    with db_router.replica_reads():
        assert not Report.objects.filter(pk=report.pk).exists()  # a new request: the replica
        with transaction.atomic():
            assert Report.objects.filter(pk=report.pk).exists()  # inside a transaction: primary


@pytest.mark.slow
def test_the_fragment_cache_never_keeps_a_list_older_than_the_replica(live):
    cast = live.cast
    with override_settings(FRAGMENT_CACHE_SECONDS=300):
        reader = Client()
        _public_report(cast, "Sampah menumpuk di Pasar Seketeng")
        _wait_for_replay()
        reader.get("/laporan/")  # cached, from a replica that had caught up
        _replica_sql("SELECT pg_wal_replay_pause()")
        fresh = _public_report(cast, "Air PDAM keruh di Uma Sima")
        assert fresh.title not in reader.get("/laporan/").content.decode()  # behind: not stored
        _replica_sql("SELECT pg_wal_replay_resume()")
        _wait_for_replay()
        assert fresh.title in reader.get("/laporan/").content.decode()
        # Stored now: served from the cache even while the replica is stopped again.
        _replica_sql("SELECT pg_wal_replay_pause()")
        assert fresh.title in reader.get("/laporan/").content.decode()


@pytest.mark.slow
def test_reads_fall_back_to_the_primary_when_the_replica_stops_and_return_after(live, caplog):
    cast = live.cast
    live.stop_replica()
    try:
        fresh = _public_report(cast, "Pohon tumbang di Jalan Hasanuddin")
        reader = Client()
        started = time.monotonic()
        first = reader.get(f"/laporan/{fresh.code}/")
        first_took = time.monotonic() - started
        assert first.status_code == 200  # from the primary, not a 500
        assert first_took < 5
        assert "read replica not used" in caplog.text
        started = time.monotonic()
        for path in ("/laporan/", "/open311/v2/requests.json", "/statistik/"):
            assert reader.get(path).status_code == 200
        assert time.monotonic() - started < 5  # the breaker: no new connection attempt each time
    finally:
        live.start_replica()

    # Back: after REPLICA_RETRY_SECONDS the replica is checked again and read from, also when
    # nothing has been written since it restarted (an idle standby is not "behind").
    _wait_for_replay()
    time.sleep(settings.REPLICA_RETRY_SECONDS + 0.2)
    with override_settings(REPLICA_MAX_LAG_SECONDS=1):
        assert _wait(db_router.usable, seconds=10)
        connections[db_router.REPLICA].close()
    _replica_sql("SELECT pg_wal_replay_pause()")
    later = _public_report(cast, "Drainase meluap di Karang Dima")
    assert reader.get(f"/laporan/{later.code}/").status_code == 404  # the replica again
    assert "read replica back in use" in caplog.text


@pytest.mark.slow
def test_a_standby_that_dies_during_a_server_side_cursor_is_blamed(live):
    """The bench's one 500: a form's choices fetched through a server-side cursor (no execute
    wrapper) when the standby stopped; the error must be seen as the standby's, so the page is
    drawn again on the primary."""
    _public_report(live.cast, "Got tersumbat di Kerato")
    _public_report(live.cast, "Got tersumbat di Kerato")
    _wait_for_replay()
    try:
        with db_router.replica_reads() as reads:
            assert db_router.usable()
            rows = Report.objects.all().iterator(chunk_size=1)
            next(rows)
            live.stop_replica()
            with pytest.raises(DatabaseError) as raised:
                list(rows)
            assert db_router.replica_at_fault(reads, raised.value)
    finally:
        live.start_replica()
        connections[db_router.REPLICA].close()


@pytest.mark.slow
def test_an_unreachable_replica_costs_one_connect_timeout_then_nothing(live):
    replica_settings = connections.settings[db_router.REPLICA]
    saved = replica_settings["HOST"]
    connections[db_router.REPLICA].close()
    del connections[db_router.REPLICA]
    replica_settings["HOST"] = "10.255.255.1"  # no route: the connection waits for its timeout
    try:
        reader = Client()
        started = time.monotonic()
        assert reader.get("/laporan/").status_code == 200
        assert time.monotonic() - started < settings.REPLICA_CONNECT_TIMEOUT + 3
        started = time.monotonic()
        for _ in range(5):
            assert reader.get("/laporan/").status_code == 200
        assert time.monotonic() - started < 2  # within REPLICA_RETRY_SECONDS: not tried again
    finally:
        with contextlib.suppress(AttributeError):
            del connections[db_router.REPLICA]
        replica_settings["HOST"] = saved


@pytest.mark.slow
def test_a_replica_too_far_behind_is_not_read(live):
    cast = live.cast
    with override_settings(REPLICA_MAX_LAG_SECONDS=1):
        _replica_sql("SELECT pg_wal_replay_pause()")
        fresh = _public_report(cast, "Jalan longsor di Batu Lanteh")
        time.sleep(1.5)  # the last commit the replica replayed is older than the limit
        _public_report(cast, "Lampu lalu lintas mati di Brang Bara")
        assert Client().get(f"/laporan/{fresh.code}/").status_code == 200

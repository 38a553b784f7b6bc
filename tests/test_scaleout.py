"""Out across machines (issue 18): two app servers behind Debian's nginx, two huey consumers, one
PostgreSQL and a redis-server of the test's own (`bench/cluster.py`), with citizens filing through
the proxy from several threads.

- An app server killed with SIGKILL mid-load: every report whose filing was answered 201 with its
  code is stored whole (timeline, outbox) exactly once, and filing goes on through the other.
- Redis restarted mid-load (no persistence: every key and queued task gone): filing goes on while
  it is down (rate limits and caches degrade), nothing answered is lost, and the consumers, once
  Redis is back, deliver every message of those reports.
- The periodic sweeps on two consumers: each tick's tasks are enqueued once by the two
  schedulers, and a sweep run twice at once on both consumers still acts once.
"""

import datetime as dt
import http.client
import time

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from huey import PriorityRedisHuey
from huey.consumer import Scheduler
from huey.contrib.djhuey import HUEY

from aduan.accounts import nik as niks
from aduan.api.models import ApiToken
from aduan.notifications.models import Notification
from aduan.ops.periodic import OncePerTickRedisHuey
from aduan.reports import tasks as sweeps
from aduan.reports.models import EventKind, Report, Status
from aduan.web import digests
from aduan.web import tasks as web_tasks
from bench.cluster import Cluster, FilingLoad, missing_tools, wait_for
from tests.portal import give_profile

from .conftest import report_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: several app servers and consumers share one database")
    if missing_tools():
        pytest.skip(f"not found: {', '.join(missing_tools())} (apt-get install nginx redis-server)")
    db = connection.settings_dict
    database_url = (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )
    app_env = {
        "ADUAN_ENV": "production",
        "SECRET_KEY": "scaleout-test-" + "k9Tq" * 14,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "ADUAN_DOTENV": "/nonexistent",
        "DB_CONN_MAX_AGE": "60",
        # Rate limits on (counted in Redis), high enough for one test client's load.
        "API_RATE_LIMIT_PER_MINUTE": "100000",
        "API_RATE_LIMIT_PER_IP_PER_MINUTE": "100000",
        "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": "100000",
        "FILING_RATE_LIMIT_PER_IP_PER_HOUR": "100000",
        # the keys the test process stored the citizen's NIK under: filing copies it to the report
        "NIK_ENCRYPTION_KEYS": ",".join(niks.encryption_keys()),
        "NIK_HASH_KEY": "x" * 40,
    }
    with Cluster(database_url, app_env) as running:
        yield running
        print(running.tail())  # the servers' own account, shown by pytest when a test failed


def token_of(cast) -> str:
    _token, raw = ApiToken.issue(give_profile(cast.citizen), "scaleout-test")
    return raw


def shape(report: Report) -> tuple:
    """What a filing stores besides the report: its timeline and its outbox."""
    return (
        sorted(report.events.values_list("kind", flat=True)),
        sorted(Notification.objects.filter(report=report).values_list("kind", "channel")),
    )


def assert_stored_whole_once(load: FilingLoad) -> list[Report]:
    """Every acknowledged filing is in the database once, with the timeline and outbox of the
    first one (all are the same filing by the same citizen)."""
    codes = [ack[0] for ack in load.acknowledged]
    assert len(codes) == len(set(codes))
    stored = {r.code: r for r in Report.objects.filter(code__in=codes)}
    lost = sorted(set(codes) - set(stored))
    assert not lost, f"{len(lost)} acknowledged reports are not in the database: {lost[:5]}"
    titles = list(
        Report.objects.filter(title__startswith=load.title).values_list("title", flat=True)
    )
    assert len(titles) == len(set(titles)), "a filing was stored twice"
    first = shape(stored[codes[0]])
    assert first[0] and first[1], first  # a timeline and at least one message
    for code in codes:
        assert shape(stored[code]) == first, code
    return list(stored.values())


def test_it_keeps_every_acknowledged_report_when_an_app_server_is_killed(tx_cast, cluster):
    token = token_of(tx_cast)
    cluster.start_redis()
    cluster.start_apps(2)
    port = cluster.start_proxy()
    survivor = f"127.0.0.1:{cluster.app_ports[1]}"
    load = FilingLoad(port, token, threads=4).start()
    try:
        wait_for(lambda: len(load.acknowledged) >= 12, 60, "12 filings before the kill")
        served_before = {ack[2] for ack in load.acknowledged}
        cluster.kill_app(0)
        killed_at = time.monotonic()
        # Counted from a second after the kill (what nginx had in flight on the killed server
        # settles within it): on a quiet machine 20 filings fit inside that second.
        wait_for(lambda: load.acknowledged_since(killed_at + 1) >= 20, 60, "20 filings after it")
    finally:
        load.stop()
    assert len(served_before) == 2, served_before  # both servers took filings before the kill
    after = [ack for ack in load.acknowledged if ack[3] > killed_at + 1]
    assert after and {ack[2] for ack in after} == {survivor}
    # The requests in flight on the killed server carried an Idempotency-Key: nginx repeated
    # them on the other server (which ran each once), so no client saw an error.
    assert load.errors == []
    assert_stored_whole_once(load)
    # Reads fail over as well (a GET is always repeated; the dead server is skipped meanwhile).
    for _ in range(4):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/livez")
        response = conn.getresponse()
        assert (response.status, response.getheader("X-Upstream").split(",")[-1].strip()) == (
            200,
            survivor,
        )


def test_it_files_on_while_redis_restarts_and_loses_nothing(tx_cast, cluster):
    token = token_of(tx_cast)
    cluster.start_redis()
    cluster.start_apps(2, wait=False)
    cluster.start_consumers(2, wait=False)
    cluster.wait_apps()
    cluster.wait_consumers()
    port = cluster.start_proxy()
    load = FilingLoad(port, token, threads=4).start()
    try:
        wait_for(lambda: len(load.acknowledged) >= 10, 60, "10 filings with Redis up")
        cluster.stop_redis()
        down_at = time.monotonic()
        # Redis stays down until filing has visibly gone on without it.
        wait_for(lambda: load.acknowledged_since(down_at) >= 10, 60, "10 filings without Redis")
        up_at = time.monotonic()
        cluster.start_redis()  # empty: no persistence
        wait_for(lambda: load.acknowledged_since(up_at) >= 10, 60, "10 filings after the restart")
    finally:
        load.stop()
    assert load.errors == []
    reports = assert_stored_whole_once(load)
    # What was queued for delivery went with Redis, and nothing was queued while it was down: the
    # outbox rows are the record. The consumers' next tick (what each scheduler does every
    # minute, done here at once) sends every one of them.
    tick = OncePerTickRedisHuey("aduan", url=cluster.redis_url)
    tick._registry = HUEY._registry
    Scheduler(tick, None, 1, True).enqueue_periodic_tasks(None)
    messages = Notification.objects.filter(report__in=reports)
    wait_for(
        lambda: not messages.exclude(state=Notification.State.SENT).exists(),
        60,
        "every message of the acknowledged reports to be sent",
        step=0.5,
    )
    assert messages.count() >= len(reports)


# Sunday 6 December 2026 in huey's clock (UTC): 23:05 is the weekly digests' minute, 23:10 one of
# the SLA sweep's (every 10 minutes).
DIGEST_TICK = dt.datetime(2026, 12, 6, 23, 5)
SWEEP_TICK = dt.datetime(2026, 12, 6, 23, 10)


def test_two_consumers_run_each_sweep_once(tx_cast, cluster):
    cast = tx_cast
    cluster.start_redis()
    cluster.start_consumers(2, wait=False)

    # 1. The two schedulers of one tick enqueue each due periodic task once (without the claim,
    #    each would be enqueued, and run, twice). A queue of its own, that no consumer reads.
    def queued_by_two_schedulers(huey_class) -> list[str]:
        schedulers = [huey_class("claim-check", url=cluster.redis_url) for _ in range(2)]
        for scheduler in schedulers:
            scheduler._registry = HUEY._registry
            scheduler.flush()
        for tick in (DIGEST_TICK, SWEEP_TICK):
            for huey in schedulers:
                Scheduler(huey, None, 1, True).enqueue_periodic_tasks(tick)
        return sorted(task.name for task in schedulers[0].pending())

    due = sorted(
        task.name for tick in (DIGEST_TICK, SWEEP_TICK) for task in HUEY.read_periodic(tick)
    )
    assert {"send_digests_weekly", "sla_sweep"} <= set(due)
    assert queued_by_two_schedulers(OncePerTickRedisHuey) == due
    assert queued_by_two_schedulers(PriorityRedisHuey) == sorted(due * 2)

    # 2. A claim can still be lost (Redis restarted between the two schedulers) or a task run by
    #    hand: the sweeps' effects stay single when both consumers run them at once.
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        answered = [report_in(cast, Status.RESPONDED, title=f"Dijawab {i}") for i in range(3)]
        late = [report_in(cast, Status.DISPOSITIONED, title=f"Terlambat {i}") for i in range(3)]
    # Their reporters were reminded in the yellow zone (auto-close never comes unreminded).
    Report.objects.filter(pk__in=[r.pk for r in answered]).update(reminded_at=timezone.now())
    report_in(cast, Status.IN_PROGRESS, title="Lampu jalan mati di Seketeng")
    subscription = digests.subscribe("kades@contoh.test", village=late[0].village)
    digests.confirm(subscription)

    cluster.wait_consumers()
    queue = OncePerTickRedisHuey("aduan", url=cluster.redis_url)
    queue._registry = HUEY._registry
    copies = [
        task.s() for task in (sweeps.sla_sweep, web_tasks.send_digests_weekly) for _ in range(3)
    ]
    for copy in copies:
        queue.enqueue(copy)

    def outcome(task_id: str) -> str | None:
        """What a consumer logged of the task: huey keeps no result of a periodic task."""
        for name in ("consumer0", "consumer1"):
            for line in cluster.log(name).decode(errors="replace").splitlines():
                if task_id in line:
                    for word in ("executed in", "not run", "Unhandled exception"):
                        if word in line:
                            return word
        return None

    wait_for(
        lambda: all(outcome(copy.id) for copy in copies),
        60,
        "both consumers to be done with every copy",
        step=0.25,
    )
    # A copy that found the SLA sweep's lock taken gives up ("not run"); none failed.
    assert "Unhandled exception" not in [outcome(copy.id) for copy in copies]

    def events(report, kind):
        return Report.objects.get(pk=report.pk).events.filter(kind=kind).count()

    for report in answered:
        assert events(report, EventKind.AUTO_CLOSED) == 1
        assert Report.objects.get(pk=report.pk).status == Status.CLOSED
    for report in late:
        assert events(report, EventKind.OVERDUE) == 1
    closed_mail = Notification.objects.filter(
        kind="report_closed", channel="email", recipient=cast.citizen
    )
    assert closed_mail.count() == len(answered)  # one mail per closed report to its reporter
    assert Notification.objects.filter(kind="digest", address="kades@contoh.test").count() == 1
    subscription.refresh_from_db()
    assert subscription.last_sent_at is not None

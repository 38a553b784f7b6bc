"""/metrics for Prometheus: only with its token; what it counts follows the real actions."""

import datetime as dt
import re
import socket

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aduan.notifications import outbox
from aduan.notifications import tasks as notification_tasks
from aduan.notifications.models import Notification
from aduan.ops import metrics
from aduan.reports import tasks as report_tasks
from aduan.reports.models import Status

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db
TOKEN = "uji-token-metrik-123"
SAMPLE = re.compile(
    r'^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
    r'(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})? (?P<value>-?[0-9.e+-]+|NaN|[+-]Inf)$'
)


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict:
    """The page parsed: {(name, frozenset(labels)): value}, after checking every line's syntax
    (text format 0.0.4: HELP and TYPE once per family, before its samples)."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples, typed = {}, set()
    for line in response.content.decode().splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            assert kind in ("counter", "gauge") and name not in typed
            typed.add(name)
            continue
        if line.startswith("# HELP "):
            continue
        match = SAMPLE.match(line)
        assert match, line
        assert match["name"] in typed, line
        labels = frozenset(re.findall(r'([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"', match["labels"] or ""))
        samples[(match["name"], labels)] = float(match["value"])
    return samples


def value(samples, name, **labels):
    return samples[(name, frozenset(labels.items()))]


def test_it_does_not_exist_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer salah", f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"],
)
def test_it_refuses_without_its_token(client, token, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"aduan_" not in response.content


def test_a_staff_session_is_not_a_token(client, token, cast):
    client.force_login(cast.supervisor)
    assert client.get("/metrics").status_code == 401


def test_it_counts_reports_the_queue_and_overdue_ones(client, token, cast):
    report_in(cast, Status.SUBMITTED)
    report_in(cast, Status.SUBMITTED)
    report_in(cast, Status.IN_PROGRESS)
    report_in(cast, Status.CLOSED)
    samples = scrape(client)
    assert value(samples, "aduan_reports", status="submitted") == 2
    assert value(samples, "aduan_reports", status="in_progress") == 1
    assert value(samples, "aduan_reports", status="closed") == 1
    assert value(samples, "aduan_reports", status="archived") == 0
    assert value(samples, "aduan_dispatcher_queue_length") == 2
    assert value(samples, "aduan_reports_overdue") == 0

    # A month later the two unverified reports and the one in progress are past their limits.
    with time_machine.travel(timezone.now() + dt.timedelta(days=40)):
        later = scrape(client)
    assert value(later, "aduan_reports_overdue") == 3
    assert value(later, "aduan_dispatcher_queue_length") == 2


def test_it_counts_requests_by_method_and_status_class(client, token, cast):
    before = scrape(client)
    client.get("/")
    client.get("/")
    client.get("/tidak-ada-halaman-ini/")
    client.post("/metrics")  # 405
    after = scrape(client)

    def grew(method, status):
        key = ("aduan_http_requests_total", frozenset({"method": method, "status": status}.items()))
        return after[key] - before[key]

    # The scrape before this one counts too (it was answered after its own tally was read).
    assert grew("GET", "2xx") == 3
    assert grew("GET", "4xx") == 1
    assert grew("POST", "4xx") == 1
    assert len([k for k in after if k[0] == "aduan_http_requests_total"]) == len(
        metrics.REQUEST_KEYS
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_shows_the_outbox_backlog_its_age_and_failures(client, token, cast, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        report = file_report(cast)
    waiting = Notification.objects.filter(state=Notification.State.PENDING, channel="email").count()
    assert waiting >= 1
    with time_machine.travel(start + dt.timedelta(seconds=90), tick=False):
        samples = scrape(client)
    assert value(samples, "aduan_outbox_backlog", channel="email") == waiting
    assert value(samples, "aduan_outbox_oldest_age_seconds", channel="email") == 90
    assert value(samples, "aduan_outbox_oldest_age_seconds", channel="sms") == 0
    assert value(samples, "aduan_outbox_failed", channel="email") == 0

    # The mail server is down and the outbox gives up after its last attempt.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = Notification.objects.get(report=report, channel="email")
    outbox.deliver(message.pk)
    Notification.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver(message.pk)
    samples = scrape(client)
    assert value(samples, "aduan_outbox_failed", channel="email") == 1
    assert value(samples, "aduan_outbox_failed_attempts_total", channel="email") == 2
    assert value(samples, "aduan_outbox_backlog", channel="email") == waiting - 1


def test_the_sweeps_record_their_duration_and_last_run(client, token, cast):
    report_in(cast, Status.SUBMITTED)
    before = timezone.now().timestamp()
    report_tasks.sla_sweep.call_local()
    notification_tasks.deliver_due_notifications.call_local()
    samples = scrape(client)
    for sweep in ("sla_sweep", "outbox_due"):
        assert value(samples, "aduan_sweep_duration_seconds", sweep=sweep) >= 0
        assert value(samples, "aduan_sweep_last_run_timestamp_seconds", sweep=sweep) >= before
    assert value(samples, "aduan_huey_pending") >= 0


def test_its_cost_does_not_grow_with_the_archive(client, token, cast):
    """Four queries: reports by status, overdue, outbox by channel and state, failed attempts."""
    for _ in range(3):
        report_in(cast, Status.IN_PROGRESS)
    with CaptureQueriesContext(connection) as queries:
        scrape(client)
    app_queries = [q for q in queries.captured_queries if "django_session" not in q["sql"]]
    assert len(app_queries) == 4, [q["sql"] for q in app_queries]

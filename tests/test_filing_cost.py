"""What a filing costs the database (issue 18): a ceiling on the statements of one filing on each
channel, so that a lookup added to it shows here, and the SQLite specifics that kept two
gunicorn workers from filing more than ~15 reports a second: a table scan per filing, writers
sleeping in SQLite's busy handler, an fsync per queued task."""

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aduan.audit.models import AuditHead
from aduan.audit.trail import CHAINS
from aduan.core.queue import QueueHuey
from aduan.open311.demo import DEMO_KEY, seed_demo_application
from aduan.reports.models import Report
from tests.api.conftest import ApiClient
from tests.conftest import file_report

pytestmark = pytest.mark.django_db
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's planner and locking only"
)


def statements(queries) -> list[str]:
    """The statements that reach the database, savepoints and transaction control left out."""
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
    return [q["sql"] for q in queries if not q["sql"].startswith(skip)]


def every_audit_head() -> None:
    """The steady state: every audit chain has its head row (the migrations make them). A test
    that emptied the tables before this one leaves them to be made again by the first entry of
    each chain (three statements more), and a report's chain is its id modulo CHAINS."""
    for chain in range(CHAINS):
        AuditHead.objects.get_or_create(pk=chain + 1)


def test_it_files_an_open311_request_in_at_most_18_statements(client, cast):
    seed_demo_application()

    def file():
        return client.post(
            "/open311/v2/requests.json",
            {
                "api_key": DEMO_KEY,
                "service_code": "infrastruktur-jalan",
                "lat": "-8.5",
                "long": "117.43",
                "description": "Lubang besar di depan sekolah.",
                "attribute[status-jalan]": "kabupaten",
                "email": "warga@contoh.id",
            },
        )

    every_audit_head()
    with CaptureQueriesContext(connection) as queries:
        response = file()
    assert response.status_code == 201, response.content
    # The application; the category and its questions (twice: the view checks the answers'
    # shape, the action their rules); a free code; the SLA policy and holidays; the report, its
    # timeline event, its receipt (hashing the files just stored, not read back); the search
    # document (written, not read first: the report is new; FTS delete and insert on SQLite);
    # the outbox row; the audit chain's head, entry and head update; the link to the
    # application. Nothing merged into the new report is asked for.
    assert len(statements(queries.captured_queries)) <= 18, statements(queries.captured_queries)


def test_it_files_through_the_api_in_at_most_25_statements(cast):
    api = ApiClient(cast.citizen)
    form = {
        "title": "Lampu jalan padam",
        "description": "Sepanjang Jalan Hasanuddin gelap sejak dua minggu.",
        "category": "infrastruktur-jalan",
        "village": "52.04.08.1004",
        "extra_answers": '{"status-jalan": "kabupaten"}',
    }
    every_audit_head()
    with CaptureQueriesContext(connection) as queries:
        response = api.post_form("/reports", form, idempotency_key="cost-1")
    assert response.status_code == 201, response.content
    # As above without the application and the link to it, plus: the token (and its last use,
    # at most once a minute), the idempotency record (claimed, then its answer stored), the
    # village and its district, the reporter's notification preferences and chat channel (one
    # statement, `outbox.channels_of`), and the answer's timeline and files.
    assert len(statements(queries.captured_queries)) <= 25, statements(queries.captured_queries)


@sqlite_only
def test_a_filing_finds_merged_reports_by_index_even_after_analyze(cast):
    """Every later action asks for the reports merged into it (to address its notifications). With a
    full index over a column NULL in nearly every row, ANALYZE told SQLite each value matches
    every row, and it scanned the table (7 ms at 10,000 reports)."""
    for _ in range(3):
        file_report(cast)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        report = Report.objects.first()
        for related in (report.merged.all(), report.parts.all()):
            cursor.execute("EXPLAIN QUERY PLAN " + str(related.query))
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert "USING INDEX" in plan and "SCAN reports_report" not in plan, plan


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_writers_take_turns_and_wake_at_once(cast):
    """Two threads each hold a write transaction for 50 ms: the second starts within a few ms of
    the first one's end, not after SQLite's busy handler's next sleep."""
    path = f"{connection.settings_dict['NAME']}-writers.lock"
    spans: list[tuple[float, float]] = []

    def write():
        from django.db import connection as own

        with transaction.atomic():
            started = time.monotonic()
            Report.objects.filter(pk=-1).update(title="x")
            time.sleep(0.05)
        spans.append((started, time.monotonic()))
        own.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    (_first_start, first_end), (second_start, _second_end) = sorted(spans)
    assert second_start >= first_end - 0.001  # one after the other
    assert second_start - first_end < 0.02  # woken at once (the busy handler sleeps 25–100 ms)
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # released after both commits
    finally:
        os.close(fd)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_releases_the_writers_lock(cast):
    path = f"{connection.settings_dict['NAME']}-writers.lock"
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Report.objects.filter(pk=-1).update(title="x")
        fd = os.open(path, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(fd)
        1 / 0  # noqa: B018
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)


def test_the_sqlite_task_queue_writes_without_an_fsync_per_task(tmp_path):
    queue = QueueHuey("aduan-test", filename=str(tmp_path / "huey.sqlite3"))
    conn = queue.storage.conn
    assert conn.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL, not FULL (2)
    assert conn.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_each_step_of_the_life_cycle_stays_within_its_statements(cast):
    """Disposition, acceptance, answer and the reporter's acceptance, as `report_in` takes a
    report through them (bench/actions_cost.py measures the same, with their CPU). Each reads
    the locked report with its agency, category, reporter and who filed it; the reports merged
    into it once; the channels of all a message's recipients in one statement."""
    from aduan.reports import actions
    from tests.conftest import result_photo

    report = file_report(cast)
    every_audit_head()
    photo = result_photo()
    steps = {
        # The lock, the dispositions (end, new), the clock (policy, holidays), the report, the
        # search document (read, write, FTS delete and insert on SQLite) and its two regions (in
        # one query), the merged reports and followers, the event, the feed's event and
        # subscriptions, the audit chain (3), then per message: the recipients' channels and the
        # outbox rows, and the agency's officers.
        "disposition": (
            24,
            lambda: actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher),
        ),
        "accept": (17, lambda: actions.do_accept(report, actor=cast.officer_a)),
        "answer": (
            19,
            lambda: actions.do_answer(
                report, actor=cast.officer_a, text="Sudah.", attachments=[photo]
            ),
        ),
        "close": (15, lambda: actions.do_accept_answer(report, actor=cast.citizen, rating=5)),
    }
    for name, (ceiling, step) in steps.items():
        with CaptureQueriesContext(connection) as queries:
            step()
        made = statements(queries.captured_queries)
        assert len(made) <= ceiling, (name, made)

"""Two people acting on the same report at the same moment: exactly one wins, the other gets a
Conflict. Runs on the configured database: SQLite (file, WAL, IMMEDIATE transactions) under
`make test`, PostgreSQL (row locks) under `.ci/run`'s second pass."""

import threading

import pytest
from django.db import connections

from aduan.reports import actions, errors
from aduan.reports.models import Disposition, EventKind, Report, Status

from .conftest import file_report, report_in

# Real transactions: each thread has its own connection and commits for real.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def race(*calls):
    """Run the calls in threads that all start together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # collected and asserted by the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_two_concurrent_dispositions_make_exactly_one(tx_cast, attempt):
    cast = tx_cast
    report = file_report(cast)
    # Each dispatcher opened the report before either acted.
    copies = [Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)]
    results = race(
        lambda: actions.do_disposition(
            copies[0], cast.agency_a, actor=cast.dispatcher, instruction="A"
        ),
        lambda: actions.do_disposition(
            copies[1], cast.agency_b, actor=cast.dispatcher, instruction="B"
        ),
    )
    winners = [r for r in results if isinstance(r, Report)]
    losers = [r for r in results if isinstance(r, errors.Conflict)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert Disposition.objects.filter(report=report).count() == 1
    assert Report.objects.get(pk=report.pk).events.filter(kind=EventKind.DISPOSITIONED).count() == 1
    assert "baru saja diubah" in losers[0].message


def test_a_verdict_racing_the_auto_close_sweep_happens_once(tx_cast):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    cast = tx_cast
    report = report_in(cast, Status.RESPONDED)
    # The reporter was reminded (issue 15: no auto-close without a reminder first).
    Report.objects.filter(pk=report.pk).update(reminded_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=60)
    copies = [Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)]
    with time_machine.travel(later):
        results = race(
            lambda: actions.do_accept_answer(copies[0], actor=cast.citizen, rating=5),
            lambda: actions.do_auto_close(copies[1]),
        )
    assert sum(isinstance(r, Report) for r in results) == 1, results
    assert sum(isinstance(r, errors.Conflict) for r in results) == 1, results
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.status == Status.CLOSED
    assert fresh.events.filter(kind__in=[EventKind.SATISFIED, EventKind.AUTO_CLOSED]).count() == 1

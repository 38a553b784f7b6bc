"""Several workers run the sweeps at the same moment (as huey consumers on several machines):
each report changes once and each notification is queued once, then sent once."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connections
from django.utils import timezone

from aduan.notifications import outbox
from aduan.notifications.models import DeliveryAttempt, Notification
from aduan.reports import tasks
from aduan.reports.models import EventKind, Report, Status

from .conftest import report_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
WORKERS = 4


def together(work):
    barrier, results = threading.Barrier(WORKERS), []
    lock = threading.Lock()

    def run():
        try:
            barrier.wait()
            result = work()
        except Exception as exc:  # collected and asserted below
            result = exc
        finally:
            connections.close_all()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_concurrent_sweeps_close_each_report_once_and_notify_once(tx_cast):
    cast = tx_cast
    answered = [report_in(cast, Status.RESPONDED, title=f"Laporan {i}") for i in range(6)]
    overdue = [report_in(cast, Status.DISPOSITIONED, title=f"Terlambat {i}") for i in range(4)]
    # Their reporters were reminded in the yellow zone (auto-close never comes unreminded).
    Report.objects.filter(pk__in=[r.pk for r in answered]).update(reminded_at=timezone.now())
    later = timezone.now() + dt.timedelta(days=40)
    with time_machine.travel(later):
        results = together(tasks.run_sweeps)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(r["auto_closed"] for r in results) == len(answered)
        assert sum(r["marked_overdue"] for r in results) == len(overdue)
        for report in answered:
            assert (
                Report.objects.get(pk=report.pk).events.filter(kind=EventKind.AUTO_CLOSED).count()
                == 1
            )
        for report in overdue:
            assert (
                Report.objects.get(pk=report.pk).events.filter(kind=EventKind.OVERDUE).count() == 1
            )
        closed_mail = Notification.objects.filter(
            kind="report_closed", channel="email", recipient=cast.citizen
        )
        assert closed_mail.count() == len(answered)
        # Delivery by several workers at once (the messages as if not yet sent): each goes out once.
        DeliveryAttempt.objects.all().delete()
        Notification.objects.filter(channel="email").update(
            state=Notification.State.PENDING,
            attempts=0,
            next_attempt_at=later - dt.timedelta(minutes=1),
        )
        sent = together(lambda: sum(outbox.deliver(pk) for pk in outbox.due_ids()))
    total = Notification.objects.filter(channel="email").count()
    assert sum(sent) == total
    assert (
        Notification.objects.filter(channel="email", state=Notification.State.SENT).count() == total
    )
    assert all(
        n.delivery_attempts.count() == 1 for n in Notification.objects.filter(channel="email")
    )

import datetime as dt

import pytest
import time_machine

from aduan.notifications.models import Notification
from aduan.reports import tasks
from aduan.reports.models import EventKind, Status
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def test_it_reminds_the_reporter_once_before_the_report_closes_by_itself(cast):
    answered_at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(answered_at, tick=False):
        report = report_in(cast, Status.RESPONDED)
        assert tasks.send_reminders() == 0  # ten working days to go
    with time_machine.travel(report.warn_at + dt.timedelta(minutes=1), tick=False):
        assert tasks.send_reminders() == 1
        assert tasks.send_reminders() == 0  # once
    report.refresh_from_db()
    assert (
        report.status == Status.RESPONDED
        and report.events.filter(kind=EventKind.REMINDED).count() == 1
    )
    note = Notification.objects.get(
        kind="verdict_reminder", recipient=cast.citizen, channel="in_app"
    )
    assert "Pengingat" in note.subject


def test_no_reminder_after_the_verdict(cast):
    report = report_in(cast, Status.CLOSED)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=30), tick=False):
        assert tasks.send_reminders() == 0
    assert not Notification.objects.filter(kind="verdict_reminder", report=report).exists()

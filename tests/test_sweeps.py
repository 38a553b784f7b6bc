"""The huey sweeps, with frozen time: each change happens once, on the right day."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.notifications.models import Notification
from aduan.reports import actions, errors, tasks
from aduan.reports.models import ArchiveReason, EventKind, Status

from .conftest import report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def at(*args):
    return dt.datetime(*args, tzinfo=WITA)


def test_an_answer_without_verdict_closes_after_ten_working_days_once(cast):
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        report = report_in(cast, Status.RESPONDED)  # verdict due Wed 30 Dec 23:59
    with time_machine.travel(at(2026, 12, 30, 23, 0), tick=False):
        assert tasks.run_sweeps()["auto_closed"] == 0
    with time_machine.travel(at(2026, 12, 31, 0, 5), tick=False):
        assert tasks.run_sweeps()["auto_closed"] == 1
        assert tasks.run_sweeps()["auto_closed"] == 0
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating is None
    assert report.events.filter(kind=EventKind.AUTO_CLOSED).count() == 1
    assert (
        Notification.objects.filter(
            report=report, kind="report_closed", recipient=cast.citizen, channel="in_app"
        ).count()
        == 1
    )


def test_a_returned_report_is_archived_after_30_days_once(cast):
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        report = report_in(cast, Status.RETURNED)
    with time_machine.travel(at(2026, 4, 9, 9, 59), tick=False):
        assert tasks.auto_archive_returned() == 0
    with time_machine.travel(at(2026, 4, 9, 10, 1), tick=False):
        assert tasks.auto_archive_returned() == 1
        assert tasks.auto_archive_returned() == 0
    report.refresh_from_db()
    assert report.status == Status.ARCHIVED and report.archive_reason == ArchiveReason.INCOMPLETE
    assert report.events.filter(kind=EventKind.AUTO_ARCHIVED).count() == 1


def test_a_completed_return_is_not_archived(cast):
    with time_machine.travel(at(2026, 3, 10, 10, 0), tick=False):
        report = report_in(cast, Status.RETURNED)
        actions.do_resubmit(report, actor=cast.citizen, changes={"address": "Dusun Atas"})
    with time_machine.travel(at(2026, 5, 1, 10, 0), tick=False):
        tasks.run_sweeps()
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and report.overdue_since is not None


def test_overdue_reports_are_marked_once_and_the_agency_is_told(cast):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        report = report_in(cast, Status.DISPOSITIONED)  # accept due Mon 9 Nov 23:59
    with time_machine.travel(at(2026, 11, 9, 23, 0), tick=False):
        assert tasks.mark_overdue() == 0
    with time_machine.travel(at(2026, 11, 10, 8, 0), tick=False):
        assert tasks.mark_overdue() == 1
        assert tasks.mark_overdue() == 0
    report.refresh_from_db()
    assert report.overdue_since == at(2026, 11, 10, 8, 0)
    assert report.events.filter(kind=EventKind.OVERDUE).count() == 1
    assert (
        Notification.objects.filter(
            report=report, kind="report_overdue", recipient=cast.officer_a, channel="in_app"
        ).count()
        == 1
    )
    # A new step starts a new clock, which may become overdue again.
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        actions.do_accept(report, actor=cast.officer_a)
    assert report.overdue_since is None


def test_a_verdict_given_in_time_beats_the_sweep(cast):
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        report = report_in(cast, Status.RESPONDED)
    stale = type(report).objects.get(pk=report.pk)
    with time_machine.travel(at(2026, 12, 30, 22, 0), tick=False):
        actions.do_accept_answer(report, actor=cast.citizen, rating=4)
    with time_machine.travel(at(2026, 12, 31, 1, 0), tick=False):
        assert tasks.auto_close_unrated() == 0
        with pytest.raises(errors.Conflict):
            actions.do_auto_close(stale)
    report.refresh_from_db()
    assert report.rating == 4 and not report.events.filter(kind=EventKind.AUTO_CLOSED).exists()


def test_the_periodic_task_runs_all_sweeps(cast):
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        report_in(cast, Status.RESPONDED)
    with time_machine.travel(at(2027, 1, 20, 9, 0), tick=False):
        result = tasks.sla_sweep.call_local()
    assert result == {
        "awaiting_profile_reminded": 0,
        "auto_closed": 1,
        "auto_archived": 0,
        "marked_overdue": 0,
        "escalated": 0,
        "reminded": 0,
    }

"""The clock across March 2026 (Nyepi, Idul Fitri and cuti bersama from 18 to 24 March): the
sweep runs twice a day, and each reminder, overdue mark, escalation, auto-close and auto-archive
happens once, on the right day."""

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.notifications.models import Notification
from aduan.reports import actions, tasks
from aduan.reports.models import EventKind, Status, TimelineEvent
from tests.conftest import report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
CLOCK = {
    EventKind.REMINDED,
    EventKind.OVERDUE,
    EventKind.ESCALATED,
    EventKind.AUTO_CLOSED,
    EventKind.AUTO_ARCHIVED,
}


def at(day, hour, minute=0):
    return dt.datetime(2026, *day, hour, minute, tzinfo=WITA)


def test_it_runs_the_clock_across_a_month_with_holidays(cast):
    reports = {}
    with time_machine.travel(at((3, 2), 9), tick=False):  # Monday 2 March, 09:00 WITA
        reports["verify"] = report_in(cast, Status.SUBMITTED)
        reports["answer"] = report_in(cast, Status.IN_PROGRESS)
        reports["verdict"] = report_in(cast, Status.RESPONDED)
        reports["returned"] = report_in(cast, Status.RETURNED)
        reports["paused"] = report_in(cast, Status.IN_PROGRESS, paused=True)

    day = dt.date(2026, 3, 2)
    while day <= dt.date(2026, 4, 3):
        for hour, minute in ((0, 30), (12, 0)):
            with time_machine.travel(
                dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WITA), tick=False
            ):
                tasks.run_sweeps()
        if day == dt.date(2026, 3, 17):  # filed the day before the long holiday
            with time_machine.travel(at((3, 17), 13), tick=False):
                reports["before_holiday"] = report_in(cast, Status.SUBMITTED)
        day += dt.timedelta(days=1)

    seen = defaultdict(list)
    for event in (
        TimelineEvent.objects.filter(kind__in=CLOCK).select_related("report").order_by("created_at")
    ):
        name = next(k for k, r in reports.items() if r.pk == event.report_id)
        label = event.kind + (
            f"-{event.data['level']}" if event.kind == EventKind.ESCALATED else ""
        )
        seen[name].append((label, event.created_at.astimezone(WITA).strftime("%m-%d")))

    assert dict(seen) == {
        # verification, 3 working days: due Thu 5 March
        "verify": [
            ("reminded", "03-05"),
            ("overdue", "03-06"),
            ("escalated-1", "03-07"),
            ("escalated-2", "03-11"),
        ],
        # answer, 14 working days from the disposition, skipping 18–24 March: due Fri 27 March
        "answer": [
            ("reminded", "03-23"),
            ("overdue", "03-28"),
            ("escalated-1", "03-31"),
            ("escalated-2", "04-02"),
        ],
        # reporter's verdict, 10 working days: due Mon 16 March, closed the next day
        "verdict": [("reminded", "03-14"), ("auto_closed", "03-17")],
        # returned, 30 calendar days: due 1 April 09:00
        "returned": [("reminded", "03-26"), ("auto_archived", "04-01")],
        # filed Tue 17 March 13:00: 3 working days are 25, 26, 27 March
        "before_holiday": [
            ("reminded", "03-26"),
            ("overdue", "03-28"),
            ("escalated-1", "03-31"),
            ("escalated-2", "04-02"),
        ],
        # "paused": waiting for the reporter, the agency's clock stands still: nothing
    }

    answer = reports["answer"]
    escalations = Notification.objects.filter(
        report=answer, kind="report_escalated", channel="in_app"
    )
    assert {n.recipient for n in escalations.filter(subject__contains="tingkat 1")} == {
        cast.officer_a
    }
    assert {n.recipient for n in escalations.filter(subject__contains="tingkat 2")} == {
        cast.supervisor
    }


def test_it_escalates_once_when_two_sweeps_run_together(cast):
    with time_machine.travel(at((3, 2), 9), tick=False):
        report = report_in(cast, Status.DISPOSITIONED)
    with time_machine.travel(at((3, 20), 12), tick=False):
        assert actions.do_escalate(report, 1, after_working_days=1) is True
        assert actions.do_escalate(report, 1, after_working_days=1) is False
        tasks.run_sweeps()
        tasks.run_sweeps()
    assert report.events.filter(kind=EventKind.ESCALATED).count() == 2  # level 1, then level 2 once


def test_a_new_step_starts_a_new_clock(cast):
    with time_machine.travel(at((3, 2), 9), tick=False):
        report = report_in(cast, Status.SUBMITTED)
    with time_machine.travel(at((3, 9), 9), tick=False):
        tasks.run_sweeps()
        report.refresh_from_db()
        assert report.escalation_level == 1 and report.overdue_since is not None
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
        report.refresh_from_db()
        assert (report.escalation_level, report.overdue_since, report.reminded_at) == (
            0,
            None,
            None,
        )

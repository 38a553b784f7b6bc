"""Working days and deadlines (DESIGN §4), with time frozen. Times are WITA (UTC+8)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.directory.models import Category, Holiday, SlaPolicy, SlaStep
from aduan.reports import actions, sla
from aduan.reports.models import Status

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def at(*args):
    return dt.datetime(*args, tzinfo=WITA)


def end_of(day: dt.date):
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=WITA)


def test_the_calendar_has_lebaran_and_cuti_bersama_2026():
    days = set(
        Holiday.objects.filter(
            date__range=(dt.date(2026, 3, 16), dt.date(2026, 3, 27))
        ).values_list("date", flat=True)
    )
    # Nyepi and Idul Fitri 1447 H with their cuti bersama (SKB 3 Menteri).
    assert {dt.date(2026, 3, d) for d in (18, 19, 20, 23, 24)} <= days


def test_three_working_days_across_lebaran_end_on_the_right_day(cast):
    with time_machine.travel(at(2026, 3, 17, 10, 0), tick=False):
        report = file_report(cast)
    # 18–20 Mar holidays, 21–22 weekend, 23–24 cuti bersama: Wed 25, Thu 26, Fri 27.
    assert report.due_at == end_of(dt.date(2026, 3, 27))


def test_a_report_filed_on_friday_evening_counts_from_monday(cast):
    with time_machine.travel(at(2026, 11, 27, 21, 0), tick=False):
        report = file_report(cast)
    assert report.due_at == end_of(dt.date(2026, 12, 2))  # Mon 30 Nov, Tue 1, Wed 2 Dec


def test_a_holiday_added_by_the_sysadmin_counts(cast):
    Holiday.objects.create(date=dt.date(2026, 12, 1), name="Hari Jadi Kabupaten Sumbawa")
    with time_machine.travel(at(2026, 11, 27, 9, 0), tick=False):
        report = file_report(cast)
    assert report.due_at == end_of(dt.date(2026, 12, 3))


def test_the_answer_limit_counts_from_the_disposition_14_or_60_working_days(cast):
    with time_machine.travel(at(2026, 6, 1, 9, 0), tick=False):  # Pancasila day: a holiday
        normal = report_in(cast, Status.DISPOSITIONED)
        supervisory = report_in(
            cast, Status.DISPOSITIONED, category=Category.objects.get(code="pungli")
        )
    with time_machine.travel(at(2026, 6, 4, 9, 0), tick=False):
        actions.do_accept(normal, actor=cast.officer_a)
        actions.do_accept(supervisory, actor=cast.officer_a)
    cal = sla.Calendar(dt.date(2026, 6, 1), dt.date(2026, 12, 31))
    assert normal.due_at == end_of(cal.add_working_days(dt.date(2026, 6, 1), 14))
    assert normal.due_at == end_of(dt.date(2026, 6, 22))  # 16 Jun (Islamic new year) is off
    assert supervisory.due_at == end_of(cal.add_working_days(dt.date(2026, 6, 1), 60))


def test_a_returned_report_has_30_calendar_days(cast):
    with time_machine.travel(at(2026, 3, 17, 10, 0), tick=False):
        report = report_in(cast, Status.RETURNED)
    assert report.due_at == at(2026, 4, 16, 10, 0)


def test_a_category_policy_overrides_the_default(cast):
    category = Category.objects.get(code="infrastruktur-jalan")
    SlaPolicy.objects.create(step=SlaStep.VERIFY, days=1, category=category)
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):
        report = file_report(cast, category=category)
        other = file_report(cast, category=Category.objects.get(code="kesehatan"))
    assert report.due_at == end_of(dt.date(2026, 11, 24))
    assert other.due_at == end_of(dt.date(2026, 11, 26))


def test_zones_turn_yellow_within_a_working_day_and_red_after(cast):
    with time_machine.travel(at(2026, 11, 23, 9, 0), tick=False):  # Monday; due Thu 26 23:59
        report = file_report(cast)
    assert sla.zone(report, at(2026, 11, 24, 12, 0)) == sla.Zone.GREEN
    assert sla.zone(report, at(2026, 11, 26, 0, 1)) == sla.Zone.YELLOW
    assert sla.zone(report, at(2026, 11, 27, 0, 1)) == sla.Zone.RED


def test_the_yellow_share_of_a_long_limit(cast):
    limit = sla.Limit(days=60, working_days=True, warn_share=0.2)
    due, warn = sla.deadline(limit, at(2026, 1, 5, 9, 0))
    assert warn < due - dt.timedelta(days=10)  # a fifth of ~3 months, not just the last day


def test_asking_the_reporter_pauses_the_agencys_clock(cast):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        report = report_in(cast, Status.IN_PROGRESS)
    due = report.due_at
    with time_machine.travel(at(2026, 11, 9, 9, 0), tick=False):  # Monday
        actions.do_request_info(report, actor=cast.officer_a, text="Kirim foto.")
    assert sla.zone(report) == sla.Zone.PAUSED
    with time_machine.travel(at(2026, 11, 12, 15, 0), tick=False):  # Thursday: Tue, Wed, Thu passed
        actions.do_provide_info(report, actor=cast.citizen, text="Ini fotonya.")
    assert report.paused_at is None and report.paused_days == 3
    cal = sla.Calendar(dt.date(2026, 11, 1), dt.date(2027, 1, 31))
    assert report.due_at == end_of(cal.add_working_days(due.astimezone(WITA).date(), 3))
    assert report.events.get(kind="info_provided").data["paused_working_days"] == 3


def test_a_paused_report_is_never_marked_overdue(cast):
    from aduan.reports import tasks

    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        report = report_in(cast, Status.IN_PROGRESS, paused=True)
    with time_machine.travel(at(2027, 1, 29, 9, 0), tick=False):
        assert tasks.mark_overdue() == 0
    report.refresh_from_db()
    assert report.overdue_since is None


def test_the_verdict_limit_is_ten_working_days_from_the_answer(cast):
    with time_machine.travel(at(2026, 12, 14, 9, 0), tick=False):
        report = report_in(cast, Status.RESPONDED)
    # 24–25 Dec are off (cuti bersama, Christmas): Tue 15 … Wed 30 Dec is the 10th working day.
    assert report.due_at == end_of(dt.date(2026, 12, 30))

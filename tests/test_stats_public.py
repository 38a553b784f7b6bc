"""The public statistics page: no log-in, the supervisors' dashboard's figures for the same month,
definitions beside them, monthly trends and a CSV."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.utils import timezone

from aduan.reports import actions
from aduan.reports.models import Status
from aduan.stats import figures
from aduan.stats.public import month_period

from .conftest import report_in

pytestmark = pytest.mark.django_db

DAY = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def month_of_reports(cast):
    """March 2026: answered on time, reopened, rated, confidential, still waiting, archived."""
    with time_machine.travel(DAY, tick=False):
        report_in(cast, Status.CLOSED)
        reopened = report_in(cast, Status.RESPONDED, confidential=True)
        actions.do_reject_answer(reopened, actor=cast.citizen, reason="Belum diperbaiki.")
        report_in(cast, Status.IN_PROGRESS)
        report_in(cast, Status.SUBMITTED)
        report_in(cast, Status.ARCHIVED)
    return dt.date(2026, 3, 1)


def _dashboard_rows(client, cast, first):
    return figures.dashboard(month_period(first))


def test_it_shows_the_dashboards_figures_for_the_same_month(client, cast, month_of_reports):
    first = month_of_reports
    with time_machine.travel(DAY + dt.timedelta(days=5), tick=False):
        response = client.get("/statistik/", {"bulan": "2026-03"})
        assert response.status_code == 200
        public = response.context
        client.force_login(cast.supervisor)
        staff = client.get(
            "/kantor/statistik/", {"dari": "2026-03-01", "sampai": "2026-03-31"}
        ).context
    for attr in ("received", "open", "answers", "answers_on_time", "reopened", "answered"):
        assert getattr(public["total"], attr) == getattr(staff["total"], attr), attr
    for attr in ("on_time_pct", "median_answer", "reopen_pct", "avg_rating"):
        assert getattr(public["total"], attr) == getattr(staff["total"], attr), attr
    for group in ("agencies", "districts"):
        as_public = [
            (r.name, r.received, r.on_time_pct, r.median_answer, r.reopen_pct, r.avg_rating)
            for r in public[group]
        ]
        as_staff = [
            (r.name, r.received, r.on_time_pct, r.median_answer, r.reopen_pct, r.avg_rating)
            for r in staff[group]
        ]
        assert as_public == as_staff, group
    assert public["total"].received == 5
    assert public["total"].reopened == 1
    assert public["status_share"] == staff["status_share"]
    assert first == public["period"].start


def test_it_names_no_report_and_explains_each_figure(client, cast, month_of_reports):
    with time_machine.travel(DAY + dt.timedelta(days=5), tick=False):
        body = client.get("/statistik/", {"bulan": "2026-03"}).content.decode()
    assert "SBW-" not in body and "/laporan/" not in body.split("<main", 1)[1]
    assert "Bagian tindak lanjut (setiap putaran) yang diberikan dalam batas waktu" in body
    assert "Nilai tengah hari kerja dari disposisi sampai tindak lanjut pertama." in body
    assert "Dinas Pekerjaan Umum" in body or "PUPR" in body


def test_the_trend_runs_month_by_month(client, cast, month_of_reports):
    with time_machine.travel(DAY + dt.timedelta(days=40), tick=False):
        report_in(cast, Status.SUBMITTED)  # April
        context = client.get("/statistik/", {"bulan": "2026-04"}).context
    months = [(m, t.received) for m, t in context["month_trend"]]
    assert [m for m, _n in months] == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 1),
    ]
    assert months[-2:] == [(dt.date(2026, 3, 1), 5), (dt.date(2026, 4, 1), 1)]


def test_it_downloads_as_csv(client, cast, month_of_reports):
    with time_machine.travel(DAY + dt.timedelta(days=5), tick=False):
        response = client.get("/statistik/", {"bulan": "2026-03", "format": "csv"})
        dashboard = _dashboard_rows(client, cast, month_of_reports)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    total = [r for r in rows if r[1] == "Total"]
    assert total and int(total[0][3]) == dashboard["total"].received == 5
    assert total[0][4] == f"{dashboard['total'].on_time_pct}"
    agencies = [r for r in rows if r[1] == "Perangkat daerah"]
    assert len(agencies) == len(dashboard["agencies"])


def test_a_month_in_the_future_or_unreadable_shows_this_month(client, db):
    today = timezone.localdate()
    for value in ("2098-01", "bukan-bulan", ""):
        context = client.get("/statistik/", {"bulan": value}).context
        assert context["month"] == today.replace(day=1)

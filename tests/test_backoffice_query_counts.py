"""Every list and the dashboard run a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db


def _grow(cast, n):
    for i in range(n):
        report = report_in(cast, Status.IN_PROGRESS, title=f"Laporan {i}")
        actions.do_answer(
            report, actor=cast.officer_a, text="Selesai.", attachments=[result_photo()]
        )
        actions.do_reject_answer(report, actor=cast.citizen, reason="Belum.")
        report_in(cast, Status.SUBMITTED, title=f"Baru {i}")
        report_in(cast, Status.DISPOSITIONED, title=f"Disposisi {i}")


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


# (who, url, queries): session, user, the user's authenticator app (staff MFA, StaffMfaMiddleware),
# unread notifications (the menu's badge), then the page's own queries, listed in the comment.
PAGES = [
    # count + page of reports (with its category, agency, district, officer), agencies and
    # categories for the filters, the user's macros for the ticked rows (issue 17)
    ("dispatcher", "/kantor/antrean/", 4 + 5),
    # the same, the officer's agency for the heading, and its sub-units for their column and
    # filter (issue 16)
    ("officer_a", "/kantor/kotak-masuk/", 4 + 7),
    # the same, and the user's saved filters (one query, issue 17); a supervisor has no macros
    ("supervisor", "/kantor/laporan/?status=open", 4 + 5),
    # count + page of audit entries, the anonymous reports on the page (their reporters' names
    # hidden)
    ("supervisor", "/kantor/audit/", 4 + 3),
    # 3 grouped aggregates, acceptances, answers, holidays, average rating, trend, share by status
    ("supervisor", "/kantor/statistik/?dari=2020-01-01&sampai=2030-12-31", 4 + 9),
    # the overdue reports with agency and category
    ("dispatcher", "/kantor/statistik/terlambat/", 4 + 1),
]


@pytest.mark.parametrize("who,url,expected", PAGES)
def test_it_pins_the_query_count_of_each_list(client, cast, who, url, expected):
    client.force_login(getattr(cast, who))
    _grow(cast, 1)
    few = _count(client, url)
    _grow(cast, 4)
    many = _count(client, url)
    assert few == many == expected


def test_it_pins_the_export_query_count(client, cast):
    client.force_login(cast.supervisor)
    _grow(cast, 1)
    # Once before counting: what a process caches on its first export (holidays, content types)
    # depends on which tests ran before in it.
    b"".join(client.get("/kantor/laporan/?format=csv").streaming_content)
    counts = []
    for _round in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/kantor/laporan/?format=csv")
            b"".join(response.streaming_content)
        counts.append(len(ctx.captured_queries))
        _grow(cast, 3)
    assert counts[0] == counts[1]

"""The named scopes of `Report.objects` (issue 11 §2, STYLE §12): what each contains, and that
the API, the back office and the supervisors' pages ask for them, so they agree."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache

from aduan.reports import actions
from aduan.reports.models import Report, Status
from tests.api.conftest import ApiClient
from tests.conftest import report_in

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)  # every limit has passed since


@pytest.fixture
def world(cast):
    """One report of each kind: staff late, staff on time, and the reporter's turn, late too."""
    with time_machine.travel(LONG_AGO, tick=False):
        late_queue = report_in(cast, Status.SUBMITTED, title="Antrean terlambat")
        late_agency = report_in(cast, Status.IN_PROGRESS, title="Perangkat daerah terlambat")
        paused = report_in(cast, Status.IN_PROGRESS, paused=True, title="Menunggu informasi")
        returned = report_in(cast, Status.RETURNED, title="Dikembalikan")
        responded = report_in(cast, Status.RESPONDED, title="Menunggu penilaian")
        closed = report_in(cast, Status.CLOSED, title="Selesai")
        other_agency = report_in(cast, Status.SUBMITTED, title="Perangkat daerah lain")
        actions.do_disposition(
            other_agency, cast.agency_b, actor=cast.dispatcher, instruction="Tangani."
        )
    fresh_queue = report_in(cast, Status.SUBMITTED, title="Antrean baru")
    fresh_agency = report_in(cast, Status.DISPOSITIONED, title="Terdisposisi baru")
    cache.clear()  # list fragments cached by an earlier page
    return {
        name: Report.objects.get(pk=report.pk)
        for name, report in locals().items()
        if isinstance(report, Report)
    }


def codes(queryset) -> set[str]:
    return set(queryset.values_list("code", flat=True))


def test_each_scope_holds_exactly_its_reports(cast, world):
    w = {name: r.code for name, r in world.items()}
    objects = Report.objects
    assert codes(objects.dispatcher_queue()) == {w["late_queue"], w["fresh_queue"]}
    assert codes(objects.agency_inbox(cast.agency_a)) == {
        w["late_agency"],
        w["paused"],
        w["fresh_agency"],
    }  # not the answered one: it waits on the reporter
    assert codes(objects.agency_inbox(cast.agency_b)) == {w["other_agency"]}
    assert codes(objects.waiting_for_reporter()) == {
        w["paused"],
        w["returned"],
        w["responded"],
    }
    # Overdue counts only time staff owe: the returned and answered reports are past their
    # reporter's deadline and the paused one past the agency's, yet none of them is late.
    assert codes(objects.overdue()) == {w["late_queue"], w["late_agency"], w["other_agency"]}
    assert codes(objects.on_track()) == {w["fresh_queue"], w["fresh_agency"]}
    assert not objects.due_soon().exists()
    fresh = world["fresh_agency"]
    nearly = fresh.warn_at + dt.timedelta(minutes=1)
    assert fresh.warn_at < nearly < fresh.due_at
    assert fresh.code in codes(objects.due_soon(nearly))
    assert codes(objects.in_zone("red")) == codes(objects.overdue())
    assert codes(objects.in_zone("nonsense")) == codes(objects.all())
    assert not codes(objects.waiting_for_reporter()) & codes(
        objects.overdue() | objects.due_soon() | objects.on_track()
    )


def test_the_api_the_back_office_and_the_dashboard_agree(client, cast, world):
    overdue = codes(Report.objects.overdue())
    # Agency inbox: API and back office.
    api_inbox = ApiClient(cast.officer_a).get("/staff/inbox").json()["items"]
    client.force_login(cast.officer_a)
    back_office_inbox = client.get("/kantor/kotak-masuk/").context["page"]
    expected = codes(Report.objects.agency_inbox(cast.agency_a))
    assert {r["code"] for r in api_inbox} == {r.code for r in back_office_inbox} == expected
    # Dispatcher queue: API and back office.
    api_queue = ApiClient(cast.dispatcher).get("/staff/queue").json()["items"]
    client.force_login(cast.dispatcher)
    back_office_queue = client.get("/kantor/antrean/").context["page"]
    expected = codes(Report.objects.dispatcher_queue())
    assert {r["code"] for r in api_queue} == {r.code for r in back_office_queue} == expected
    # Overdue: the API's filter and figure, the back office's red zone, the supervisors' list.
    dispatcher = ApiClient(cast.dispatcher)
    api_overdue = dispatcher.get("/reports", {"overdue": "true", "limit": 100}).json()["items"]
    assert {r["code"] for r in api_overdue} == overdue
    assert dispatcher.get("/staff/dashboard").json()["overdue"] == len(overdue)
    red = client.get("/kantor/laporan/", {"zone": "red"}).context["page"]
    assert {r.code for r in red} == overdue
    client.force_login(cast.supervisor)
    assert {r.code for r in client.get("/kantor/statistik/terlambat/").context["rows"]} == overdue
    assert ApiClient(cast.supervisor).get("/staff/dashboard").json()["paused"] == len(
        codes(Report.objects.waiting_for_reporter())
    )

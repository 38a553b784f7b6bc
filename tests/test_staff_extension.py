"""Deadline extension (issue 17, staff tools): the agency asks with a reason and a number of
working days, a supervisor grants or refuses; granted, the deadline moves by working days and
the public report page shows it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.directory.models import Holiday
from aduan.notifications.models import Notification
from aduan.reports import actions, errors
from aduan.reports.models import Audience, DeadlineExtension, EventKind, Status
from tests.api.conftest import ApiClient
from tests.conftest import report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")
MONDAY = dt.datetime(2026, 9, 7, 10, 0, tzinfo=WITA)


def test_it_moves_the_deadline_by_working_days_and_shows_it_in_public(client, cast):
    with time_machine.travel(MONDAY, tick=False):
        report = report_in(cast, Status.IN_PROGRESS, confidential=False)
    # 14 working days from Monday 7 September: Friday 25 September, 23:59 WITA.
    assert report.due_at.astimezone(WITA).date() == dt.date(2026, 9, 25)
    Holiday.objects.create(date=dt.date(2026, 9, 29), name="Libur daerah uji")
    with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
        actions.do_request_extension(
            report, actor=cast.officer_a, working_days=5, reason="Menunggu alat berat."
        )
        report.refresh_from_db()
        assert report.due_at.astimezone(WITA).date() == dt.date(2026, 9, 25)  # not yet granted
        actions.do_decide_extension(report, actor=cast.supervisor, approve=True)
    report.refresh_from_db()
    # Five working days after Friday the 25th: 28, 30 September, 1, 2, 5 October (weekend and
    # the holiday on the 29th skipped), still at 23:59 WITA.
    due = report.due_at.astimezone(WITA)
    assert (due.date(), due.time()) == (dt.date(2026, 10, 5), dt.time(23, 59, 59))
    extension = DeadlineExtension.objects.get(report=report)
    assert extension.state == DeadlineExtension.State.APPROVED
    assert extension.decided_by == cast.supervisor
    assert report.pending_extension_id is None
    granted = report.events.get(kind=EventKind.EXTENSION_APPROVED)
    assert granted.audience == Audience.PUBLIC
    assert granted.data["working_days"] == 5 and granted.data["until"] == "2026-10-05"
    assert report.events.get(kind=EventKind.EXTENSION_REQUESTED).audience == Audience.INTERNAL
    # The public page (no log-in) shows the extension, its length, the new date and the reason.
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "Batas waktu diperpanjang" in page
    assert "5 hari kerja, batas waktu baru 2026-10-05" in page
    assert "Menunggu alat berat." in page
    # So does the public API's timeline.
    timeline = ApiClient().get(f"/public/reports/{report.code}").json()["timeline"]
    assert "extension_granted" in [e["kind"] for e in timeline]
    assert "extension_asked" not in [e["kind"] for e in timeline]
    # The reporter and the agency are told; the supervisors were told of the request.
    kinds = set(Notification.objects.filter(recipient=cast.citizen).values_list("kind", flat=True))
    assert "extension_decided" in kinds
    assert Notification.objects.filter(
        recipient=cast.supervisor, kind="extension_requested"
    ).exists()


def test_it_clears_the_overdue_mark_when_the_new_deadline_is_ahead(cast):
    with time_machine.travel(MONDAY, tick=False):
        report = report_in(cast, Status.IN_PROGRESS)
    with time_machine.travel(dt.datetime(2026, 9, 28, 9, 0, tzinfo=WITA), tick=False):
        assert actions.do_mark_overdue(report)
        actions.do_request_extension(
            report, actor=cast.officer_a, working_days=3, reason="Cuaca buruk."
        )
        actions.do_decide_extension(report, actor=cast.supervisor, approve=True)
    report.refresh_from_db()
    assert report.overdue_since is None
    assert report.due_at.astimezone(WITA).date() == dt.date(2026, 9, 30)


def test_a_refusal_keeps_the_deadline_and_stays_internal(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    due = report.due_at
    actions.do_request_extension(report, actor=cast.officer_a, working_days=10, reason="Sibuk.")
    with pytest.raises(errors.InvalidInput):
        actions.do_decide_extension(report, actor=cast.supervisor, approve=False)
    actions.do_decide_extension(
        report, actor=cast.supervisor, approve=False, note="Alasan tidak cukup."
    )
    report.refresh_from_db()
    assert report.due_at == due
    refused = report.events.get(kind=EventKind.EXTENSION_REFUSED)
    assert refused.audience == Audience.INTERNAL
    assert DeadlineExtension.objects.get(report=report).state == DeadlineExtension.State.REFUSED


def test_it_refuses_the_wrong_people_and_a_second_request(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    for outsider in (cast.officer_b, cast.dispatcher, cast.supervisor, cast.citizen):
        with pytest.raises(errors.NotPermitted):
            actions.do_request_extension(report, actor=outsider, working_days=2, reason="x")
    with pytest.raises(errors.InvalidInput):
        actions.do_request_extension(report, actor=cast.officer_a, working_days=0, reason="x")
    with pytest.raises(errors.InvalidState):  # nothing waits for a decision
        actions.do_decide_extension(report, actor=cast.supervisor, approve=True)
    actions.do_request_extension(report, actor=cast.officer_a, working_days=2, reason="Hujan.")
    with pytest.raises(errors.InvalidState):
        actions.do_request_extension(report, actor=cast.officer_a, working_days=2, reason="Lagi.")
    for outsider in (cast.officer_a, cast.dispatcher, cast.citizen):
        with pytest.raises(errors.NotPermitted):
            actions.do_decide_extension(report, actor=outsider, approve=True)


def test_it_goes_through_the_back_office_and_the_api(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/request_extension/",
        {"version": report.version, "working_days": 4, "reason": "Menunggu material."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    client.force_login(cast.supervisor)
    page = client.get(f"/kantor/laporan/{report.code}/")
    assert "decide_extension" in {a for a, _label in page.context["actions"]}
    assert "Menunggu material." in page.content.decode()
    answer = ApiClient(cast.supervisor).post(
        f"/reports/{report.code}/extension/decision",
        {"approve": True, "expected_version": report.version},
    )
    assert answer.status_code == 200
    assert "extension_granted" in [e["kind"] for e in answer.json()["timeline"]]
    again = ApiClient(cast.officer_a).post(
        f"/reports/{report.code}/extension", {"working_days": 2, "reason": "Hujan deras."}
    )
    assert again.status_code == 200

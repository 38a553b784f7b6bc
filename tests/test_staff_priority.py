"""Priority (issue 17, staff tools): a default per category, set by the dispatcher through its
action, and the order of the dispatcher's queue and the agency inbox (back office and API)."""

import pytest

from aduan.audit.models import AuditEntry
from aduan.directory.models import Category, Priority
from aduan.reports import actions, errors
from aduan.reports.models import Audience, EventKind, Status
from tests.api.conftest import ApiClient
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db


def test_it_files_a_report_with_its_categorys_default_priority(cast):
    category = Category.objects.get(code="infrastruktur-jalan")
    category.default_priority = Priority.HIGH
    category.save()
    assert file_report(cast).priority == Priority.HIGH
    assert file_report(cast, category=None).priority == Priority.NORMAL


def test_it_lets_the_dispatcher_change_the_priority_on_the_internal_timeline(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    actions.do_set_priority(
        report, Priority.URGENT, actor=cast.dispatcher, reason="Akses sekolah terputus."
    )
    report.refresh_from_db()
    assert report.priority == Priority.URGENT
    event = report.events.get(kind=EventKind.PRIORITY_CHANGED)
    assert event.audience == Audience.INTERNAL
    assert event.data == {"priority": ["normal", "urgent"]}
    assert event.text == "Akses sekolah terputus."
    assert (
        AuditEntry.objects.filter(
            action=EventKind.PRIORITY_CHANGED, report_code=report.code
        ).count()
        == 1
    )
    # The same priority again changes nothing and writes nothing.
    actions.do_set_priority(report, Priority.URGENT, actor=cast.dispatcher)
    assert report.events.filter(kind=EventKind.PRIORITY_CHANGED).count() == 1


def test_it_refuses_the_priority_to_anyone_but_the_dispatcher_and_a_stale_form(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    with pytest.raises(errors.NotPermitted):
        actions.do_set_priority(report, Priority.LOW, actor=cast.officer_a)
    with pytest.raises(errors.NotPermitted):
        actions.do_set_priority(report, Priority.LOW, actor=cast.supervisor)
    with pytest.raises(errors.Conflict):
        actions.do_set_priority(
            report, Priority.LOW, actor=cast.dispatcher, expected_version=report.version - 1
        )
    with pytest.raises(errors.InvalidInput):
        actions.do_set_priority(report, "segera", actor=cast.dispatcher)
    closed = report_in(cast, Status.CLOSED)
    with pytest.raises(errors.InvalidState):
        actions.do_set_priority(closed, Priority.LOW, actor=cast.dispatcher)


def _four_in_the_queue(cast):
    """Four submitted reports filed in this order: A normal, B low, C urgent, D normal."""
    reports = [file_report(cast, title=f"Laporan {name}") for name in "ABCD"]
    for report, priority in zip(reports, [None, Priority.LOW, Priority.URGENT, None], strict=True):
        if priority is not None:
            actions.do_set_priority(report, priority, actor=cast.dispatcher)
    return reports


def test_it_orders_the_queue_by_priority_then_deadline(client, cast):
    a, b, c, d = _four_in_the_queue(cast)
    client.force_login(cast.dispatcher)
    body = client.get("/kantor/antrean/").content.decode()
    positions = [body.index(r.code) for r in (c, a, d, b)]
    assert positions == sorted(positions)


def test_it_orders_the_inbox_by_priority_then_deadline(client, cast):
    first, second, third = (report_in(cast, Status.DISPOSITIONED) for _ in range(3))
    actions.do_set_priority(third, Priority.HIGH, actor=cast.dispatcher)
    actions.do_set_priority(first, Priority.LOW, actor=cast.dispatcher)
    client.force_login(cast.officer_a)
    body = client.get("/kantor/kotak-masuk/").content.decode()
    positions = [body.index(r.code) for r in (third, second, first)]
    assert positions == sorted(positions)


def test_it_orders_the_api_queue_the_same_way_across_pages(cast):
    a, b, c, d = _four_in_the_queue(cast)
    api = ApiClient(cast.dispatcher)
    codes, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get("/staff/queue", params).json()
        codes += [item["code"] for item in page["items"]]
        assert all(item["priority"] in {"urgent", "normal", "low"} for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert codes == [r.code for r in (c, a, d, b)]
    assert api.get("/staff/queue", {"cursor": "bukan-kursor"}).status_code == 400


def test_it_orders_the_api_inbox_by_priority(cast):
    first, second = report_in(cast, Status.DISPOSITIONED), report_in(cast, Status.IN_PROGRESS)
    actions.do_set_priority(second, Priority.URGENT, actor=cast.dispatcher)
    items = ApiClient(cast.officer_a).get("/staff/inbox").json()["items"]
    assert [i["code"] for i in items] == [second.code, first.code]


def test_it_changes_the_priority_through_the_api_and_the_back_office(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    api = ApiClient(cast.dispatcher)
    answer = api.post(f"/reports/{report.code}/priority", {"priority": "high"})
    assert answer.status_code == 200
    assert answer.json()["priority"] == "high"
    assert ApiClient(cast.officer_a).post(
        f"/reports/{report_in(cast, Status.IN_PROGRESS).code}/priority", {"priority": "low"}
    ).status_code in (403, 404)
    report.refresh_from_db()
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/set_priority/",
        {"version": report.version, "priority": Priority.LOW, "reason": ""},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.priority == Priority.LOW
    assert report.events.filter(kind=EventKind.PRIORITY_CHANGED).count() == 2

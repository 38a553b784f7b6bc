import pytest

from aduan.notifications.models import Notification
from aduan.reports.models import Status
from tests.api.conftest import ApiClient, error_of
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db


def test_the_dispatcher_queue_holds_unverified_reports_and_denies_others(
    cast, django_assert_num_queries
):
    waiting = file_report(cast)
    report_in(cast, Status.DISPOSITIONED)
    dispatcher = ApiClient(cast.dispatcher)
    dispatcher.get("/me")
    # 1 the token and its user, 2 one page of reports with their related rows
    with django_assert_num_queries(2):
        items = dispatcher.get("/staff/queue").json()["items"]
    assert [r["code"] for r in items] == [waiting.code]
    for user in (cast.citizen, cast.officer_a, cast.supervisor):
        error_of(ApiClient(user).get("/staff/queue"), 403)


def test_the_agency_inbox_holds_its_own_reports_only(cast):
    mine = report_in(cast, Status.IN_PROGRESS)
    body = ApiClient(cast.officer_a).get("/staff/inbox").json()
    assert [r["code"] for r in body["items"]] == [mine.code]
    assert ApiClient(cast.officer_b).get("/staff/inbox").json()["items"] == []
    error_of(ApiClient(cast.dispatcher).get("/staff/inbox"), 403)


def test_the_dashboard_counts_for_staff_only(cast):
    report_in(cast, Status.IN_PROGRESS)
    file_report(cast)
    body = ApiClient(cast.supervisor).get("/staff/dashboard").json()
    assert body["by_status"]["in_progress"] == 1 and body["open"] == 2
    assert ApiClient(cast.officer_b).get("/staff/dashboard").json()["open"] == 0
    error_of(ApiClient(cast.citizen).get("/staff/dashboard"), 403)


def test_the_public_feed_never_shows_confidential_or_unverified_reports(cast):
    public = report_in(cast, Status.DISPOSITIONED)
    secret = report_in(cast, Status.DISPOSITIONED, confidential=True)
    waiting = file_report(cast)
    codes = [r["code"] for r in ApiClient().get("/public/reports").json()["items"]]
    assert codes == [public.code]
    assert ApiClient().get(f"/public/reports/{public.code}").json()["reporter"]["hidden"] is True
    for report in (secret, waiting):
        error_of(ApiClient().get(f"/public/reports/{report.code}"), 404)
    stats = ApiClient().get("/public/statistics").json()
    assert stats["total"] == 1 and stats["by_agency"] == {"pupr": 1}


def test_master_data_is_open(cast):
    categories = ApiClient().get("/categories").json()
    road = next(c for c in categories if c["code"] == "infrastruktur-jalan")
    assert road["questions"][0]["code"] == "status-jalan"
    assert any(a["code"] == "pupr" for a in ApiClient().get("/agencies").json())
    villages = ApiClient().get("/regions", {"parent": "52.04.08"}).json()
    assert villages and all(v["parent"] == "52.04.08" for v in villages)
    error_of(ApiClient().get("/regions", {"level": 9}), 422)


def test_notifications_are_listed_and_marked_read_by_their_owner_only(cast):
    report_in(cast, Status.DISPOSITIONED)
    citizen = ApiClient(cast.citizen)
    items = citizen.get("/notifications").json()["items"]
    assert items and all(n["read_at"] is None for n in items)
    first = items[0]["id"]
    assert citizen.post(f"/notifications/{first}/read").json()["read_at"] is not None
    assert first not in [
        n["id"] for n in citizen.get("/notifications", {"unread": "true"}).json()["items"]
    ]
    error_of(ApiClient(cast.other_citizen).post(f"/notifications/{first}/read"), 404)
    assert Notification.objects.get(pk=first).recipient == cast.citizen


def test_the_public_feed_and_notifications_pin_their_queries(cast, django_assert_num_queries):
    for _ in range(3):
        report_in(cast, Status.DISPOSITIONED)
    # 1 one page of public reports with category, agency, district and village
    with django_assert_num_queries(1):
        assert len(ApiClient().get("/public/reports").json()["items"]) == 3
    citizen = ApiClient(cast.citizen)
    citizen.get("/me")
    # 1 the token and its user, 2 one page of notifications with their reports
    with django_assert_num_queries(2):
        assert (
            len(citizen.get("/notifications").json()["items"]) == 6
        )  # received and dispositioned, for each of the three

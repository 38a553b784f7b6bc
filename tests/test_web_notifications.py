import pytest

from aduan.notifications.models import Notification
from aduan.reports.models import Status
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db


def test_it_lists_my_notifications_with_the_unread_count(client, cast, django_assert_num_queries):
    report_in(cast, Status.RESPONDED)  # received, dispositioned, accepted, answered
    file_report(cast, reporter=cast.other_citizen)
    client.force_login(cast.citizen)
    # session, user, unread count, count of the page, the page (report joined)
    with django_assert_num_queries(5):
        response = client.get("/notifikasi/")
    subjects = [n.subject for n in response.context["page"]]
    assert len(subjects) == 4 and response.context["unread_count"] == 4
    assert any("telah ditindaklanjuti" in s for s in subjects)


def test_opening_one_marks_it_read_and_goes_to_the_report(client, cast):
    report = file_report(cast)
    note = Notification.objects.get(recipient=cast.citizen, channel="in_app")
    client.force_login(cast.citizen)
    response = client.get(f"/notifikasi/{note.pk}/")
    assert response["Location"] == f"/laporan/{report.code}/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert client.get("/").context["unread_count"] == 0


def test_nobody_opens_another_users_notification(client, cast):
    file_report(cast)
    note = Notification.objects.get(recipient=cast.citizen, channel="in_app")
    client.force_login(cast.other_citizen)
    assert client.get(f"/notifikasi/{note.pk}/")["Location"] == "/notifikasi/"
    note.refresh_from_db()
    assert note.read_at is None
    assert list(client.get("/notifikasi/").context["page"]) == []


def test_mark_all_read(client, cast):
    report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.citizen)
    client.post("/notifikasi/baca-semua/")
    assert not Notification.objects.filter(
        recipient=cast.citizen, channel="in_app", read_at__isnull=True
    ).exists()

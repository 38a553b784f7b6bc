""" "Dukung & ikuti" (issue 15): a supporter follows the report and hears of its status changes
through their channels, code and status only; following stops from the report page or from the
link in any such message, without logging in, and a mail scanner opening that link stops nothing."""

import re

import pytest

from aduan.notifications.models import Notification
from aduan.reports import actions
from aduan.reports.models import Status, Support
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db


def followed(cast, report):
    return Notification.objects.filter(
        report=report, recipient=cast.other_citizen, kind="report_followed"
    )


def test_a_supporter_hears_of_each_status_change_and_nothing_more(cast):
    report = report_in(cast, Status.DISPOSITIONED, title="Jalan berlubang dekat rumah Pak Made")
    actions.do_support(report, actor=cast.other_citizen)
    actions.do_accept(report, actor=cast.officer_a)
    mail = followed(cast, report).get(channel="email")
    text = mail.subject + mail.body
    assert report.code in text and f"kini: {report.get_status_display()}" in text
    assert "Pak Made" not in text  # the report's words are not sent to followers
    assert "karena mendukung laporan ini" in mail.body
    assert followed(cast, report).filter(channel="in_app").exists()
    # A change that does not move the status (a note) tells no follower.
    count = followed(cast, report).count()
    actions.do_add_note(report, actor=cast.officer_a, text="Material dipesan.")
    assert followed(cast, report).count() == count
    # The reporter still gets their own messages, not a follower's.
    assert not Notification.objects.filter(
        report=report, recipient=cast.citizen, kind="report_followed"
    ).exists()


def test_the_link_in_the_message_stops_following_without_logging_in(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    actions.do_support(report, actor=cast.other_citizen)
    actions.do_accept(report, actor=cast.officer_a)
    body = followed(cast, report).get(channel="email").body
    link = re.search(r"https?://\S+/berhenti-ikuti/\S+/", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    asked = client.get(f"/{path}")  # a mail scanner opening the link changes nothing
    assert asked.status_code == 200 and "Ya, berhenti mengikuti" in asked.content.decode()
    assert Support.objects.get(report=report, user=cast.other_citizen).following
    done = client.post(f"/{path}")
    assert done.status_code == 200 and report.code in done.content.decode()
    assert not Support.objects.get(report=report, user=cast.other_citizen).following

    before = followed(cast, report).count()
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[result_photo()]
    )
    assert followed(cast, report).count() == before
    # A forged or altered link opens nothing.
    assert client.get("/berhenti-ikuti/bukan-tanda-tangan/").status_code == 404
    assert client.post(f"/{path[:-3]}x/").status_code == 404


def test_the_report_page_stops_and_resumes_following(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.other_citizen)
    client.post(f"/laporan/{report.code}/dukung/")
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "Berhenti mengikuti" in page
    client.post(f"/laporan/{report.code}/ikuti/", {"following": "0"})
    assert not Support.objects.get(report=report, user=cast.other_citizen).following
    assert "Ikuti lagi" in client.get(f"/laporan/{report.code}/").content.decode()
    actions.do_accept(report, actor=cast.officer_a)
    assert not followed(cast, report).exists()
    client.post(f"/laporan/{report.code}/ikuti/", {"following": "1"})
    assert Support.objects.get(report=report, user=cast.other_citizen).following


def test_following_without_a_support_or_a_log_in_does_nothing(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    assert client.post(f"/laporan/{report.code}/ikuti/", {"following": "1"}).status_code == 302
    client.force_login(cast.other_citizen)
    client.post(f"/laporan/{report.code}/ikuti/", {"following": "1"})
    assert not Support.objects.filter(report=report).exists()


def test_a_report_made_confidential_tells_its_followers_nothing(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    actions.do_support(report, actor=cast.other_citizen)
    report.confidential = True
    report.save(update_fields=["confidential"])
    actions.do_accept(report, actor=cast.officer_a)
    assert not followed(cast, report).exists()

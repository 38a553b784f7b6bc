"""“Tunda” (issue 17): the dispatcher holds a report before verifying it, saying why. The hold has
its own limit; the verification clock stops meanwhile and runs again, from where it stopped,
when the hold ends."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aduan.notifications.models import Notification
from aduan.reports import actions, errors, tasks
from aduan.reports.models import Audience, EventKind, Report, Status
from aduan.reports.visibility import visible_events
from tests.conftest import report_in

pytestmark = pytest.mark.django_db
WITA = ZoneInfo("Asia/Makassar")


def at(*args):
    return dt.datetime(*args, tzinfo=WITA)


def test_a_hold_pauses_verification_and_resuming_gives_back_the_days_held(cast):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):  # Monday
        report = report_in(cast, Status.SUBMITTED)  # verification due Thu 5 Nov 23:59
    assert report.due_at.astimezone(WITA).date() == dt.date(2026, 11, 5)
    with time_machine.travel(at(2026, 11, 3, 9, 0), tick=False):  # one working day used
        with pytest.raises(errors.InvalidInput):
            actions.do_hold(report, actor=cast.dispatcher, reason=" ")
        with pytest.raises(errors.NotPermitted):
            actions.do_hold(report, actor=cast.officer_a, reason="Tunggu.")
        actions.do_hold(report, actor=cast.dispatcher, reason="Menunggu hasil cek lapangan.")
    report.refresh_from_db()
    assert report.status == Status.ON_HOLD
    # The hold's own limit: five working days, to Tuesday 10 November.
    assert report.due_at.astimezone(WITA).date() == dt.date(2026, 11, 10)
    held = report.events.get(kind=EventKind.HELD)
    assert held.audience == Audience.PARTIES and held.text == "Menunggu hasil cek lapangan."
    assert held.pk in [e.pk for e in visible_events(report, cast.citizen)]
    assert held.pk not in [e.pk for e in visible_events(report, None)]
    # Out of the default queue, in the "ditunda" list.
    assert report not in Report.objects.filter(status=Status.SUBMITTED)
    with pytest.raises(errors.InvalidState):
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="x")

    with time_machine.travel(at(2026, 11, 5, 10, 0), tick=False):  # held two working days
        actions.do_resume(report, actor=cast.dispatcher, text="Cek lapangan selesai.")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert report.events.get(kind=EventKind.RESUMED).data == {"held_working_days": 2}
    # The verification limit of Thu 5 Nov moves by the two working days held: Mon 9 Nov.
    assert report.due_at.astimezone(WITA).date() == dt.date(2026, 11, 9)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tangani.")


def test_a_hold_past_its_limit_is_overdue_and_the_dispatchers_are_told(cast):
    with time_machine.travel(at(2026, 11, 2, 9, 0), tick=False):
        report = report_in(cast, Status.SUBMITTED)
        actions.do_hold(report, actor=cast.dispatcher, reason="Menunggu surat camat.")
    with time_machine.travel(at(2026, 11, 9, 23, 0), tick=False):  # due Mon 9 Nov 23:59
        assert tasks.mark_overdue() == 0
    with time_machine.travel(at(2026, 11, 10, 8, 0), tick=False):
        assert tasks.mark_overdue() == 1
    assert Notification.objects.filter(
        report=report, kind="report_overdue", recipient=cast.dispatcher
    ).exists()
    # The dispatcher may still close or resume it; the public never sees it.
    actions.do_resume(report, actor=cast.dispatcher)
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and not report.is_public


def test_the_workspace_and_queue_offer_the_hold(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").text
    assert 'id="aksi-hold"' in page
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/hold/",
        {"version": report.version, "reason": "Menunggu konfirmasi Camat."},
    )
    assert response.status_code == 302
    assert report.code not in client.get("/kantor/antrean/").text
    assert report.code in client.get("/kantor/antrean/?status=on_hold").text
    assert 'id="aksi-resume"' in client.get(f"/kantor/laporan/{report.code}/").text
    # The reporter reads why.
    client.force_login(cast.citizen)
    page = client.get(f"/laporan/{report.code}/").text
    assert "Ditunda" in page and "Menunggu konfirmasi Camat." in page


def test_the_api_holds_and_resumes_through_the_same_actions(cast):
    from tests.api.conftest import ApiClient

    report = report_in(cast, Status.SUBMITTED)
    api = ApiClient(cast.dispatcher)
    held = api.post(f"/reports/{report.code}/hold", {"reason": "Menunggu surat camat."})
    assert held.status_code == 200 and held.json()["status"] == Status.ON_HOLD
    assert api.post(f"/reports/{report.code}/hold", {"reason": "Lagi."}).status_code == 409
    assert ApiClient(cast.officer_a).post(f"/reports/{report.code}/resume", {}).status_code in (
        403,
        404,
    )
    resumed = api.post(f"/reports/{report.code}/resume", {})
    assert resumed.status_code == 200 and resumed.json()["status"] == Status.SUBMITTED

"""Answer approval (issue 17): where an agency asks for it, an officer's answer is a draft that
only the agency (and the supervisors who audit it) can read, until its head or liaison approves
it; then it is the answer, under its author's name, with the approval on record."""

import datetime as dt

import pytest

from aduan.accounts.models import Role
from aduan.notifications.models import Notification
from aduan.reports import actions, errors
from aduan.reports.models import Audience, EventKind, Status
from aduan.reports.visibility import visible_attachments, visible_events
from tests.api.conftest import ApiClient
from tests.conftest import _user, report_in, result_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(cast):
    """PUPR asks for approval; its head approves."""
    head = _user("kepala-pupr", Role.OFFICER, "pupr", full_name="Kepala PUPR")
    cast.agency_a.answers_need_approval = True
    cast.agency_a.save()
    cast.agency_a.answer_approvers.add(head)
    return head


def test_an_unapproved_answer_is_invisible_to_the_reporter_until_approved(client, cast, head):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Lubang sudah ditambal kemarin.",
        attachments=[result_photo()],
    )
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.pending_answer_id
    draft = report.pending_answer
    assert draft.kind == EventKind.ANSWER_DRAFTED and draft.audience == Audience.AGENCY
    # The reporter: not on the page, not in the API, not in a message, not the file.
    for viewer in (cast.citizen, None, cast.dispatcher, cast.officer_b):
        assert draft.pk not in [e.pk for e in visible_events(report, viewer)]
    assert visible_attachments(report, cast.citizen) == []
    client.force_login(cast.citizen)
    assert "Lubang sudah ditambal kemarin" not in client.get(f"/laporan/{report.code}/").text
    api = ApiClient(cast.citizen).get(f"/reports/{report.code}").json()
    assert "Lubang sudah ditambal" not in str(api) and api["status"] == Status.IN_PROGRESS
    assert not Notification.objects.filter(recipient=cast.citizen, kind="report_answered").exists()
    # The agency and the supervisors read it; the approver was asked.
    assert draft.pk in [e.pk for e in visible_events(report, cast.officer_a)]
    assert draft.pk in [e.pk for e in visible_events(report, cast.supervisor)]
    assert Notification.objects.filter(recipient=head, kind="answer_drafted").exists()
    # A second answer waits for the first draft's decision.
    with pytest.raises(errors.InvalidState):
        actions.do_answer(report, actor=cast.officer_a, text="Lagi.", attachments=[result_photo()])
    # The officer who wrote it cannot approve it.
    with pytest.raises(errors.NotPermitted):
        actions.do_approve_answer(report, actor=cast.officer_a)

    actions.do_approve_answer(report, actor=head, text="Lubang sudah ditambal pada 2 Maret.")
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.pending_answer_id is None
    answer = report.events.get(kind=EventKind.ANSWERED)
    assert answer.actor == cast.officer_a and answer.audience == Audience.PUBLIC
    assert answer.text == "Lubang sudah ditambal pada 2 Maret."
    assert answer.data["approved_by"] == head.pk and answer.data["edited"] is True
    assert [a.event_id for a in visible_attachments(report, cast.citizen)] == [answer.pk]
    assert Notification.objects.filter(recipient=cast.citizen, kind="report_answered").exists()
    # The draft itself stays with the agency.
    assert draft.pk not in [e.pk for e in visible_events(report, cast.citizen)]


def test_a_returned_draft_goes_back_to_its_author_and_never_to_the_reporter(cast, head):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Tidak dapat ditangani.",
        outcome="cannot",
        responsible_body="Balai Jalan Nasional",
    )
    with pytest.raises(errors.InvalidInput):
        actions.do_return_answer(report, actor=head, reason="  ")
    actions.do_return_answer(report, actor=head, reason="Sebutkan nomor surat ke Balai.")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.pending_answer_id is None
    returned = report.events.get(kind=EventKind.ANSWER_RETURNED)
    assert returned.audience == Audience.AGENCY
    assert Notification.objects.filter(recipient=cast.officer_a, kind="answer_returned").exists()
    assert (
        not Notification.objects.filter(recipient=cast.citizen)
        .exclude(kind="report_received")
        .filter(kind__in=["report_answered", "answer_returned"])
    )
    # The officer answers again; the head's own answer needs no approval.
    actions.do_answer(
        report, actor=head, text="Sudah dilaporkan ke Balai (surat 12/2026).", outcome="cannot",
        responsible_body="Balai Jalan Nasional",
    )  # fmt: skip
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert report.events.get(kind=EventKind.ANSWERED).data.get("approved_by") is None


def test_every_rule_of_an_answer_holds_for_a_draft_and_at_approval(cast, head):
    report = report_in(cast, Status.IN_PROGRESS)
    # A road needs its result photo, already for the draft.
    with pytest.raises(errors.InvalidInput):
        actions.do_answer(report, actor=cast.officer_a, text="Selesai.")
    # A scheduled draft approved is a schedule: the report stays open, its date the deadline.
    day = dt.date.today() + dt.timedelta(days=20)
    actions.do_answer(
        report, actor=cast.officer_a, text="Dijadwalkan.", outcome="scheduled", scheduled_for=day
    )
    actions.do_approve_answer(report, actor=head)
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.follow_up_on == day
    assert report.events.get(kind=EventKind.SCHEDULED).data["approved_by"] == head.pk


def test_an_agency_without_approval_answers_at_once(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_answer(report, actor=cast.officer_a, text="Selesai.", attachments=[result_photo()])
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.pending_answer_id is None


def test_the_workspace_offers_approval_to_the_head_only(client, cast, head):
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/").text
    assert "disimpan sebagai draf" in page
    client.post(
        f"/kantor/laporan/{report.code}/aksi/answer/",
        {
            "version": report.version,
            "outcome": "done",
            "text": "Sudah ditambal.",
            "attachments": [result_photo()],
        },
    )
    report.refresh_from_db()
    assert report.pending_answer_id is not None
    assert 'id="aksi-approve_answer"' not in client.get(f"/kantor/laporan/{report.code}/").text
    client.force_login(head)
    page = client.get(f"/kantor/laporan/{report.code}/").text
    assert 'id="aksi-approve_answer"' in page and "Sudah ditambal." in page
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/approve_answer/",
        {"version": report.version, "text": "Sudah ditambal."},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    # The dispatcher never saw the draft, only the answer.
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").text
    assert "Draf tindak lanjut menunggu persetujuan" not in page


def test_without_an_active_approver_the_setting_holds_nothing_back(cast):
    cast.agency_a.answers_need_approval = True
    cast.agency_a.save()
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_answer(report, actor=cast.officer_a, text="Selesai.", attachments=[result_photo()])
    report.refresh_from_db()
    assert report.status == Status.RESPONDED


def test_the_api_approves_and_returns_drafts_through_the_same_actions(cast, head):
    report = report_in(cast, Status.IN_PROGRESS)
    officer = ApiClient(cast.officer_a)
    drafted = officer.post(
        f"/reports/{report.code}/answer",
        {"text": "Sudah ditangani.", "outcome": "cannot", "responsible_body": "PLN"},
    )
    assert drafted.status_code == 200, drafted.content
    assert drafted.json()["status"] == Status.IN_PROGRESS
    assert officer.post(f"/reports/{report.code}/answer/approve", {}).status_code == 403
    returned = ApiClient(head).post(
        f"/reports/{report.code}/answer/return", {"reason": "Lampirkan surat ke PLN."}
    )
    assert returned.status_code == 200
    officer.post(
        f"/reports/{report.code}/answer",
        {"text": "Sudah dikirim surat ke PLN.", "outcome": "cannot", "responsible_body": "PLN"},
    )
    approved = ApiClient(head).post(f"/reports/{report.code}/answer/approve", {})
    assert approved.status_code == 200 and approved.json()["status"] == Status.RESPONDED
    reporter = ApiClient(cast.citizen).get(f"/reports/{report.code}").json()
    assert "Sudah dikirim surat ke PLN." in str(reporter)
    assert "Lampirkan surat" not in str(reporter)


def test_an_approver_moved_to_another_agency_no_longer_holds_the_answers(client, cast, head):
    """Who approves is one list (`transitions.answer_approvers`): named, active, and an officer of
    the agency itself. The head moved to another agency while still named: answers no longer
    wait for them, nobody tells them of a draft, and the answer form says it goes out at once."""
    head.agency = cast.agency_b
    head.save()
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    workspace = client.get(f"/kantor/laporan/{report.code}/")
    assert workspace.status_code == 200 and "aksi/answer/" in workspace.text
    assert "perlu persetujuan" not in workspace.text
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[result_photo()]
    )
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.pending_answer_id is None
    assert not Notification.objects.filter(recipient=head, kind="answer_drafted").exists()


def test_a_sub_units_draft_goes_to_the_agency_when_its_named_approver_has_left(cast, head):
    """A sub-unit's answer waits for the agency; with its only named approver gone elsewhere,
    the agency's own officers approve it (as without approvers), instead of nobody."""
    from aduan.directory.models import SubUnit

    head.role = Role.SUPERVISOR
    head.save()
    unit = SubUnit.objects.create(agency=cast.agency_a, name="UPT Jalan Seketeng")
    officer = _user("upt-jalan", Role.OFFICER, "pupr", full_name="Petugas UPT")
    officer.sub_unit = unit
    officer.save()
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_pass_down(report, actor=cast.officer_a, sub_unit=unit)
    actions.do_answer(report, actor=officer, text="Sudah ditambal.", attachments=[result_photo()])
    report.refresh_from_db()
    assert report.pending_answer_id is not None
    actions.do_approve_answer(report, actor=cast.officer_a)
    report.refresh_from_db()
    assert report.status == Status.RESPONDED

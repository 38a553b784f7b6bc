"""A hand-over to the Ombudsman (issue 16, "no wrong door"): once the legal limit of a step staff
owe has passed, the reporter, with explicit consent, hands the report over; the hand-over is a
record in the timeline and the audit chain (the report keeps its status and its handling), the
supervisors and the Inspektorat are told, and a case file (PDF) with the timeline and the audit
chain's proof goes with it, for the reporter and the staff who handle or watch the report only."""

import datetime as dt
import io

import pytest
import time_machine
from pypdf import PdfReader

from aduan.audit import heads
from aduan.audit.models import AuditEntry
from aduan.notifications.models import Notification
from aduan.reports import actions, errors, tasks, transitions
from aduan.reports.models import Audience, EventKind, Report, Status
from aduan.reports.transitions import Action
from tests.conftest import report_in

pytestmark = pytest.mark.django_db


def past_the_limit(report):
    """A day after the report's deadline, the clock stopped there."""
    return time_machine.travel(report.due_at + dt.timedelta(days=1), tick=False)


def overdue_report(cast, **fields) -> Report:
    """In progress at agency A; the caller travels past its limit (`past_the_limit`)."""
    return report_in(cast, Status.IN_PROGRESS, **fields)


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_it_hands_over_an_overdue_report_with_consent(cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        assert tasks.mark_overdue() == 1  # the sweep marks it red, as the dashboards see it
        report.refresh_from_db()
        assert report.overdue_since is not None
        assert Action.HAND_OVER_OMBUDSMAN in transitions.available_actions(report, cast.citizen)
        version = report.version
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)

    report.refresh_from_db()
    # A record, not a close: the status, the agency and the clock stay.
    assert (report.status, report.agency_id) == (Status.IN_PROGRESS, cast.agency_a.pk)
    assert report.ombudsman_at is not None and report.version == version + 1
    event = report.events.get(kind=EventKind.OMBUDSMAN)
    assert event.actor == cast.citizen and event.audience == Audience.PARTIES
    assert event.data["consent_at"] == report.ombudsman_at.isoformat()
    entry = AuditEntry.objects.get(report_code=report.code, action=EventKind.OMBUDSMAN)
    assert entry.actor == cast.citizen and entry.detail["event"] == event.pk
    # The handling goes on: the agency still answers.
    actions.do_add_note(report, actor=cast.officer_a, text="Tim ke lokasi besok.", public=True)


def test_the_supervisors_and_the_inspectorate_are_told(cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    told = set(
        Notification.objects.filter(kind="report_to_ombudsman").values_list("recipient", flat=True)
    )
    assert {cast.supervisor.pk, cast.inspector.pk} <= told
    assert not told & {cast.citizen.pk, cast.other_citizen.pk, cast.officer_b.pk}
    message = Notification.objects.filter(kind="report_to_ombudsman").first()
    assert report.code in message.subject and "Ombudsman" in message.body


def test_without_consent_it_is_refused_and_nothing_changes(cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        for consent in (False, None, "ya"):
            with pytest.raises(errors.InvalidInput) as refused:
                actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=consent)
            assert refused.value.field == "consent" and "persetujuan" in refused.value.message
    report.refresh_from_db()
    assert report.ombudsman_at is None
    assert not report.events.filter(kind=EventKind.OMBUDSMAN).exists()


def test_before_the_limit_it_is_refused(cast):
    report = overdue_report(cast)
    assert Action.HAND_OVER_OMBUDSMAN not in transitions.available_actions(report, cast.citizen)
    with pytest.raises(errors.InvalidState) as refused:
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    assert "batas waktu" in refused.value.message
    assert Report.objects.get(pk=report.pk).ombudsman_at is None


def test_while_the_reporter_holds_the_clock_it_is_refused(cast):
    """Waiting for the reporter's information, the agency's clock is paused: not overdue."""
    report = report_in(cast, Status.IN_PROGRESS, paused=True)
    with past_the_limit(report), pytest.raises(errors.InvalidState):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)


def test_twice_is_refused(cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
        with pytest.raises(errors.InvalidState) as refused:
            actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    assert "sudah diserahkan" in refused.value.message
    assert report.events.filter(kind=EventKind.OMBUDSMAN).count() == 1


def test_only_the_reporter_hands_over(cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        for someone in (cast.other_citizen, cast.dispatcher, cast.officer_a, cast.supervisor):
            with pytest.raises(errors.NotPermitted):
                actions.do_hand_over_to_ombudsman(report, actor=someone, consent=True)


def test_a_closed_report_is_not_handed_over(cast):
    report = report_in(cast, Status.CLOSED)
    later = time_machine.travel(dt.timedelta(days=200), tick=False)
    with later, pytest.raises(errors.InvalidState):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)


# --- the portal -------------------------------------------------------------------------------


def test_the_portal_offers_the_form_only_past_the_limit(client, cast):
    report = overdue_report(cast)
    client.force_login(cast.citizen)
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert 'id="ombudsman-form"' not in page
    with past_the_limit(report):
        client.force_login(cast.citizen)
        page = client.get(f"/laporan/{report.code}/").content.decode()
        assert 'id="ombudsman-form"' in page and 'name="consent"' in page
        # Unticked: the action's message, the form again.
        refused = client.post(f"/laporan/{report.code}/ombudsman/", {"version": report.version})
        assert refused.status_code == 422 and "persetujuan" in refused.content.decode()
        done = client.post(
            f"/laporan/{report.code}/ombudsman/", {"version": report.version, "consent": "on"}
        )
        assert done.status_code == 302
        page = client.get(f"/laporan/{report.code}/").content.decode()
    assert 'id="ombudsman-form"' not in page
    assert f"/laporan/{report.code}/berkas-ombudsman/" in page
    assert Report.objects.get(pk=report.pk).ombudsman_at is not None


def test_the_case_file_holds_the_timeline_and_the_audit_proof(client, cast):
    report = overdue_report(cast)
    with past_the_limit(report):
        tasks.mark_overdue()
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
        signed = heads.sign_head()  # the daily signed head, after the hand-over
    client.force_login(cast.citizen)
    response = client.get(f"/laporan/{report.code}/berkas-ombudsman/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    flat = " ".join(text.split())
    assert report.code in flat and "Pernyataan penyerahan" in flat
    assert "Diserahkan ke Ombudsman" in flat  # the timeline's event
    assert "Hasil pemeriksaan rantai audit: UTUH" in flat
    assert signed.digest in flat.replace(" ", "")
    assert "SAH: tanda tangan, ringkasan dan rantai laporan ini cocok." in flat
    assert "/bukti/" in flat
    entry = AuditEntry.objects.get(report_code=report.code, action=EventKind.OMBUDSMAN)
    assert entry.hash in flat.replace(" ", "")
    # The reporter reads no internal step: the overdue mark is the staff's.
    overdue = AuditEntry.objects.get(report_code=report.code, action=EventKind.OVERDUE)
    assert overdue.hash not in flat.replace(" ", "")


def test_the_case_file_names_staff_to_staff_and_their_agency_to_the_reporter(client, cast):
    """Who did each step, as the API's timeline says it (`visibility.shown_actor`): the reporter
    reads the agency or the role, the staff read the names."""
    report = overdue_report(cast)
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    staff_names = (cast.dispatcher.display_name, cast.officer_a.display_name)
    client.force_login(cast.citizen)
    flat = " ".join(
        text_of(client.get(f"/laporan/{report.code}/berkas-ombudsman/").content).split()
    )
    assert not any(name in flat for name in staff_names), flat
    assert report.agency.short_name in flat
    client.force_login(cast.dispatcher)
    staff = client.get(f"/kantor/laporan/{report.code}/berkas-ombudsman/")
    flat = " ".join(text_of(staff.content).split())
    assert all(name in flat for name in staff_names), flat


def test_the_case_file_says_so_when_the_chain_is_broken(client, cast):
    from django.db import connection

    report = overdue_report(cast)
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    entry = AuditEntry.objects.filter(report_code=report.code).order_by("id").first()
    with connection.cursor() as cursor:  # behind the application's back
        cursor.execute(
            f"UPDATE {AuditEntry._meta.db_table} SET actor_name = %s WHERE id = %s",
            ["pemalsu", entry.pk],
        )
    client.force_login(cast.dispatcher)
    response = client.get(f"/kantor/laporan/{report.code}/berkas-ombudsman/")
    flat = " ".join(text_of(response.content).split())
    assert "Hasil pemeriksaan rantai audit: RUSAK" in flat
    assert "Belum ada kepala rantai yang ditandatangani." in flat


def test_who_may_download_the_case_file(client, cast):
    report = overdue_report(cast, confidential=False)  # public: anyone reads the report page
    portal = f"/laporan/{report.code}/berkas-ombudsman/"
    office = f"/kantor/laporan/{report.code}/berkas-ombudsman/"
    client.force_login(cast.citizen)
    assert client.get(portal).status_code == 404  # not handed over yet
    client.force_login(cast.dispatcher)
    assert client.get(office).status_code == 404
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    client.force_login(cast.citizen)
    assert client.get(portal).status_code == 200
    client.force_login(cast.other_citizen)
    assert client.get(f"/laporan/{report.code}/").status_code == 200  # a public report
    assert client.get(portal).status_code == 404  # but not its case file
    assert client.get(office).status_code == 403  # the back office is for staff
    client.force_login(cast.officer_b)
    assert client.get(office).status_code == 404
    assert client.get(portal).status_code == 404
    for staff in (cast.dispatcher, cast.officer_a, cast.supervisor):
        client.force_login(staff)
        response = client.get(office)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert client.get(portal).status_code == 404  # staff use the back office


def test_the_workspace_says_it_was_handed_over(client, cast):
    report = overdue_report(cast)
    client.force_login(cast.officer_a)
    assert 'id="ombudsman"' not in client.get(f"/kantor/laporan/{report.code}/").content.decode()
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert 'id="ombudsman"' in page
    assert f"/kantor/laporan/{report.code}/berkas-ombudsman/" in page


def test_an_anonymous_reporter_stays_hidden_in_the_officers_case_file(client, cast):
    report = overdue_report(cast, anonymous=True)
    with past_the_limit(report):
        actions.do_hand_over_to_ombudsman(report, actor=cast.citizen, consent=True)
    client.force_login(cast.officer_a)
    flat = " ".join(
        text_of(client.get(f"/kantor/laporan/{report.code}/berkas-ombudsman/").content).split()
    )
    assert "Anonim" in flat and cast.citizen.full_name not in flat
    assert cast.citizen.username not in flat


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_hand_overs_at_once_make_one(tx_cast):
    """A double tap on the phone and the web form at once: one hand-over, one event, one
    notification per supervisor; the other is told it was already handed over."""
    from tests.test_concurrency import race

    cast = tx_cast
    report = overdue_report(cast)
    copies = [Report.objects.get(pk=report.pk), Report.objects.get(pk=report.pk)]
    with past_the_limit(report):
        results = race(
            *(
                lambda copy=copy: actions.do_hand_over_to_ombudsman(
                    copy, actor=cast.citizen, consent=True
                )
                for copy in copies
            )
        )
    assert sum(isinstance(r, Report) for r in results) == 1, results
    assert sum(isinstance(r, errors.InvalidState) for r in results) == 1, results
    assert report.events.filter(kind=EventKind.OMBUDSMAN).count() == 1
    told = Notification.objects.filter(kind="report_to_ombudsman", recipient=cast.supervisor)
    assert told.values("channel").distinct().count() == told.count()

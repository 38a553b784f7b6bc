"""How a report closes (issue 15): an answer states its outcome; a "done" answer to a physical
category carries a photo of the result, whose capture time and place are checked; the reporter is
reminded before the report closes by itself and "belum selesai" reopens it, on every channel."""

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.directory.models import Category
from aduan.notifications.models import Notification
from aduan.reports import actions, errors, proof, sla, tasks
from aduan.reports.models import AnswerOutcome, EventKind, Status
from tests.api.conftest import ApiClient
from tests.conftest import report_in, result_photo

pytestmark = pytest.mark.django_db

# The reported point: Jalan Garuda, Seketeng (Sumbawa Besar).
HERE = (-8.4908, 117.4186)


def in_progress(cast, **kwargs):
    return report_in(cast, Status.IN_PROGRESS, **kwargs)


# --- the outcome ------------------------------------------------------------------------------


def test_a_done_answer_without_a_result_photo_is_refused_for_a_physical_category(cast):
    report = in_progress(cast)
    assert report.category.physical
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_answer(report, actor=cast.officer_a, text="Sudah ditambal.")
    assert refused.value.field == "attachments" and "foto hasil" in str(refused.value.message)
    pdf_only = SimpleUploadedFile("surat.pdf", b"%PDF-1.4", content_type="application/pdf")
    with pytest.raises(errors.InvalidInput):
        actions.do_answer(report, actor=cast.officer_a, text="Sudah.", attachments=[pdf_only])
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and not report.events.filter(kind="answered")
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[result_photo()]
    )
    assert report.status == Status.RESPONDED and report.answer_outcome == AnswerOutcome.DONE


def test_a_category_that_is_not_physical_needs_no_photo(cast):
    report = in_progress(cast, category=Category.objects.get(code="kesehatan-bpjs"))
    assert not report.category.physical
    actions.do_answer(report, actor=cast.officer_a, text="Kartu BPJS sudah aktif.")
    assert report.status == Status.RESPONDED


def test_the_master_data_marks_roads_bridges_lighting_drains_and_schools_physical():
    physical = set(Category.objects.filter(physical=True).values_list("code", flat=True))
    assert {
        "infrastruktur-jalan",
        "infrastruktur-listrik",
        "infrastruktur-drainase",
        "pendidikan-sarana",
    } <= physical
    assert "kesehatan-bpjs" not in physical and "pungli" not in physical


def test_back_office_and_api_refuse_with_the_same_message(client, cast):
    message = "memerlukan bukti perbaikan"
    web_report = in_progress(cast)
    client.force_login(cast.officer_a)
    page = client.post(
        f"/kantor/laporan/{web_report.code}/aksi/answer/",
        {"version": web_report.version, "outcome": "done", "text": "Sudah ditambal."},
    )
    assert page.status_code == 422 and message in page.content.decode()
    api_report = in_progress(cast)
    officer = ApiClient(cast.officer_a)
    response = officer.post(
        f"/reports/{api_report.code}/answer", {"text": "Sudah ditambal.", "outcome": "done"}
    )
    assert response.status_code == 422 and message in response.json()["error"]["message"]


def test_a_scheduled_answer_keeps_the_report_open_with_its_date_as_the_deadline(cast):
    report = in_progress(cast)
    day = sla.local_date(report.submitted_at) + dt.timedelta(days=20)
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_answer(report, actor=cast.officer_a, text="Kami jadwalkan.", outcome="scheduled")
    assert refused.value.field == "scheduled_for"
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Penambalan dijadwalkan bersama paket pemeliharaan.",
        outcome=AnswerOutcome.SCHEDULED,
        scheduled_for=day,
    )
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.follow_up_on == day
    assert report.due_at == sla.end_of_day(day) and report.responded_at is None
    event = report.events.get(kind=EventKind.SCHEDULED)
    assert event.audience == "public" and event.data["scheduled_for"] == day.isoformat()
    assert Notification.objects.filter(kind="report_scheduled", recipient=cast.citizen).exists()
    # A promise cannot close: not by the reporter, not by the sweep, even long after its date.
    with pytest.raises(errors.InvalidState):
        actions.do_accept_answer(report, actor=cast.citizen, rating=5)
    with time_machine.travel(sla.end_of_day(day) + dt.timedelta(days=30), tick=False):
        assert tasks.auto_close_unrated() == 0
        assert tasks.mark_overdue() == 1  # the promised day passed: the agency is late
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.overdue_since is not None


def test_cannot_be_done_needs_the_reason_and_who_can_and_may_close(cast):
    report = in_progress(cast)
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_answer(report, actor=cast.officer_a, text="Jalan nasional.", outcome="cannot")
    assert refused.value.field == "responsible_body"
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Ruas ini jalan nasional, bukan kewenangan kabupaten.",
        outcome=AnswerOutcome.CANNOT,
        responsible_body="BPJN Nusa Tenggara Barat",
    )
    assert report.status == Status.RESPONDED and report.external_body == "BPJN Nusa Tenggara Barat"
    note = Notification.objects.get(
        kind="report_answered", recipient=cast.citizen, channel="in_app"
    )
    assert "BPJN Nusa Tenggara Barat" in note.body
    actions.do_accept_answer(report, actor=cast.citizen, rating=3)
    assert report.status == Status.CLOSED


# --- proof of the fix -------------------------------------------------------------------------


def test_a_photo_taken_before_the_report_or_far_away_is_flagged_to_the_dispatcher(cast):
    report = in_progress(cast, latitude=HERE[0], longitude=HERE[1])
    old = result_photo(
        taken_at=report.submitted_at - dt.timedelta(days=3), latitude=HERE[0], longitude=HERE[1]
    )
    far = result_photo(
        name="jauh.jpg",
        taken_at=report.submitted_at + dt.timedelta(hours=5),
        latitude=HERE[0] + 0.009,  # about a kilometre north
        longitude=HERE[1],
    )
    actions.do_answer(report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[old, far])
    stored = {a.original_name: a for a in report.attachments.all()}
    assert stored["hasil.jpg"].proof_flags == [proof.TAKEN_BEFORE_REPORT]
    assert stored["jauh.jpg"].proof_flags == [proof.FAR_FROM_PLACE]
    assert abs(float(stored["jauh.jpg"].captured_latitude) - (HERE[0] + 0.009)) < 1e-5
    flagged = report.events.get(kind=EventKind.PROOF_FLAGGED)
    assert flagged.audience == "internal"
    alert = Notification.objects.get(
        kind="proof_flagged", recipient=cast.dispatcher, channel="in_app"
    )
    assert "sebelum laporan dikirim" in alert.body and "500 m" in alert.body
    assert not Notification.objects.filter(kind="proof_flagged", recipient=cast.citizen).exists()


def test_a_photo_taken_there_after_the_report_is_not_flagged(cast):
    report = in_progress(cast, latitude=HERE[0], longitude=HERE[1])
    good = result_photo(
        taken_at=report.submitted_at + dt.timedelta(days=1),
        latitude=HERE[0] + 0.002,  # about 220 m
        longitude=HERE[1],
    )
    actions.do_answer(report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[good])
    photo = report.attachments.get()
    assert photo.proof_flags == [] and photo.captured_at is not None
    assert not report.events.filter(kind=EventKind.PROOF_FLAGGED).exists()


def test_a_photo_without_metadata_is_marked_but_not_alerted(cast):
    report = in_progress(cast)
    actions.do_answer(report, actor=cast.officer_a, text="Sudah.", attachments=[result_photo()])
    photo = report.attachments.get()
    assert photo.proof_flags == [proof.NO_CAPTURE_TIME, proof.NO_POSITION]
    assert not Notification.objects.filter(kind="proof_flagged").exists()


def test_without_a_reported_point_the_desa_boundary_decides(cast):
    report = in_progress(cast)  # Seketeng, no point
    taken = report.submitted_at + dt.timedelta(hours=2)
    elsewhere = result_photo(taken_at=taken, latitude=-8.75, longitude=117.90)  # far south-east
    actions.do_answer(report, actor=cast.officer_a, text="Sudah.", attachments=[elsewhere])
    assert report.attachments.get().proof_flags == [proof.OUTSIDE_VILLAGE]


def test_capture_data_is_for_staff_only_and_never_kept_for_a_reporters_photo(client, cast):
    taken = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    reporter_photo = result_photo(name="rumah.jpg", taken_at=taken, latitude=-8.5, longitude=117.4)
    report = report_in(
        cast, Status.IN_PROGRESS, latitude=HERE[0], longitude=HERE[1], attachments=[reporter_photo]
    )
    mine = report.attachments.get()
    assert mine.captured_at is None and mine.captured_latitude is None and mine.proof_flags == []
    far = result_photo(
        name="jauh.jpg",
        taken_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        latitude=-8.40,
        longitude=117.4321,
    )
    actions.do_answer(report, actor=cast.officer_a, text="Sudah.", attachments=[far])
    public = client.get(f"/api/v1/public/reports/{report.code}")
    citizen = ApiClient(cast.citizen).get(f"/reports/{report.code}").json()
    dispatcher = ApiClient(cast.dispatcher).get(f"/reports/{report.code}").json()
    for body in (public.content.decode(), str(citizen)):
        assert "far_from_place" not in body
        assert "117.4321" not in body and "-8.5," not in body
    assert [proof.FAR_FROM_PLACE] in [a["proof_flags"] for a in dispatcher["attachments"]]
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "117.4321" not in page and "500 m" not in page


# --- the reminder and "belum selesai" ---------------------------------------------------------


def test_auto_close_never_comes_without_a_reminder(cast):
    report = report_in(cast, Status.RESPONDED)
    late = report.due_at + dt.timedelta(days=3)  # the sweep missed the yellow zone
    with time_machine.travel(late, tick=False):
        assert tasks.auto_close_unrated() == 1
        report.refresh_from_db()
        assert report.status == Status.RESPONDED and report.reminded_at is not None
        assert report.due_at > late
    reminder = Notification.objects.get(
        kind="verdict_reminder", recipient=cast.citizen, channel="in_app"
    )
    assert "belum selesai" in reminder.body.lower()
    with time_machine.travel(report.due_at + dt.timedelta(minutes=1), tick=False):
        tasks.auto_close_unrated()
    report.refresh_from_db()
    assert report.status == Status.CLOSED


def test_a_reminded_reporter_answers_belum_selesai_on_the_web_and_it_reopens(client, cast):
    report = report_in(cast, Status.RESPONDED)
    with time_machine.travel(report.warn_at + dt.timedelta(minutes=1), tick=False):
        assert tasks.send_reminders() == 1
    client.force_login(cast.citizen)
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert 'id="not-fixed-form"' in page and "Belum selesai" in page
    response = client.post(
        f"/laporan/{report.code}/tidak-puas/", {"version": report.version, "not_fixed": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS and report.reopen_count == 1
    reopened = report.events.get(kind=EventKind.REOPENED)
    assert reopened.text == actions.not_fixed_reason()

"""The life cycle told as stories through the actions, and what each action writes."""

from unittest import mock

import pytest
from django.core import mail

from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.ops import sealing
from aduan.reports import actions, errors, tracking
from aduan.reports.models import (
    ArchiveReason,
    Audience,
    Disposition,
    EventKind,
    Report,
    Status,
    Support,
)
from tests.conftest import result_photo

from .conftest import file_report, report_in


def opened(notification: Notification) -> str:
    """The text the mail will carry: a row holding the tracking secret is sealed at rest."""
    return sealing.unseal_text(notification.body, outbox.SEALED_PURPOSE)


pytestmark = pytest.mark.django_db


def kinds(report):
    return list(report.events.values_list("kind", flat=True))


def test_it_files_a_report_with_a_code_a_secret_and_a_verify_deadline(cast):
    report, secret = actions.do_file_report(
        reporter=cast.citizen,
        title="Lampu jalan padam",
        description="Sejak minggu lalu lampu padam.",
    )
    assert report.status == Status.SUBMITTED
    assert report.code.startswith("SBW-") and len(report.code) == 10
    assert tracking.check_secret(report, secret) and tracking.check_secret(report, secret.lower())
    assert not tracking.check_secret(report, "XXXXXXXX")
    assert secret not in report.secret_hash
    assert report.due_step == "verify" and report.due_at > report.submitted_at
    assert kinds(report) == [EventKind.SUBMITTED]
    received = Notification.objects.get(report=report, channel="email")
    assert secret not in received.body  # sealed at rest until it is sent (test_secret_at_rest)
    assert secret in opened(received) and received.address == cast.citizen.email


def test_it_refuses_a_report_without_title_description_or_any_reporter(cast):
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_file_report(reporter=cast.citizen, title=" ", description="Isi")
    assert refused.value.field == "title"
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_file_report(reporter=None, title="Judul", description="Isi")
    assert refused.value.field == "reporter_name"
    assert not Report.objects.exists()


def test_a_representative_must_record_the_residents_consent(cast):
    with pytest.raises(errors.InvalidInput) as refused:
        file_report(cast, reporter=None, filed_by=cast.representative, reporter_name="Inaq Rahmah")
    assert refused.value.field == "consent"
    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Inaq Rahmah",
        reporter_email="inaq@example.test",
        consent=True,
    )
    assert report.consent_recorded_at is not None
    # Both the representative and the resident hear about it.
    addresses = set(
        Notification.objects.filter(report=report, channel="email").values_list(
            "address", flat=True
        )
    )
    assert addresses == {cast.representative.email, "inaq@example.test"}


def test_a_supervisory_category_makes_the_report_supervisory(cast):
    from aduan.directory.models import Category

    report = file_report(cast, category=Category.objects.get(code="pungli"))
    assert report.supervisory


def test_the_whole_story_of_a_complaint(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = file_report(cast)
        actions.do_return(report, actor=cast.dispatcher, text="Sebutkan nama dusun.")
        actions.do_resubmit(report, actor=cast.citizen, changes={"address": "Dusun Seketeng Atas"})
        actions.do_disposition(
            report, cast.agency_b, actor=cast.dispatcher, instruction="Mohon cek."
        )
        actions.do_decline(report, actor=cast.officer_b, reason="Bukan kewenangan Dinkes.")
        actions.do_disposition(
            report, cast.agency_a, actor=cast.dispatcher, instruction="Perbaiki jalan."
        )
        actions.do_accept(report, actor=cast.officer_a)
        actions.do_add_note(report, actor=cast.officer_a, text="Survei lapangan.", public=True)
        actions.do_add_note(report, actor=cast.officer_a, text="Anggaran ada.", public=False)
        actions.do_request_info(report, actor=cast.officer_a, text="Kirim foto.")
        actions.do_provide_info(report, actor=cast.citizen, text="Foto terlampir.")
        actions.do_answer(
            report,
            actor=cast.officer_a,
            text="Lubang sudah ditambal.",
            attachments=[result_photo()],
        )
        actions.do_reject_answer(report, actor=cast.citizen, reason="Masih ada lubang kedua.")
        actions.do_answer(
            report,
            actor=cast.officer_a,
            text="Lubang kedua juga sudah ditambal.",
            attachments=[result_photo()],
        )
        actions.do_accept_answer(report, actor=cast.citizen, rating=5, comment="Terima kasih.")

    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 5 and report.reopen_count == 1
    assert report.due_at is None and report.closed_at is not None
    assert kinds(report) == [
        EventKind.SUBMITTED,
        EventKind.RETURNED,
        EventKind.RESUBMITTED,
        EventKind.DISPOSITIONED,
        EventKind.DECLINED,
        EventKind.DISPOSITIONED,
        EventKind.ACCEPTED,
        EventKind.NOTE,
        EventKind.NOTE,
        EventKind.INFO_REQUESTED,
        EventKind.INFO_PROVIDED,
        EventKind.ANSWERED,
        EventKind.REOPENED,
        EventKind.ANSWERED,
        EventKind.SATISFIED,
    ]
    # Who held it, and what each agency did.
    dinkes, pupr = Disposition.objects.filter(report=report).order_by("id")
    assert dinkes.agency == cast.agency_b and dinkes.declined_at and dinkes.decline_reason
    assert pupr.accepted_by == cast.officer_a and pupr.ended_at is not None
    # The internal note and the decline are for staff only.
    internal = report.events.filter(audience=Audience.INTERNAL).values_list("kind", flat=True)
    assert sorted(internal) == sorted([EventKind.DECLINED, EventKind.NOTE])
    # E-mails went out through the outbox: the reporter heard of each public step.
    subjects = [m.subject for m in mailoutbox if m.to == [cast.citizen.email]]
    assert any("dilengkapi" in s for s in subjects)
    assert any("ditindaklanjuti" in s for s in subjects)
    assert all(n.state == "sent" for n in Notification.objects.filter(channel="email"))


def test_a_stale_version_is_a_conflict_and_changes_nothing(cast):
    report = report_in(cast, Status.SUBMITTED)
    seen = report.version
    actions.do_dispatcher_note(report, actor=cast.dispatcher, text="Dicek.")
    with pytest.raises(errors.Conflict) as refused:
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, expected_version=seen)
    assert "baru saja diubah" in refused.value.message
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_acting_on_an_outdated_copy_is_a_conflict_naming_the_current_status(cast):
    report = report_in(cast, Status.SUBMITTED)
    outdated = Report.objects.get(pk=report.pk)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    with pytest.raises(errors.Conflict) as refused:
        actions.do_return(outdated, actor=cast.dispatcher, text="Lengkapi.")
    assert "Terdisposisi" in refused.value.message


def test_a_failure_in_any_step_rolls_the_whole_action_back(cast):
    report = report_in(cast, Status.SUBMITTED)
    before = (
        report.version,
        report.events.count(),
        Disposition.objects.count(),
        Notification.objects.count(),
    )
    with (
        mock.patch("aduan.notifications.outbox.queue", side_effect=RuntimeError("outbox down")),
        pytest.raises(RuntimeError),
    ):
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    fresh = Report.objects.get(pk=report.pk)
    assert fresh.status == Status.SUBMITTED and fresh.agency is None
    assert (
        fresh.version,
        fresh.events.count(),
        Disposition.objects.count(),
        Notification.objects.count(),
    ) == before


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda r, c: actions.do_return(r, actor=c.dispatcher, text=""), "text"),
        (lambda r, c: actions.do_close(r, actor=c.dispatcher, reason="  "), "reason"),
        (lambda r, c: actions.do_archive(r, actor=c.dispatcher, reason="bogus"), "reason"),
        (
            lambda r, c: actions.do_archive(r, actor=c.dispatcher, reason="out_of_authority"),
            "external_body",
        ),
    ],
)
def test_a_missing_reason_is_refused_with_its_field(cast, call, field):
    report = report_in(cast, Status.SUBMITTED)
    with pytest.raises(errors.InvalidInput) as refused:
        call(report, cast)
    assert refused.value.field == field and refused.value.message


def test_a_rating_must_be_one_to_five(cast):
    report = report_in(cast, Status.RESPONDED)
    for bad in (0, 6, "lima", None):
        with pytest.raises(errors.InvalidInput):
            actions.do_accept_answer(report, actor=cast.citizen, rating=bad)
    assert Report.objects.get(pk=report.pk).status == Status.RESPONDED


def test_it_refuses_a_disposition_to_an_inactive_agency(cast):
    report = report_in(cast, Status.SUBMITTED)
    cast.agency_b.is_active = False
    cast.agency_b.save()
    with pytest.raises(errors.InvalidInput):
        actions.do_disposition(report, cast.agency_b, actor=cast.dispatcher)


def test_redisposition_moves_the_report_and_tells_the_new_agency(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    actions.do_redisposition(
        report, cast.agency_b, actor=cast.dispatcher, instruction="Kewenangan Dinkes."
    )
    assert report.agency == cast.agency_b
    first, second = Disposition.objects.filter(report=report).order_by("id")
    assert first.ended_at is not None and second.ended_at is None
    assert Notification.objects.filter(
        report=report, recipient=cast.officer_b, kind="report_dispositioned"
    ).exists()
    with pytest.raises(errors.InvalidInput):
        actions.do_redisposition(report, cast.agency_b, actor=cast.dispatcher)


def test_merge_archives_the_duplicate_and_moves_its_supporters(cast):
    survivor = report_in(cast, Status.DISPOSITIONED)
    duplicate = file_report(cast, reporter=cast.other_citizen, title="Jalan Garuda berlubang")
    Support.objects.create(report=duplicate, user=cast.representative)
    actions.do_merge(duplicate, survivor, actor=cast.dispatcher, text="Sama.")
    assert (
        duplicate.status == Status.ARCHIVED and duplicate.archive_reason == ArchiveReason.DUPLICATE
    )
    assert duplicate.merged_into == survivor
    assert list(survivor.supports.values_list("user", flat=True)) == [cast.representative.pk]
    # From now on the duplicate's reporter follows the survivor: its code and status, never what
    # only the survivor's parties may read (issue 11 §1).
    actions.do_accept(survivor, actor=cast.officer_a)
    followed = Notification.objects.get(
        report=survivor, recipient=cast.other_citizen, kind="report_followed", channel="email"
    )
    text = followed.subject + opened(followed)
    assert survivor.code in text and survivor.get_status_display() in text
    assert survivor.title not in text


def test_two_dispatchers_merging_two_reports_into_each_other_exactly_one_wins(cast):
    """B looked at both reports before A merged X into Y; B's merge of Y into X then waited on
    the locks A held. Asked again under the locks, X is no target any more: B gets a conflict,
    instead of both reports archived as duplicates of each other (and out of every queue)."""
    from aduan.reports.models import Report

    x = file_report(cast, title="Jalan Garuda berlubang")
    y = file_report(cast, reporter=cast.other_citizen, title="Lubang di Jalan Garuda")
    seen_by_b = (Report.objects.get(pk=x.pk), Report.objects.get(pk=y.pk))
    actions.do_merge(x, y, actor=cast.dispatcher)
    b_x, b_y = seen_by_b
    with pytest.raises(errors.Conflict):
        actions.do_merge(b_y, b_x, actor=cast.dispatcher)
    x.refresh_from_db()
    y.refresh_from_db()
    assert (x.status, x.merged_into_id) == (Status.ARCHIVED, y.pk)
    assert (y.status, y.merged_into_id) == (Status.SUBMITTED, None)


def test_a_reporter_cannot_support_their_own_report_on_any_door(client, cast):
    from tests.api.conftest import ApiClient, error_of

    report = report_in(cast, Status.IN_PROGRESS)
    with pytest.raises(errors.NotPermitted):
        actions.do_support(report, actor=cast.citizen)
    error_of(ApiClient(cast.citizen).post(f"/reports/{report.code}/support"), 403)
    client.force_login(cast.citizen)
    page = client.post(f"/laporan/{report.code}/dukung/", follow=True)
    assert page.status_code == 200 and "tidak dapat Anda dukung" in page.content.decode()
    assert not report.supports.exists()
    assert actions.do_support(report, actor=cast.other_citizen)


def test_merging_into_itself_or_into_an_archived_report_is_refused(cast):
    report = report_in(cast, Status.SUBMITTED)
    archived = report_in(cast, Status.ARCHIVED)
    with pytest.raises(errors.InvalidInput):
        actions.do_merge(report, report, actor=cast.dispatcher)
    with pytest.raises(errors.InvalidInput):
        actions.do_merge(report, archived, actor=cast.dispatcher)


def test_reclassify_records_what_changed_and_recomputes_the_clock(cast):
    from aduan.directory.models import Category

    report = report_in(cast, Status.IN_PROGRESS)
    due = report.due_at
    actions.do_reclassify(
        report, actor=cast.dispatcher, category=Category.objects.get(code="pungli")
    )
    assert report.supervisory  # the category's default
    assert report.due_at > due  # 60 working days instead of 14
    event = report.events.get(kind=EventKind.RECLASSIFIED)
    assert event.data["supervisory"] == [False, True] and event.audience == Audience.INTERNAL


def test_support_is_one_per_account_and_only_on_public_reports(cast):
    hidden = report_in(cast, Status.SUBMITTED)
    with pytest.raises(errors.InvalidState):
        actions.do_support(hidden, actor=cast.other_citizen)
    public = report_in(cast, Status.DISPOSITIONED)
    assert actions.do_support(public, actor=cast.other_citizen) is True
    assert actions.do_support(public, actor=cast.other_citizen) is False
    assert public.supports.count() == 1


def test_an_anonymous_reporter_is_never_named_in_what_officers_receive(cast):
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    actions.do_answer(
        report, actor=cast.officer_a, text="Sudah ditangani.", attachments=[result_photo()]
    )
    actions.do_reject_answer(report, actor=cast.citizen, reason="Belum.")
    for message in Notification.objects.filter(recipient=cast.officer_a):
        assert cast.citizen.full_name not in message.body and cast.citizen.email not in message.body
        assert cast.citizen.phone not in message.body


def test_mail_is_plain_text_and_keeps_what_people_typed(cast):
    report = file_report(cast, title='Air "keruh" & berbau <di> sumur')
    body = opened(Notification.objects.get(report=report, channel="email"))
    assert 'Air "keruh" & berbau <di> sumur' in body
    assert mail.outbox == []  # nothing is sent before the transaction commits


def test_a_malformed_version_is_refused_not_a_crash(cast):
    report = report_in(cast, Status.SUBMITTED)
    with pytest.raises(errors.InvalidInput) as refused:
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, expected_version="abc")
    assert refused.value.field == "version"
    assert Report.objects.get(pk=report.pk).status == Status.SUBMITTED


def test_a_citizen_posting_a_malformed_version_gets_a_message_not_an_error(client, cast):
    report = report_in(cast, Status.RESPONDED)
    client.force_login(cast.citizen)
    response = client.post(
        f"/laporan/{report.code}/puas/", {"rating": "5", "comment": "", "version": "x"}
    )
    assert response.status_code < 500
    assert Report.objects.get(pk=report.pk).status == Status.RESPONDED


def test_assign_checks_the_actor_before_the_officer(cast):
    """Whoever may not assign learns nothing about who is an officer of the holding agency."""
    report = report_in(cast, Status.DISPOSITIONED)
    for outsider in (cast.citizen, cast.supervisor, cast.dispatcher):
        for officer in (cast.officer_a, cast.officer_b, cast.citizen):
            with pytest.raises(errors.NotPermitted):
                actions.do_assign(report, officer, actor=outsider)
    with pytest.raises(errors.InvalidInput):
        actions.do_assign(report, cast.officer_b, actor=cast.officer_a)
    actions.do_assign(report, cast.officer_a, actor=cast.officer_a)
    report.refresh_from_db()
    assert report.assigned_to == cast.officer_a

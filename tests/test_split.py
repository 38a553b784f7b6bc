"""“Bagi laporan” (issue 16): the dispatcher splits a report between several agencies. Each part
is a report of its own for its agency; only the main report talks to the reporter; the main
report is answered when every part is answered, and it closes (with its parts) only after them."""

import pytest
from django.db.models import Q

from aduan.audit.models import AuditEntry
from aduan.notifications.models import Notification
from aduan.reports import actions, errors
from aduan.reports.models import EventKind, Report, Status
from aduan.reports.visibility import visible_reports
from tests.conftest import file_report, report_in, result_photo

pytestmark = pytest.mark.django_db


def split(cast, report=None):
    report = report or report_in(cast, Status.SUBMITTED)
    actions.do_split(
        report,
        actor=cast.dispatcher,
        parts=[(cast.agency_a, "Tambal jalannya."), (cast.agency_b, "Periksa korban jatuh.")],
    )
    part_a = report.parts.get(agency=cast.agency_a)
    part_b = report.parts.get(agency=cast.agency_b)
    return report, part_a, part_b


def to_reporter(report):
    """Notifications addressed to the reporter about `report` (account or bare contact)."""
    return Notification.objects.filter(report=report).filter(
        Q(recipient__in=[report.reporter_id, report.filed_by_id]) | Q(recipient__isnull=True)
    )


def answer(part, officer, text):
    actions.do_accept(part, actor=officer)
    return actions.do_answer(part, actor=officer, text=text, attachments=[result_photo()])


def test_it_splits_into_two_agencies_with_codes_clocks_and_audit(cast):
    report, part_a, part_b = split(cast)
    report.refresh_from_db()
    assert report.status == Status.SPLIT
    assert report.agency_id is None and report.due_at is None and report.split_at is not None
    assert {part_a.code, part_b.code} == {f"{report.code}-1", f"{report.code}-2"}
    for part in (part_a, part_b):
        assert part.status == Status.DISPOSITIONED
        assert part.due_at is not None  # the agency's clock runs
        assert (part.title, part.reporter_id, part.category_id) == (
            report.title,
            cast.citizen.pk,
            report.category_id,
        )
        assert part.events.filter(kind=EventKind.PART_CREATED).exists()
        assert AuditEntry.objects.filter(report_code=part.code, action="dispositioned").exists()
    event = report.events.get(kind=EventKind.SPLIT)
    assert [p["code"] for p in event.data["parts"]] == [part_a.code, part_b.code]
    entry = AuditEntry.objects.get(report_code=report.code, action=EventKind.SPLIT)
    assert entry.actor == cast.dispatcher and entry.detail["to"] == Status.SPLIT
    # The agencies are told, through the disposition of their part.
    assert Notification.objects.filter(
        report=part_a, kind="report_dispositioned", recipient=cast.officer_a
    ).exists()


def test_it_refuses_a_split_with_one_agency_or_twice_the_same(cast):
    report = report_in(cast, Status.SUBMITTED)
    for parts in (
        [(cast.agency_a, "")],
        [(cast.agency_a, "a"), (cast.agency_a, "b")],
        [(cast.agency_a, ""), (None, "")],
    ):
        with pytest.raises(errors.InvalidInput):
            actions.do_split(report, actor=cast.dispatcher, parts=parts)
    with pytest.raises(errors.NotPermitted):
        actions.do_split(
            report, actor=cast.officer_a, parts=[(cast.agency_a, ""), (cast.agency_b, "")]
        )
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED and not report.parts.exists()


def test_a_dispositioned_report_can_be_split_and_a_part_not_again(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    report, part_a, _part_b = split(cast, report)
    assert report.dispositions.get().ended_at is not None
    with pytest.raises(errors.InvalidState):
        actions.do_split(
            part_a, actor=cast.dispatcher, parts=[(cast.agency_a, ""), (cast.agency_b, "")]
        )


def test_each_agency_sees_only_its_part(cast, client):
    report, part_a, part_b = split(cast)
    assert set(visible_reports(cast.officer_a).filter(parent=report)) == {part_a}
    assert set(visible_reports(cast.officer_b).filter(parent=report)) == {part_b}
    client.force_login(cast.officer_a)
    assert client.get(f"/kantor/laporan/{part_a.code}/").status_code == 200
    assert client.get(f"/kantor/laporan/{part_b.code}/").status_code == 404
    assert client.get(f"/kantor/laporan/{report.code}/").status_code == 404
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/")
    assert [p.code for p in page.context["parts"]] == [part_a.code, part_b.code]
    assert page.context["main_report"] is None
    page = client.get(f"/kantor/laporan/{part_a.code}/")
    assert page.context["main_report"] == {"code": report.code, "opened": True}
    listing = client.get("/kantor/laporan/").content.decode()
    assert f'bagian dari <a href="/kantor/laporan/{report.code}/">' in listing


def test_the_reporter_hears_nothing_from_the_parts_and_cannot_act_on_them(cast):
    report, part_a, part_b = split(cast)
    answer(part_a, cast.officer_a, "Jalan sudah ditambal.")
    actions.do_accept(part_b, actor=cast.officer_b)
    actions.do_add_note(part_b, actor=cast.officer_b, text="Petugas ke lokasi.", public=True)
    for part in (part_a, part_b):
        assert not to_reporter(part).exists()
    with pytest.raises(errors.InvalidState):
        actions.do_request_info(part_b, actor=cast.officer_b, text="Kirim foto.")
    part_a.refresh_from_db()
    assert part_a.status == Status.RESPONDED and part_a.due_at is None  # no verdict clock
    with pytest.raises(errors.NotPermitted):
        actions.do_accept_answer(part_a, actor=cast.citizen, rating=5)
    # Not listed as the reporter's own, nor in the public feed.
    assert not visible_reports(None).filter(parent=report).exists()
    assert not visible_reports(cast.citizen).filter(parent=report).exists()


def test_the_main_report_cannot_be_answered_or_closed_while_a_part_is_open(cast, client):
    report, part_a, _part_b = split(cast)
    answer(part_a, cast.officer_a, "Jalan sudah ditambal.")
    report.refresh_from_db()
    assert report.status == Status.SPLIT
    with pytest.raises(errors.InvalidState):
        actions.do_close(report, actor=cast.dispatcher, reason="Sudah beres.")
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/close/",
        {"version": report.version, "reason": "Sudah beres."},
    )
    assert response.status_code == 409  # refused by the same guard, with its reason
    assert "masih ada bagian yang belum dijawab" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.SPLIT
    assert not to_reporter(report).filter(kind="report_answered").exists()


def test_after_both_answer_the_main_report_answers_and_closes_with_its_parts(cast):
    report, part_a, part_b = split(cast)
    answer(part_a, cast.officer_a, "Jalan sudah ditambal.")
    answer(part_b, cast.officer_b, "Korban sudah diperiksa di Puskesmas.")
    report.refresh_from_db()
    assert report.status == Status.RESPONDED and report.due_at is not None  # verdict clock
    combined = report.events.get(kind=EventKind.ANSWERED)
    assert "PUPR" in combined.text and "Jalan sudah ditambal." in combined.text
    assert "Korban sudah diperiksa di Puskesmas." in combined.text
    assert combined.data["combined"] is True
    assert to_reporter(report).filter(kind="report_answered").exists()
    assert AuditEntry.objects.filter(report_code=report.code, action="answered").exists()

    actions.do_accept_answer(report, actor=cast.citizen, rating=5)
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    for part in (part_a, part_b):
        part.refresh_from_db()
        assert part.status == Status.CLOSED
        assert part.events.filter(kind=EventKind.CLOSED, data__main=report.code).exists()


def test_not_satisfied_sends_the_parts_back_and_the_dispatcher_may_close_one(cast):
    report, part_a, part_b = split(cast)
    answer(part_a, cast.officer_a, "Jalan sudah ditambal.")
    answer(part_b, cast.officer_b, "Korban sudah diperiksa.")
    report.refresh_from_db()
    actions.do_reject_answer(report, actor=cast.citizen, reason="Lubangnya masih ada.")
    report.refresh_from_db()
    part_a.refresh_from_db()
    part_b.refresh_from_db()
    assert report.status == Status.SPLIT and report.reopen_count == 1
    assert part_a.status == part_b.status == Status.IN_PROGRESS
    assert part_a.due_at is not None
    assert Notification.objects.filter(
        report=part_a, kind="report_reopened", recipient=cast.officer_a
    ).exists()
    # The health part needs nothing new: the dispatcher closes it with a reason; the road part
    # answers again, and the main report is answered again.
    actions.do_close(part_b, actor=cast.dispatcher, reason="Tidak ada tindak lanjut baru.")
    report.refresh_from_db()
    assert report.status == Status.SPLIT
    actions.do_answer(
        part_a, actor=cast.officer_a, text="Ditambal ulang.", attachments=[result_photo()]
    )
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert report.events.filter(kind=EventKind.ANSWERED).count() == 2
    actions.do_close(report, actor=cast.dispatcher, reason="Selesai.")
    part_a.refresh_from_db()
    assert part_a.status == Status.CLOSED


def test_the_dispatcher_reopens_one_answered_part_while_the_other_is_open(cast):
    _report, part_a, _part_b = split(cast)
    answer(part_a, cast.officer_a, "Sudah.")
    with pytest.raises(errors.InvalidInput):
        actions.do_reopen_part(part_a, actor=cast.dispatcher, reason=" ")
    with pytest.raises(errors.NotPermitted):
        actions.do_reopen_part(part_a, actor=cast.officer_a, reason="x")
    actions.do_reopen_part(part_a, actor=cast.dispatcher, reason="Lampirkan foto yang jelas.")
    part_a.refresh_from_db()
    assert part_a.status == Status.IN_PROGRESS


def test_the_public_page_shows_the_parts_and_a_part_leads_to_it(cast, client):
    report, part_a, _part_b = split(cast)
    answer(part_a, cast.officer_a, "Jalan sudah ditambal.")
    page = client.get(f"/laporan/{report.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="report-parts"' in body
    assert cast.agency_a.name in body and cast.agency_b.name in body
    assert "Jalan sudah ditambal." in body
    response = client.get(f"/laporan/{part_a.code}/")
    assert response.status_code == 302 and response["Location"] == f"/laporan/{report.code}/"
    confidential = file_report(cast, confidential=True)
    _main, secret_part, _other = split(cast, confidential)
    assert client.get(f"/laporan/{secret_part.code}/").status_code == 404


def test_the_back_office_form_splits_and_the_api_refuses_one_agency(cast, client):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/split/",
        {
            "version": report.version,
            "agency_1": cast.agency_a.pk,
            "note_1": "Jalan.",
            "agency_2": cast.agency_b.pk,
            "note_2": "Korban.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.SPLIT and report.parts.count() == 2
    other = report_in(cast, Status.SUBMITTED)
    response = client.post(
        f"/kantor/laporan/{other.code}/aksi/split/",
        {"version": other.version, "agency_1": cast.agency_a.pk},
    )
    assert response.status_code == 422
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED
    assert Report.objects.filter(parent=other).count() == 0

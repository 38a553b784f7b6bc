"""The workspace's actions, one by one, through the pages."""

import pytest

from aduan.audit.models import AuditEntry
from aduan.backoffice.models import ResponseTemplate
from aduan.directory.models import Category
from aduan.notifications.models import Notification
from aduan.reports.models import ArchiveReason, EventKind, Report, Status
from tests.conftest import file_report, intake_token, photo_bytes, report_in

pytestmark = pytest.mark.django_db


def _post(client, report, action, **data):
    report.refresh_from_db()
    return client.post(
        f"/kantor/laporan/{report.code}/aksi/{action}/", {"version": report.version, **data}
    )


def _result_photo():
    """A road report's "done" answer carries a photo of the result (issue 15)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("hasil.jpg", photo_bytes(), content_type="image/jpeg")


def test_it_shows_only_the_actions_of_the_status(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.dispatcher)
    offered = {a for a, _label in client.get(f"/kantor/laporan/{report.code}/").context["actions"]}
    assert offered == {
        "disposition",
        "split",
        "return",
        "archive",
        "merge",
        "reclassify",
        "set_priority",
        "edit_public",
        "dispatcher_note",
        "close",
        "forward",
        "forward_remote",
        "hold",
    }
    client.force_login(cast.officer_a)
    report = report_in(cast, Status.IN_PROGRESS)
    offered = {a for a, _label in client.get(f"/kantor/laporan/{report.code}/").context["actions"]}
    assert offered == {
        "assign",
        "note",
        "request_info",
        "request_extension",
        "answer",
        "propose_forward",
        "pass_down",  # issue 16
    }


def test_it_returns_with_the_missing_items_from_templates(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    place, time = (
        ResponseTemplate.objects.get(title="Lokasi kejadian"),
        ResponseTemplate.objects.get(title="Waktu kejadian"),
    )
    client.force_login(cast.dispatcher)
    assert (
        _post(
            client, report, "return", missing=[place.pk, time.pk], text="Terima kasih."
        ).status_code
        == 302
    )
    event = report.events.get(kind=EventKind.RETURNED)
    assert event.text == f"- {place.body}\n- {time.body}\nTerima kasih."
    report.refresh_from_db()
    assert report.status == Status.RETURNED


def test_it_refuses_a_return_without_a_message(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.dispatcher)
    assert _post(client, report, "return").status_code == 422


def test_it_merges_a_duplicate_and_the_reporter_follows(client, cast):
    original = report_in(cast, Status.SUBMITTED)
    duplicate = file_report(cast, reporter=cast.other_citizen, title="Jalan rusak Seketeng lagi")
    client.force_login(cast.dispatcher)
    asked = _post(client, duplicate, "merge", into=original.code.lower())
    assert asked.status_code == 200 and "Ya, gabungkan" in asked.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == Status.SUBMITTED  # nothing changes before the confirmation
    assert (
        _post(client, duplicate, "merge", into=original.code, confirmed="True").status_code == 302
    )
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.archive_reason) == (
        Status.ARCHIVED,
        original,
        ArchiveReason.DUPLICATE,
    )
    assert Notification.objects.filter(
        report=duplicate, kind="report_merged", recipient=cast.other_citizen
    ).exists()
    assert _post(client, original, "merge", into="SBW-TIDAKADA").status_code == 422


def test_it_reclassifies_and_a_new_category_brings_its_supervisory_default(client, cast):
    report = report_in(cast, Status.SUBMITTED)
    pungli = Category.objects.get(code="pungli")
    client.force_login(cast.dispatcher)
    assert (
        _post(
            client,
            report,
            "reclassify",
            classification="complaint",
            category=pungli.pk,
            confidential="on",
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert (report.category, report.supervisory, report.confidential, report.anonymous) == (
        pungli,
        True,
        True,
        False,
    )


def test_it_refuses_to_reclassify_into_an_inactive_category_but_keeps_the_current_one(client, cast):
    """The rule is the action's (`do_reclassify`): the API and this form refuse alike. A report
    already in an inactive category (an import's) may be reclassified otherwise and keep it."""
    from tests.api.conftest import ApiClient

    report = report_in(cast, Status.SUBMITTED)
    old = Category.objects.create(code="lama", name="Kategori lama", is_active=False)
    client.force_login(cast.dispatcher)
    response = _post(client, report, "reclassify", classification="complaint", category=old.pk)
    assert response.status_code == 422
    assert "Kategori ini tidak aktif; pilih kategori lain." in response.content.decode()
    api = ApiClient(cast.dispatcher).post(
        f"/reports/{report.code}/reclassify", {"category": "lama"}
    )
    assert api.status_code == 422
    assert api.json()["error"]["message"] == "Kategori ini tidak aktif; pilih kategori lain."
    report.refresh_from_db()
    assert report.category != old
    Report.objects.filter(pk=report.pk).update(category=old)
    report.refresh_from_db()
    assert (
        _post(
            client, report, "reclassify", classification="aspiration", category=old.pk
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert (report.category, report.classification) == (old, "aspiration")


def test_it_assigns_to_a_colleague_and_not_to_another_agency(client, cast):
    from tests.conftest import _user

    colleague = _user("petugas-pupr-2", "officer", "pupr")
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    assert _post(client, report, "assign", officer=cast.officer_b.pk).status_code == 422
    assert _post(client, report, "assign", officer=colleague.pk).status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == colleague


def test_it_asks_the_reporter_and_pauses_the_clock(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    assert _post(client, report, "request_info", text="Mohon kirim foto lokasi.").status_code == 302
    report.refresh_from_db()
    assert report.paused_at is not None
    page = client.get(f"/kantor/laporan/{report.code}/")
    assert "request_info" not in {a for a, _l in page.context["actions"]}


def test_it_declines_and_the_report_returns_to_the_queue(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_a)
    assert _post(client, report, "decline", reason="Bukan kewenangan PUPR.").status_code == 302
    client.force_login(cast.dispatcher)
    rows = client.get("/kantor/antrean/").context["page"]
    assert [(r.code, r.was_declined) for r in rows] == [(report.code, True)]


def test_it_refuses_a_file_that_is_not_a_document(client, cast):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    bad = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _post(client, report, "answer", text="Jawaban saya", attachments=bad)
    assert response.status_code == 422
    assert "Jawaban saya" in response.content.decode()


def test_it_uses_an_agency_template_for_the_answer(client, cast):
    mine = ResponseTemplate.objects.create(
        kind="answer", agency=cast.agency_a, title="PUPR", body="Jalan sudah ditambal."
    )
    theirs = ResponseTemplate.objects.create(
        kind="answer", agency=cast.agency_b, title="Dinkes", body="Obat tersedia."
    )
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/")
    assert (
        mine in page.context["templates"]["answer"]
        and theirs not in page.context["templates"]["answer"]
    )
    assert (
        _post(
            client,
            report,
            "answer",
            template=theirs.pk,
            text="Terima kasih.",
            attachments=_result_photo(),
        ).status_code
        == 302
    )
    assert (
        report.events.get(kind=EventKind.ANSWERED).text == "Terima kasih."
    )  # another agency's template is ignored


def test_a_template_goes_into_the_text_box_to_be_edited_before_sending(client, cast):
    """Without JavaScript: choosing a template shows its text in the box, nothing is sent yet;
    what is sent is what the box holds when the officer sends it."""
    mine = ResponseTemplate.objects.create(
        kind="answer", agency=cast.agency_a, title="PUPR", body="Jalan sudah ditambal."
    )
    report = report_in(cast, Status.IN_PROGRESS)
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert 'data-body="Jalan sudah ditambal."' in page  # the script inserts it at once
    shown = _post(client, report, "answer", template=mine.pk, text="Terima kasih.")
    assert shown.status_code == 200
    assert not report.events.filter(kind=EventKind.ANSWERED).exists()
    form = next(f for f in shown.context["action_forms"] if f.name == "answer")
    assert form.open and form["text"].value() == "Jalan sudah ditambal.\n\nTerima kasih."
    assert "Jalan sudah ditambal.\n\nTerima kasih.</textarea>" in shown.content.decode()
    assert _post(client, report, "answer", insert="1", text="Sudah.").status_code == 200
    assert not report.events.filter(
        kind=EventKind.ANSWERED
    ).exists()  # the button alone sends nothing
    edited = "Jalan sudah ditambal pada 3 Desember.\n\nTerima kasih."
    assert (
        _post(client, report, "answer", text=edited, attachments=_result_photo()).status_code == 302
    )
    assert report.events.get(kind=EventKind.ANSWERED).text == edited


def test_dispatcher_intake_records_the_channel_and_the_desk(client, cast):
    client.force_login(cast.dispatcher)
    data = {
        "form_token": intake_token(client),
        "channel": "phone",
        "reporter_name": "Ibu Sumarni",
        "reporter_phone": "081234567890",
        "classification": "complaint",
        "title": "Air PDAM mati",
        "description": "Sudah tiga hari air mati.",
    }
    response = client.post("/kantor/pengaduan-baru/", data)
    assert response.status_code == 302
    code = response["Location"].rstrip("/").rsplit("/", 1)[1]
    # The same form sent again (a double click): the report the first one filed, not a second.
    again = client.post("/kantor/pengaduan-baru/", data)
    assert again.status_code == 302 and again["Location"] == response["Location"]
    assert Report.objects.filter(filed_by=cast.dispatcher).count() == 1
    page = client.get(response["Location"])
    report = page.context["report"]
    assert (report.code, report.channel, report.filed_by, report.reporter) == (
        code,
        "phone",
        cast.dispatcher,
        None,
    )
    assert "kata sandi pelacakan" in page.content.decode()
    assert AuditEntry.objects.filter(
        report_code=code, action=EventKind.SUBMITTED, actor=cast.dispatcher
    ).exists()


def test_dispatcher_intake_keeps_what_was_typed_when_refused(client, cast):
    client.force_login(cast.dispatcher)
    response = client.post(
        "/kantor/pengaduan-baru/",
        {
            "channel": "walk_in",
            "reporter_name": "",
            "classification": "complaint",
            "title": "Lampu jalan padam",
            "description": "Sejak seminggu.",
            "reporter_email": "bukan-email",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Lampu jalan padam" in body and "Sejak seminggu." in body
    assert "Kolom ini wajib diisi." in body and "Alamat e-mail tidak valid." in body


def test_the_queue_filters_by_zone(client, cast):
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 4, 6, 9, tzinfo=dt.UTC), tick=False):
        late = report_in(cast, Status.SUBMITTED)
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        fresh = report_in(cast, Status.SUBMITTED)
        client.force_login(cast.dispatcher)
        assert [r.code for r in client.get("/kantor/antrean/?zone=red").context["page"]] == [
            late.code
        ]
        assert [r.code for r in client.get("/kantor/antrean/?zone=green").context["page"]] == [
            fresh.code
        ]
        assert [r.code for r in client.get("/kantor/antrean/?zone=yellow").context["page"]] == []


def test_it_redispositions_and_closes_with_a_reason(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.dispatcher)
    assert (
        _post(client, report, "redisposition", agency=cast.agency_a.pk).status_code == 422
    )  # already there
    assert (
        _post(
            client,
            report,
            "redisposition",
            agency=cast.agency_b.pk,
            instruction="Kewenangan Dinkes.",
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.agency == cast.agency_b
    assert _post(client, report, "close").status_code == 422
    assert (
        _post(client, report, "close", reason="Ditangani lewat rapat koordinasi.").status_code
        == 302
    )
    report.refresh_from_db()
    assert (report.status, report.close_reason) == (
        Status.CLOSED,
        "Ditangani lewat rapat koordinasi.",
    )


@pytest.mark.parametrize("data", [{}, {"version": "abc"}])
def test_it_refuses_a_form_without_a_version(client, cast, data):
    report = report_in(cast, Status.SUBMITTED)
    client.force_login(cast.dispatcher)
    response = client.post(f"/kantor/laporan/{report.code}/aksi/close/", {"reason": "x", **data})
    assert response.status_code == 422
    assert "muat ulang halaman" in response.content.decode()


def test_it_ignores_bad_filters_instead_of_failing(client, cast):
    report_in(cast, Status.SUBMITTED)
    client.force_login(cast.supervisor)
    for query in (
        "agency=abc&category=x&dari=kemarin&zone=ungu&halaman=-3",
        "metric=apa&status=bukan",
    ):
        assert client.get(f"/kantor/laporan/?{query}").status_code == 200
    assert client.get("/kantor/statistik/?dari=abc&sampai=2026-13-01").status_code == 200
    assert client.get("/kantor/audit/?dari=abc&halaman=x").status_code == 200


def test_the_dispatcher_sees_likely_duplicates_and_merges_after_confirming(client, cast):
    from aduan.reports.models import Report, Status
    from tests.conftest import file_report

    first = file_report(
        cast,
        title="Jalan berlubang di Jalan Garuda Seketeng",
        description=(
            "Jalan Garuda di depan SD Seketeng berlubang besar sejak awal bulan, motor jatuh."
        ),
    )
    again = file_report(
        cast,
        reporter=cast.other_citizen,
        title="Jalan Garuda Seketeng berlubang",
        description=(
            "Di depan SD Seketeng Jalan Garuda berlubang besar sejak awal bulan, motor jatuh."
        ),
    )
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{again.code}/").content.decode()
    assert "Kemungkinan duplikat" in page and first.code in page and "kemiripan" in page
    response = client.post(
        f"/kantor/laporan/{again.code}/aksi/merge/", {"into": first.code, "version": again.version}
    )
    assert response.status_code == 200 and first.title in response.content.decode()
    assert Report.objects.get(pk=again.pk).status == Status.SUBMITTED
    response = client.post(
        f"/kantor/laporan/{again.code}/aksi/merge/",
        {"into": first.code, "version": again.version, "confirmed": "True"},
    )
    assert response.status_code == 302
    again = Report.objects.get(pk=again.pk)
    assert again.status == Status.ARCHIVED and again.merged_into_id == first.pk


def test_an_officer_sees_no_triage_panel(client, cast):
    from aduan.reports.models import Status
    from tests.conftest import report_in

    report = report_in(cast, Status.DISPOSITIONED)
    client.force_login(cast.officer_a)
    assert "Saran triase" not in client.get(f"/kantor/laporan/{report.code}/").content.decode()


def test_a_merge_can_be_undone_and_the_support_comes_back(client, cast):
    from aduan.reports import actions
    from aduan.reports.models import Support

    original = report_in(cast, Status.SUBMITTED)
    duplicate = file_report(cast, reporter=cast.other_citizen, title="Jalan rusak Seketeng lagi")
    Support.objects.create(report=duplicate, user=cast.citizen)
    actions.do_merge(duplicate, original, actor=cast.dispatcher)
    assert original.supports.filter(user=cast.citizen).exists()
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{duplicate.code}/")
    assert "unmerge" in {a for a, _label in page.context["actions"]}
    assert _post(client, duplicate, "unmerge").status_code == 302
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into, duplicate.archive_reason) == (
        Status.SUBMITTED,
        None,
        "",
    )
    assert duplicate.due_step == "verify" and duplicate.due_at is not None
    assert list(duplicate.supports.values_list("user", flat=True)) == [cast.citizen.pk]
    assert not original.supports.exists()
    assert duplicate.events.filter(kind=EventKind.UNMERGED).exists()
    assert Notification.objects.filter(
        report=duplicate, kind="report_unmerged", recipient=cast.other_citizen
    ).exists()
    assert "unmerge" not in {
        a for a, _label in client.get(f"/kantor/laporan/{duplicate.code}/").context["actions"]
    }
    archived = report_in(cast, Status.SUBMITTED)
    actions.do_archive(archived, actor=cast.dispatcher, reason=ArchiveReason.SPAM)
    assert _post(client, archived, "unmerge").status_code == 409  # archived, but not merged


def test_the_inbox_shows_that_the_reporter_reopened_a_report(client, cast):
    from aduan.reports import actions

    report = report_in(cast, Status.RESPONDED)
    other = report_in(cast, Status.IN_PROGRESS, title="Lampu jalan padam")
    actions.do_reject_answer(report, actor=cast.citizen, reason="Lubangnya masih ada.")
    client.force_login(cast.officer_a)
    rows = client.get("/kantor/kotak-masuk/").content.decode()
    row_of = {
        code: rows.split(f">{code}</a>")[1].split("</tr>")[0] for code in (report.code, other.code)
    }
    assert "dibuka kembali" in row_of[report.code] and "tidak puas" in row_of[report.code]
    assert "dibuka kembali" not in row_of[other.code]

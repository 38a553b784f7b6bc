"""A pungli complaint told through the back office's pages, from the queue to the closing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.audit.models import AuditEntry
from aduan.directory.models import Category
from aduan.reports import actions
from aduan.reports.models import Attachment, EventKind, Status
from tests.conftest import file_report
from tests.portal import PDF

pytestmark = pytest.mark.django_db


def _post(client, report, action, **data):
    report.refresh_from_db()
    return client.post(
        f"/kantor/laporan/{report.code}/aksi/{action}/", {"version": report.version, **data}
    )


def test_it_tells_the_pungli_story_through_the_pages(client, cast):
    report = file_report(
        cast,
        title="Pungutan biaya pembuatan KTP",
        category=Category.objects.get(code="pungli"),
        description="Saya diminta membayar Rp100.000 agar KTP cepat jadi.",
    )
    assert report.supervisory

    client.force_login(cast.dispatcher)
    queue = client.get("/kantor/antrean/")
    assert report.code in queue.content.decode()
    page = client.get(f"/kantor/laporan/{report.code}/")
    assert "Wayan Sudarsana" in page.content.decode()  # the dispatcher sees the identity ...
    assert (
        AuditEntry.objects.filter(
            action="identity_viewed", report_code=report.code, actor=cast.dispatcher
        ).count()
        == 1
    )  # ... and it is on the record
    response = _post(
        client,
        report,
        "disposition",
        agency=cast.inspektorat.pk,
        instruction="Periksa oknum petugas.",
    )
    assert response.status_code == 302

    client.force_login(cast.inspector)
    inbox = client.get("/kantor/kotak-masuk/")
    assert report.code in inbox.content.decode()
    assert _post(client, report, "accept").status_code == 302
    assert (
        _post(
            client,
            report,
            "note",
            text="Tim turun ke kantor kecamatan, petugas dimintai keterangan.",
        ).status_code
        == 302
    )
    upload = SimpleUploadedFile("berita-acara.pdf", PDF, content_type="application/pdf")
    assert (
        _post(
            client,
            report,
            "answer",
            text="Oknum dikenai sanksi; uang dikembalikan.",
            attachments=upload,
        ).status_code
        == 302
    )
    report.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert Attachment.objects.get(report=report).content_type == "application/pdf"

    # The reporter's verdicts are the portal's pages; here they go through the same actions.
    actions.do_reject_answer(report, actor=cast.citizen, reason="Uang saya belum dikembalikan.")
    assert (
        client.get(f"/kantor/laporan/{report.code}/").context["report"].status == Status.IN_PROGRESS
    )
    assert (
        _post(
            client,
            report,
            "answer",
            text="Uang Rp100.000 telah dikembalikan, tanda terima terlampir.",
        ).status_code
        == 302
    )
    report.refresh_from_db()
    actions.do_accept_answer(report, actor=cast.citizen, rating=5, comment="Terima kasih.")

    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.reopen_count == 1 and report.rating == 5
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.SUBMITTED,
        EventKind.DISPOSITIONED,
        EventKind.ACCEPTED,
        EventKind.NOTE,
        EventKind.ANSWERED,
        EventKind.REOPENED,
        EventKind.ANSWERED,
        EventKind.SATISFIED,
    ]
    assert report.events.get(kind=EventKind.NOTE).audience == "internal"

    client.force_login(cast.supervisor)
    dashboard = client.get("/kantor/statistik/?dari=2020-01-01&sampai=2030-12-31")
    inspektorat = next(r for r in dashboard.context["agencies"] if r.key == cast.inspektorat.pk)
    assert (
        inspektorat.received,
        inspektorat.open,
        inspektorat.reopened,
        inspektorat.avg_rating,
    ) == (1, 0, 1, 5)
    assert inspektorat.answers == 2 and inspektorat.on_time_pct == 100


def test_it_refuses_a_stale_form_with_the_current_state_and_keeps_the_text(client, cast):
    report = file_report(cast)
    client.force_login(cast.dispatcher)
    seen_version = report.version
    actions.do_disposition(
        report, cast.agency_a, actor=cast.dispatcher, instruction="Oleh rekan lain."
    )
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/disposition/",
        {
            "version": seen_version,
            "agency": cast.agency_b.pk,
            "instruction": "Teks saya yang panjang",
        },
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "baru saja diubah oleh orang lain" in body
    assert "Terdisposisi" in body  # the current state
    report.refresh_from_db()
    assert report.agency == cast.agency_a  # nothing half-done


def test_it_keeps_the_text_when_a_field_is_missing(client, cast):
    report = file_report(cast)
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/archive/",
        {"version": report.version, "reason": "out_of_authority", "text": "Bukan urusan pemda"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Sebutkan instansi yang berwenang." in body and "Bukan urusan pemda" in body


def test_every_door_that_shows_a_reporter_puts_the_view_on_the_record(client, cast):
    """One function (`visibility.reporter_seen`): the back office recorded its workspace, PDF
    and case file, while the API's report showed the same name, phone and e-mail off the record.
    The reporter reading their own report, and a viewer shown no identity, are not recorded."""
    from aduan.reports.models import Status
    from tests.api.conftest import ApiClient
    from tests.conftest import report_in

    report = report_in(cast, Status.IN_PROGRESS)

    def views(actor):
        return list(
            AuditEntry.objects.filter(
                action="identity_viewed", report_code=report.code, actor=actor
            )
            .order_by("id")
            .values_list("detail__page", flat=True)
        )

    body = ApiClient(cast.dispatcher).get(f"/reports/{report.code}").json()
    assert body["reporter"]["name"] == cast.citizen.display_name
    assert views(cast.dispatcher) == ["api"]
    client.force_login(cast.dispatcher)
    assert client.get(f"/kantor/laporan/{report.code}/pdf/").status_code == 200
    assert views(cast.dispatcher) == ["api", "pdf"]
    assert ApiClient(cast.citizen).get(f"/reports/{report.code}").status_code == 200
    assert ApiClient(cast.other_citizen).get(f"/reports/{report.code}").status_code == 200
    assert views(cast.citizen) == [] and views(cast.other_citizen) == []

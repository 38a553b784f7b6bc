""" "Other reports from this reporter" (issue 17): the dispatcher sees them in the workspace (by
account, else by phone number); an agency and a supervisor never do, so an anonymous report is
never tied to its reporter's other reports outside the dispatcher's desk."""

import pytest

from aduan.reports.models import Status
from tests.conftest import file_report, report_in

pytestmark = pytest.mark.django_db


def listed(client, user, report) -> str:
    client.force_login(user)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    return (
        page.split('id="other-reports"', 1)[1].split("</ul>", 1)[0]
        if 'id="other-reports"' in page
        else ""
    )


def test_the_dispatcher_sees_the_reporters_other_reports(client, cast):
    first = report_in(cast, Status.CLOSED, title="Lampu jalan mati")
    anonymous = report_in(cast, Status.IN_PROGRESS, anonymous=True, title="Pungli di kantor desa")
    others = file_report(cast, reporter=cast.other_citizen, title="Bukan laporan warga ini")
    shown = listed(client, cast.dispatcher, anonymous)
    assert first.code in shown and anonymous.code not in shown and others.code not in shown
    for staff in (cast.officer_a, cast.supervisor):
        assert listed(client, staff, anonymous) == ""


def test_a_reporter_without_an_account_is_matched_by_phone(client, cast):
    common = {"reporter": None, "reporter_name": "Warga SMS", "filed_by": None}
    a = file_report(cast, reporter_phone="+6281339100555", **common)
    b = file_report(cast, reporter_phone="+6281339100555", title="Lagi", **common)
    c = file_report(cast, reporter_phone="+6281339100777", title="Nomor lain", **common)
    shown = listed(client, cast.dispatcher, b)
    assert a.code in shown and c.code not in shown


def test_a_report_prints_as_a_pdf_showing_what_the_screen_shows(client, cast):
    """Issue 17: one report with its timeline as a PDF for a paper file; an officer's copy of an
    anonymous report names no one, the dispatcher's does (and is audited)."""
    import zlib

    from aduan.audit.models import AuditEntry
    from aduan.reports import actions

    report = report_in(cast, Status.IN_PROGRESS, anonymous=True, title="Pungli di kantor desa")
    actions.do_add_note(report, actor=cast.officer_a, text="Diperiksa ke lokasi.")

    def text_of(user) -> str:
        client.force_login(user)
        response = client.get(f"/kantor/laporan/{report.code}/pdf/")
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        raw = response.content
        # fpdf2 compresses each page's content stream: read the drawn text back.
        streams = []
        for part in raw.split(b"stream\n")[1:]:
            data = part.split(b"\nendstream", 1)[0]
            try:
                streams.append(zlib.decompress(data).decode("latin-1"))
            except zlib.error:
                continue
        return "".join(streams)

    officer = text_of(cast.officer_a)
    assert report.code in officer and "Diperiksa ke lokasi." in officer
    assert "Anonim" in officer and cast.citizen.full_name not in officer
    dispatcher = text_of(cast.dispatcher)
    assert cast.citizen.full_name in dispatcher
    assert AuditEntry.objects.filter(detail__page="pdf", actor=cast.dispatcher).exists()
    client.force_login(cast.officer_b)
    assert client.get(f"/kantor/laporan/{report.code}/pdf/").status_code == 404


def test_the_pdf_survives_long_words_and_characters_the_font_lacks(client, cast):
    report = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Jalan" + "x" * 190,  # one word as long as a title may be
        description="😡 " + "https://contoh.test/" + "a" * 600 + " ✓ — “kutip”",
    )
    client.force_login(cast.dispatcher)
    response = client.get(f"/kantor/laporan/{report.code}/pdf/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")

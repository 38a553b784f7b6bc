"""Need-to-know evidence for anonymous reports (issue 15): the agency opens only the reporter's
files the dispatcher shares, on every surface (back office, API), while the dispatcher, the
supervisors and the reporter open them all; the officer's screen says plainly not to show the
evidence to the person reported; each share is on the internal timeline and in the audit chain."""

import pytest

from aduan.audit.models import AuditEntry
from aduan.reports import actions, errors
from aduan.reports.models import EventKind
from aduan.reports.visibility import visible_attachments
from tests.api.conftest import ApiClient
from tests.conftest import file_report, result_photo

pytestmark = pytest.mark.django_db


def anonymous_with_two_files(cast):
    report = file_report(
        cast,
        anonymous=True,
        attachments=[result_photo(name="wajah-pelaku.jpg"), result_photo(name="lokasi.jpg")],
    )
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    face, place = report.attachments.order_by("id")
    return report, face, place


def names(report, viewer):
    return sorted(a.original_name for a in visible_attachments(report, viewer))


def test_the_agency_opens_only_what_the_dispatcher_shares(cast):
    report, face, place = anonymous_with_two_files(cast)
    assert names(report, cast.officer_a) == []
    for everyone in (cast.dispatcher, cast.supervisor, cast.citizen):
        assert names(report, everyone) == ["lokasi.jpg", "wajah-pelaku.jpg"]

    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[place.pk])
    assert names(report, cast.officer_a) == ["lokasi.jpg"]
    event = report.events.get(kind=EventKind.EVIDENCE_SHARED)
    assert event.audience == "internal"
    assert event.data == {"shared": [place.pk], "withheld": [face.pk]}
    assert AuditEntry.objects.get(
        action=EventKind.EVIDENCE_SHARED, report_code=report.code
    ).actor == (cast.dispatcher)
    # Withdrawn again: the agency no longer opens it.
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[])
    assert names(report, cast.officer_a) == []


def test_the_api_and_the_back_office_download_follow_the_same_rule(client, cast):
    report, face, place = anonymous_with_two_files(cast)
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[place.pk])
    api = ApiClient(cast.officer_a)
    listed = api.get(f"/reports/{report.code}").json()
    shown = [a["id"] for a in listed.get("attachments", [])]
    assert place.pk in shown and face.pk not in shown
    assert api.get(f"/reports/{report.code}/attachments/{face.pk}").status_code == 404
    client.force_login(cast.officer_a)
    assert client.get(f"/kantor/laporan/{report.code}/lampiran/{face.pk}/").status_code == 404
    assert client.get(f"/kantor/laporan/{report.code}/lampiran/{place.pk}/").status_code == 200


def test_the_officers_screen_warns_and_counts_what_is_withheld(client, cast):
    report, _face, place = anonymous_with_two_files(cast)
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[place.pk])
    client.force_login(cast.officer_a)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert 'id="anonymous-warning"' in page and "Jangan perlihatkan bukti" in page
    assert "1 berkas pelapor tidak dibagikan" in page
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert 'id="anonymous-warning"' not in page and 'id="aksi-share_evidence"' in page


def test_the_dispatcher_shares_from_the_workspace(client, cast):
    report, _face, place = anonymous_with_two_files(cast)
    client.force_login(cast.dispatcher)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/share_evidence/",
        {"version": report.version, "shared": [place.pk]},
    )
    assert response.status_code == 302
    assert names(report, cast.officer_a) == ["lokasi.jpg"]


def test_only_anonymous_reports_and_only_the_reporters_files(cast):
    plain = file_report(cast)
    actions.do_disposition(plain, cast.agency_a, actor=cast.dispatcher)
    with pytest.raises(errors.InvalidState):
        actions.do_share_evidence(plain, actor=cast.dispatcher, shared=[])
    report, face, _place = anonymous_with_two_files(cast)
    with pytest.raises(errors.NotPermitted):
        actions.do_share_evidence(report, actor=cast.officer_a, shared=[face.pk])
    actions.do_accept(report, actor=cast.officer_a)
    answer = actions.do_answer(
        report, actor=cast.officer_a, text="Sudah.", attachments=[result_photo(name="hasil.jpg")]
    )
    staff_file = answer.attachments.get(original_name="hasil.jpg")
    with pytest.raises(errors.InvalidInput):
        actions.do_share_evidence(report, actor=cast.dispatcher, shared=[staff_file.pk])
    assert "hasil.jpg" in names(report, cast.officer_a)  # the agency's own files stay its own

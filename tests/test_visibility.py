"""Who sees which report, and how the reporter is presented to each viewer."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from aduan.reports import actions
from aduan.reports.models import Status
from aduan.reports.visibility import get_report_for, present_reporter, visible_reports

from .conftest import file_report, report_in, result_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(cast):
    return {
        "submitted": report_in(cast, Status.SUBMITTED),
        "public": report_in(cast, Status.IN_PROGRESS),
        "confidential": report_in(cast, Status.IN_PROGRESS, confidential=True),
        "at_b": actions.do_disposition(
            report_in(cast, Status.SUBMITTED, confidential=True),
            cast.agency_b,
            actor=cast.dispatcher,
        ),
        "archived": report_in(cast, Status.ARCHIVED),
    }


def codes(user, reports):
    names = {r.code: name for name, r in reports.items()}
    return {names[c] for c in visible_reports(user).values_list("code", flat=True) if c in names}


def test_the_public_sees_verified_non_confidential_reports_only(cast, reports):
    assert codes(AnonymousUser(), reports) == {"public"}
    with pytest.raises(Http404):
        get_report_for(AnonymousUser(), reports["confidential"].code)


def test_a_citizen_sees_their_own_and_public_ones(cast, reports):
    assert codes(cast.citizen, reports) == set(reports)  # the citizen filed them all
    assert codes(cast.other_citizen, reports) == {"public"}
    with pytest.raises(Http404):
        get_report_for(cast.other_citizen, reports["submitted"].code)


def test_an_officer_sees_their_agencys_reports_and_public_ones(cast, reports):
    assert codes(cast.officer_a, reports) == {"public", "confidential"}
    assert codes(cast.officer_b, reports) == {"public", "at_b"}
    with pytest.raises(Http404):
        get_report_for(cast.officer_b, reports["confidential"].code)


def test_dispatchers_and_supervisors_see_everything(cast, reports):
    assert codes(cast.dispatcher, reports) == set(reports)
    assert codes(cast.supervisor, reports) == set(reports)


def test_a_sysadmin_manages_master_data_not_reports(cast, reports):
    assert codes(cast.sysadmin, reports) == {"public"}


def test_an_unknown_code_and_a_hidden_one_look_the_same(cast, reports):
    with pytest.raises(Http404) as unknown:
        get_report_for(cast.other_citizen, "SBW-ZZZZZZ")
    with pytest.raises(Http404) as hidden:
        get_report_for(cast.other_citizen, reports["submitted"].code)
    assert str(unknown.value) == str(hidden.value)


def test_an_anonymous_reporter_is_known_only_to_dispatchers_and_themselves(cast):
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    assert present_reporter(report, cast.dispatcher).name == "Wayan Sudarsana"
    assert present_reporter(report, cast.citizen).phone == "+6281339100011"
    for viewer in (
        cast.officer_a,
        cast.officer_b,
        cast.supervisor,
        cast.sysadmin,
        cast.other_citizen,
        AnonymousUser(),
    ):
        shown = present_reporter(report, viewer)
        assert shown.hidden and shown.name == "Anonim" and not shown.phone and not shown.email


def test_a_named_reporter_is_known_to_the_agency_and_masked_for_the_public(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    assert present_reporter(report, cast.officer_a).email == cast.citizen.email
    assert present_reporter(report, cast.supervisor).name == "Wayan Sudarsana"
    public = present_reporter(report, AnonymousUser())
    assert public.name == "W**** S********" and public.hidden and not public.phone
    assert present_reporter(report, cast.officer_b).hidden  # not their agency's report


def test_a_resident_filed_for_by_a_representative_is_the_reporter(cast):
    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Inaq Rahmah",
        reporter_phone="+6281339100099",
        consent=True,
    )
    assert present_reporter(report, cast.representative).name == "Inaq Rahmah"
    assert present_reporter(report, cast.dispatcher).phone == "+6281339100099"
    assert report in visible_reports(cast.representative)


# --- what is inside a report: one rule for events, files and the point (issue 11 §1) ----------


def _file(name="foto.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aduan.reports.attachments import clean_uploads
    from tests.portal import jpeg_with_gps

    upload = SimpleUploadedFile(name, jpeg_with_gps(), content_type="image/jpeg")
    return [c.as_file() for c in clean_uploads([upload])]


def _api_files(client, code):
    response = client.get(f"/reports/{code}")
    assert response.status_code == 200, response.content[:300]
    return {a["id"] for a in response.json()["attachments"]}


def _public_api_files(code):
    from tests.api.conftest import ApiClient

    response = ApiClient().get(f"/public/reports/{code}")
    assert response.status_code == 200, response.content[:300]
    return {a["id"] for a in response.json()["attachments"]}


def _download(client, code, pk):
    return client.get(f"/reports/{code}/attachments/{pk}").status_code


def test_a_file_sent_with_an_internal_note_stays_with_staff_on_every_door(
    client, cast, settings, tmp_path
):
    from tests.api.conftest import ApiClient

    settings.MEDIA_ROOT = tmp_path
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(
        report,
        actor=cast.officer_a,
        text="Anggaran belum tersedia.",
        public=False,
        attachments=_file("rab-internal.jpg"),
    )
    internal = report.attachments.get()
    reporter = ApiClient(cast.citizen)
    # Found: the API listed it to the reporter and let them download it; the portal hid it.
    assert internal.pk not in _api_files(reporter, report.code)
    assert _download(reporter, report.code, internal.pk) == 404
    client.force_login(cast.citizen)
    assert client.get(f"/laporan/{report.code}/lampiran/{internal.pk}/").status_code == 404
    assert "Anggaran belum tersedia" not in client.get(f"/laporan/{report.code}/").text
    assert internal.pk not in _public_api_files(report.code)
    # The staff who work on or watch the report get it, by the same rule, on each door.
    for viewer in (cast.officer_a, cast.supervisor, cast.dispatcher):
        staff = ApiClient(viewer)
        assert internal.pk in _api_files(staff, report.code)
        assert _download(staff, report.code, internal.pk) == 200
    client.force_login(cast.officer_a)
    assert client.get(f"/kantor/laporan/{report.code}/lampiran/{internal.pk}/").status_code == 200


def test_files_sent_while_completing_a_returned_report_stay_with_the_parties(
    client, cast, settings, tmp_path
):
    from tests.api.conftest import ApiClient

    settings.MEDIA_ROOT = tmp_path
    report = report_in(cast, Status.RETURNED)
    actions.do_resubmit(
        report, actor=cast.citizen, text="Ini KTP saya.", attachments=_file("KTP_Wayan.jpg")
    )
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    ktp = report.attachments.get()
    assert report.is_public and ktp.public  # a named report: the flag alone let it out
    # Found: the public API listed it, and any logged-in account could download it.
    assert ktp.pk not in _public_api_files(report.code)
    for viewer in (cast.other_citizen, cast.officer_b, cast.inspector, cast.representative):
        outsider = ApiClient(viewer)
        assert ktp.pk not in _api_files(outsider, report.code), viewer
        assert _download(outsider, report.code, ktp.pk) == 404, viewer
    client.force_login(cast.other_citizen)
    assert client.get(f"/laporan/{report.code}/lampiran/{ktp.pk}/").status_code == 404
    # The reporter and the staff of the report keep it.
    for viewer in (cast.citizen, cast.officer_a, cast.dispatcher, cast.supervisor):
        party = ApiClient(viewer)
        assert ktp.pk in _api_files(party, report.code), viewer
        assert _download(party, report.code, ktp.pk) == 200, viewer
    client.force_login(cast.citizen)
    assert client.get(f"/laporan/{report.code}/lampiran/{ktp.pk}/").status_code == 200


def test_each_viewer_reads_the_events_its_audience_allows(cast):
    from aduan.reports.visibility import visible_attachments, visible_events

    report = report_in(cast, Status.IN_PROGRESS, paused=True)  # asked the reporter: PARTIES
    actions.do_add_note(report, actor=cast.officer_a, text="Catatan internal.", public=False)
    actions.do_add_note(report, actor=cast.officer_a, text="Catatan publik.", public=True)

    def texts(viewer, **kwargs):
        return {e.text for e in visible_events(report, viewer, **kwargs) if e.text}

    public = {"Catatan publik."}
    parties = public | {"Kirim foto."}
    assert texts(None) == texts(AnonymousUser()) == texts(cast.other_citizen) == public
    assert texts(cast.officer_b) == public  # another agency's officer: the public's view
    assert texts(cast.citizen) == texts(None, reporter=True) == parties  # by account or secret
    for staff in (cast.officer_a, cast.dispatcher, cast.supervisor):
        assert "Catatan internal." in texts(staff) and parties <= texts(staff)
    assert visible_attachments(report, None) == []


def test_the_public_gets_a_point_to_three_decimals_and_none_for_an_anonymous_report(client, cast):
    from aduan.reports.visibility import shown_coordinates
    from tests.api.conftest import ApiClient

    named = report_in(cast, Status.IN_PROGRESS, latitude="-8.493512", longitude="117.420811")
    anonymous = report_in(
        cast, Status.IN_PROGRESS, anonymous=True, latitude="-8.493512", longitude="117.420811"
    )
    assert shown_coordinates(named, None) == (-8.494, 117.421)
    assert shown_coordinates(anonymous, None) is None
    for viewer in (cast.citizen, cast.officer_a, cast.dispatcher):
        assert shown_coordinates(anonymous, viewer) == (-8.493512, 117.420811)
    public_api = ApiClient().get(f"/public/reports/{named.code}").json()
    assert (public_api["latitude"], public_api["longitude"]) == (-8.494, 117.421)
    other = ApiClient(cast.other_citizen).get(f"/reports/{anonymous.code}").json()
    assert other["latitude"] is None and other["longitude"] is None
    points = {
        r["service_request_id"]: (r["lat"], r["long"])
        for r in client.get("/open311/v2/requests.json").json()
    }
    assert points[named.code] == (-8.494, 117.421) and points[anonymous.code] == (None, None)
    for report in (named, anonymous):
        one = client.get(f"/open311/v2/requests/{report.code}.json").json()[0]
        assert one["lat"] in (None, -8.494) and "493512" not in json.dumps(one)


def test_a_confidential_surviving_report_shows_a_duplicates_reporter_its_code_and_status_only(
    client, cast, mailoutbox
):
    from aduan.notifications.models import Notification
    from tests.api.conftest import ApiClient

    survivor = report_in(cast, Status.IN_PROGRESS, confidential=True, title="Pungli di dinas")
    duplicate = file_report(cast, reporter=cast.other_citizen, title="Pungutan liar lagi")
    actions.do_merge(duplicate, survivor, actor=cast.dispatcher)
    actions.do_add_note(survivor, actor=cast.officer_a, text="Petugas X diperiksa.", public=True)
    actions.do_answer(
        survivor,
        actor=cast.officer_a,
        text="Petugas X diberi sanksi.",
        attachments=[result_photo()],
    )

    api = ApiClient(cast.other_citizen)
    mine = api.get(f"/reports/{duplicate.code}").json()
    assert mine["merged_into"] == {
        "code": survivor.code,
        "status": "responded",
        "status_label": "Ditindaklanjuti",
    }
    assert api.get(f"/reports/{survivor.code}").status_code == 404
    client.force_login(cast.other_citizen)
    page = client.get(f"/laporan/{duplicate.code}/").text
    assert survivor.code in page and "Ditindaklanjuti" in page
    assert "Pungli di dinas" not in page and f'href="/laporan/{survivor.code}/"' not in page
    # What they hear of it: its code and status, not its title nor what the agency wrote.
    heard = Notification.objects.filter(recipient=cast.other_citizen, report=survivor)
    assert heard.exists()
    for note in heard:
        text = f"{note.subject}\n{note.body}"
        assert survivor.code in text
        for secret in ("Pungli di dinas", "Petugas X", f"/laporan/{survivor.code}/"):
            assert secret not in text, (note.kind, text)
    # The survivor's own reporter still hears everything.
    own = Notification.objects.filter(recipient=cast.citizen, report=survivor, kind="report_note")
    assert any("Petugas X diperiksa." in n.body for n in own)

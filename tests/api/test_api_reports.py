import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aduan.reports.attachments import clean_upload
from aduan.reports.models import Channel, Report, Status
from aduan.reports.visibility import visible_reports
from tests.api.conftest import ApiClient, error_of
from tests.conftest import file_report, frozen_with_fresh_counters, report_in
from tests.portal import png_bytes

pytestmark = pytest.mark.django_db
PNG = png_bytes()  # a real picture: the checker decodes and re-encodes it


def form(**extra):
    return {
        "title": "Lampu jalan padam",
        "description": "Sepanjang Jalan Hasanuddin gelap sejak dua minggu.",
        "category": "infrastruktur-jalan",
        "village": "52.04.08.1004",
        "latitude": "-8.4902",
        "longitude": "117.4204",
        "extra_answers": '{"status-jalan": "kabupaten"}',
        **extra,
    }


def test_it_files_a_report_with_a_photo_into_the_dispatcher_queue(cast):
    photo = SimpleUploadedFile("lubang.png", PNG, content_type="application/octet-stream")
    response = ApiClient(cast.citizen).post_form("/reports", form(files=[photo]))
    assert response.status_code == 201, response.content
    body = response.json()
    report = Report.objects.get(code=body["report"]["code"])
    assert (report.status, report.channel, report.reporter) == (
        Status.SUBMITTED,
        Channel.MOBILE,
        cast.citizen,
    )
    assert report.district_id == "52.04.08" and str(report.latitude) == "-8.490200"
    assert len(body["secret"]) == 8
    assert body["report"]["attachments"][0]["content_type"] == "image/png"
    assert visible_reports(cast.dispatcher).filter(pk=report.pk, status=Status.SUBMITTED).exists()


def test_it_refuses_a_report_without_title_per_field(cast):
    error = error_of(ApiClient(cast.citizen).post_form("/reports", form(title="")), 422)
    assert "title" in error["fields"]


def test_it_refuses_unknown_category_and_village(cast):
    error = error_of(ApiClient(cast.citizen).post_form("/reports", form(category="tidak-ada")), 422)
    assert error["fields"] == {"category": ["Kategori tidak dikenal."]}
    error = error_of(ApiClient(cast.citizen).post_form("/reports", form(village="99.99")), 422)
    assert "village" in error["fields"]


def test_it_refuses_a_file_that_is_not_a_photo_or_pdf_with_415(cast):
    script = SimpleUploadedFile("foto.png", b"#!/bin/sh\nrm -rf /\n", content_type="image/png")
    error = error_of(ApiClient(cast.citizen).post_form("/reports", form(files=[script])), 415)
    assert "files" in error["fields"]
    assert not Report.objects.exists()


@override_settings(ATTACHMENT_MAX_MB=0, ATTACHMENT_MAX_VIDEO_MB=0)
def test_it_refuses_a_too_large_file_with_413(cast):
    big = SimpleUploadedFile("besar.png", PNG * 4, content_type="image/png")
    error = error_of(ApiClient(cast.citizen).post_form("/reports", form(files=[big])), 413)
    assert "terlalu besar" in error["message"]  # the portal's message


def test_a_video_the_portal_takes_the_api_takes(cast):
    """One limit per kind of file for every door (`attachments.clean_upload`): a 12 MB video is
    within ATTACHMENT_MAX_VIDEO_MB (25) on the portal and WhatsApp; the API refused it with a
    limit of its own (10 MB for any file)."""
    from tests.hostile_files import _box

    mp4 = _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + _box(b"mdat", bytes(12 << 20))
    video = SimpleUploadedFile("banjir.mp4", mp4, content_type="video/mp4")
    filed = ApiClient(cast.citizen).post_form("/reports", form(files=[video]))
    assert filed.status_code == 201, filed.content[:300]
    assert filed.json()["report"]["attachments"][0]["content_type"] == "video/mp4"
    photo = SimpleUploadedFile("besar.png", PNG + bytes(12 << 20), content_type="image/png")
    error_of(ApiClient(cast.citizen).post_form("/reports", form(files=[photo])), 413)


@override_settings(API_MAX_REQUEST_BYTES=1000)
def test_it_refuses_a_too_large_request_before_reading_it(cast):
    error_of(ApiClient(cast.citizen).post_form("/reports", form(description="x" * 2000)), 413)


def test_it_refuses_json_where_multipart_is_expected_and_text_where_json_is(cast):
    citizen = ApiClient(cast.citizen)
    error_of(citizen.post("/reports", form()), 415)
    response = citizen.client.post(
        "/api/v1/reports/SBW-AAAAAA/accept",
        "accept",
        content_type="text/plain",
        headers=citizen.headers,
    )
    error_of(response, 415)


def test_malformed_json_is_a_400(cast):
    citizen = ApiClient(cast.citizen)
    response = citizen.client.post("/api/v1/register", "{not json", content_type="application/json")
    assert error_of(response, 400)["code"] == "bad_request"


def test_it_refuses_anonymous_callers_with_401(cast):
    error_of(ApiClient().post_form("/reports", form()), 401)
    error_of(ApiClient().get("/reports"), 401)


def test_the_reporter_reads_it_and_an_outsider_gets_404(cast):
    report = file_report(cast)
    assert ApiClient(cast.citizen).get(f"/reports/{report.code}").json()["title"] == report.title
    error_of(ApiClient(cast.other_citizen).get(f"/reports/{report.code}"), 404)
    error_of(ApiClient(cast.officer_b).get(f"/reports/{report.code}"), 404)
    error_of(ApiClient(cast.citizen).get("/reports/SBW-TIDAK1"), 404)


def test_an_anonymous_reporter_is_never_identified_to_the_agency_or_supervisor(cast):
    cast.citizen.set_nik("5204081204850001")
    cast.citizen.save()
    report = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    for viewer in (cast.officer_a, cast.supervisor):
        body = ApiClient(viewer).get(f"/reports/{report.code}").json()
        assert body["reporter"] == {
            "name": "Anonim",
            "phone": "",
            "email": "",
            "nik_masked": "",
            "hidden": True,
        }
        assert (
            "Wayan" not in str(body) and "warga-uji" not in str(body) and "520408" not in str(body)
        )
    shown = ApiClient(cast.dispatcher).get(f"/reports/{report.code}").json()["reporter"]
    assert shown["name"] == "Wayan Sudarsana" and shown["nik_masked"] == "520408••••••0001"


def test_the_public_sees_a_masked_name_and_no_internal_notes(cast):
    report = report_in(cast, Status.IN_PROGRESS)
    ApiClient(cast.officer_a).post(f"/reports/{report.code}/note", {"text": "Anggaran belum cair."})
    body = ApiClient(cast.other_citizen).get(f"/reports/{report.code}").json()
    assert body["reporter"]["name"] == "W**** S********"
    assert "Anggaran belum cair." not in str(body)
    assert body["actions"] == []
    staff = ApiClient(cast.officer_a).get(f"/reports/{report.code}").json()
    assert "Anggaran belum cair." in str(staff)


def test_it_lists_own_reports_with_cursor_pages_in_pinned_queries(cast, django_assert_num_queries):
    for n in range(5):
        file_report(cast, title=f"Laporan {n}")
    file_report(cast, reporter=cast.other_citizen, title="Bukan milik saya")
    citizen = ApiClient(cast.citizen)
    citizen.get("/me")  # the token's last_used_at is written now, not during the counted call
    # 1 the token and its user, 2 one page of reports with category, agency, district and village
    with django_assert_num_queries(2):
        first = citizen.get("/reports", {"mine": "true", "limit": 2}).json()
    codes = [r["code"] for r in first["items"]]
    while first["next_cursor"]:
        first = citizen.get(
            "/reports", {"mine": "true", "limit": 2, "cursor": first["next_cursor"]}
        ).json()
        codes += [r["code"] for r in first["items"]]
    assert len(codes) == len(set(codes)) == 5


def test_it_syncs_what_changed_since(cast):
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=False):
        old = file_report(cast, title="Lama")
        changed = file_report(cast, title="Berubah")
    citizen = ApiClient(cast.citizen)
    with time_machine.travel(dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC), tick=False):
        server_time = citizen.get("/reports").json()["server_time"]
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, tzinfo=dt.UTC), tick=False):
        from aduan.reports import actions

        actions.do_return(changed, actor=cast.dispatcher, text="Lengkapi foto.")
        items = citizen.get("/reports", {"updated_since": server_time}).json()["items"]
    assert [r["code"] for r in items] == [changed.code]
    assert old.code not in str(items)


def test_a_bad_cursor_is_a_400(cast):
    error = error_of(ApiClient(cast.citizen).get("/reports", {"cursor": "bukan-kursor"}), 400)
    assert "cursor" in error["fields"]


def test_an_unknown_status_filter_is_a_422(cast):
    error_of(ApiClient(cast.citizen).get("/reports", {"status": "hilang"}), 422)


def test_an_unknown_api_address_is_a_404_in_the_error_shape(cast):
    assert error_of(ApiClient().get("/tidak-ada"), 404)["code"] == "not_found"
    # Whatever the method, and from a client with no CSRF cookie (as every app is): the JSON
    # 404, not the portal's HTML page for a refused CSRF check.
    machine = ApiClient(enforce_csrf_checks=True)
    assert error_of(machine.post("/token", {"username": "x"}), 404)["code"] == "not_found"
    assert error_of(machine.patch("/tidak-ada", {}), 404)["code"] == "not_found"


def test_a_wrong_method_is_a_405_in_the_error_shape(cast):
    error_of(ApiClient(cast.citizen).delete("/me"), 405)


@override_settings(API_RATE_LIMIT_PER_MINUTE=3)
def test_it_throttles_with_429_and_retry_after(cast):
    # The clock stands still: a minute's window that ended between the third call and the fourth
    # counted the fourth afresh (CI failed on it once).
    with frozen_with_fresh_counters(dt.datetime(2026, 11, 30, 10, 15, 20, tzinfo=dt.UTC)):
        citizen = ApiClient(cast.citizen)
        for _ in range(3):
            assert citizen.get("/me").status_code == 200
        response = citizen.get("/me")
        error_of(response, 429)
        assert 1 <= int(response["Retry-After"]) <= 60
        assert (
            ApiClient(cast.other_citizen).get("/me").status_code == 200
        )  # another token has its own count


def test_nul_in_the_address_or_a_parameter_is_a_400(cast):
    citizen = ApiClient(cast.citizen)
    error_of(citizen.get("/reports", {"agency": "a\x00b"}), 400)
    error_of(citizen.get("/reports/SBW-%00"), 400)
    assert "title" in error_of(citizen.post_form("/reports", form(title="a\x00b")), 422)["fields"]


def test_attachments_are_downloaded_by_who_may_see_them(cast):
    photo = SimpleUploadedFile("lubang.png", PNG)
    body = (
        ApiClient(cast.citizen)
        .post_form("/reports", form(files=[photo], anonymous="true"))
        .json()["report"]
    )
    url = f"/reports/{body['code']}/attachments/{body['attachments'][0]['id']}"
    response = ApiClient(cast.citizen).get(url)
    stored = clean_upload(
        SimpleUploadedFile("lubang.png", PNG)
    ).data  # re-encoded, without metadata
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert ApiClient(cast.dispatcher).get(url).status_code == 200
    report = Report.objects.get(code=body["code"])
    from aduan.reports import actions

    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)
    # An anonymous reporter's photo is not public: another citizen gets 404 although the report is
    # public.
    error_of(ApiClient(cast.other_citizen).get(url), 404)
    # Need-to-know (issue 15): the agency opens it once the dispatcher shares it.
    error_of(ApiClient(cast.officer_a).get(url), 404)
    photo_pk = body["attachments"][0]["id"]
    actions.do_share_evidence(report, actor=cast.dispatcher, shared=[photo_pk])
    assert ApiClient(cast.officer_a).get(url).status_code == 200
    error_of(ApiClient(cast.citizen).get(f"/reports/{body['code']}/attachments/999999"), 404)


def test_a_representative_files_for_a_resident_with_consent(cast):
    rt = ApiClient(cast.representative)
    error = error_of(
        rt.post_form(
            "/reports", form(resident_name="Siti Rahmah", resident_phone="+6281200000002")
        ),
        422,
    )
    assert "consent" in error["fields"]
    response = rt.post_form(
        "/reports",
        form(
            resident_name="Siti Rahmah",
            resident_phone="+6281200000002",
            relationship="Warga RT 01",
            consent="true",
        ),
    )
    assert response.status_code == 201
    report = Report.objects.get(code=response.json()["report"]["code"])
    assert (report.reporter, report.filed_by, report.reporter_name) == (
        None,
        cast.representative,
        "Siti Rahmah",
    )
    assert report.consent_recorded_at is not None
    error_of(
        ApiClient(cast.citizen).post_form(
            "/reports", form(resident_name="Orang Lain", consent="true")
        ),
        403,
    )


def test_a_representative_gives_what_the_portal_asks_on_every_door(cast, client):
    """The resident's phone and the relationship are the filing's rule (`check_on_behalf`): the
    API refused only what the portal's form did not, and filed a report whose resident nobody
    could reach. Every problem is named at once, under the field of the door's own form."""
    rt = ApiClient(cast.representative)
    error = error_of(rt.post_form("/reports", form(resident_name="Siti Rahmah")), 422)
    assert set(error["fields"]) == {"resident_phone", "relationship", "consent"}
    assert error["fields"]["resident_phone"] == ["Nomor telepon warga wajib diisi."]
    assert not Report.objects.filter(reporter_name="Siti Rahmah").exists()
    from tests.test_web_filing import _data, _form

    client.force_login(cast.representative)
    data = _data(_form(client))
    data.update({"wakil-on_behalf": "on", "wakil-resident_name": "Siti Rahmah"})
    refused = client.post("/lapor/", data)  # the form again, with what is missing
    behalf = refused.context["behalf"]
    assert {"resident_phone", "relationship", "consent"} <= set(behalf.errors), behalf.errors
    assert not Report.objects.filter(reporter_name="Siti Rahmah").exists()


def test_the_answer_to_a_filing_is_the_report_as_stored(cast):
    """The 201 is drawn from the report as just filed, in memory: it must say exactly what a
    read of the stored report says."""
    photo = SimpleUploadedFile("lubang.png", PNG, content_type="image/png")
    client = ApiClient(cast.citizen)
    filed = client.post_form("/reports", form(files=[photo]))
    assert filed.status_code == 201, filed.content
    stored = client.get(f"/reports/{filed.json()['report']['code']}")
    assert stored.status_code == 200 and filed.json()["report"] == stored.json()

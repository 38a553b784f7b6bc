import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.directory.models import Category, Region
from aduan.reports.models import Attachment, Channel, Report
from aduan.web.models import FilingToken
from tests.conftest import without_profile
from tests.portal import NIK, give_profile, jpeg_with_gps

pytestmark = pytest.mark.django_db

DESCRIPTION = (
    "Kemarin sore jalan di depan SD Seketeng berlubang besar dan dua motor terjatuh; "
    "petugas Dinas PUPR belum datang memperbaiki walau sudah dilaporkan ke kantor desa."
)


def _form(client):
    response = client.get("/lapor/")
    assert response.status_code == 200
    return response.context["form_token"]


def _data(token, **extra):
    village = Region.objects.get(code="52.04.08.1004")
    data = {
        "form_token": token,
        "classification": "complaint",
        "category": Category.objects.get(code="infrastruktur-jalan").pk,
        "title": "Jalan berlubang",
        "description": DESCRIPTION,
        "incident_date": "2026-03-02",
        "district": village.parent_id,
        "village": village.pk,
        "address": "Jl. Garuda",
        "parties_involved": "Dinas PUPR",
        "q_status-jalan": "kabupaten",
        "q_jenis-kerusakan": ["berlubang", "retak"],
    }
    data.update(extra)
    return data


def test_it_sends_a_visitor_to_log_in(client):
    response = client.get("/lapor/")
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_it_says_a_report_will_wait_for_an_incomplete_profile(client, cast):
    """No longer refused (issue 13): the form opens and says the report will wait."""
    client.force_login(without_profile(cast.citizen))
    response = client.get("/lapor/")
    assert response.status_code == 200
    assert 'id="profile-incomplete"' in response.content.decode()


def test_it_files_a_report_with_a_photo_and_shows_code_and_secret(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    photo = SimpleUploadedFile("rumah.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post("/lapor/", _data(_form(client), attachments=[photo]))
    report = Report.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/laporan/{report.code}/terkirim/"
    )
    assert report.reporter == cast.citizen and report.channel == Channel.WEB
    page = client.get(response["Location"])
    assert report.code in page.content.decode()
    assert page.context["secret"] and len(page.context["secret"]) == 8
    attachment = Attachment.objects.get(report=report)
    stored = attachment.file.read()
    assert b"SERIAL-12345" not in stored and b"PhoneMaker" not in stored and b"Exif" not in stored
    assert attachment.content_type == "image/jpeg"


def test_it_files_once_when_the_form_is_sent_twice(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    token = _form(client)
    first = client.post("/lapor/", _data(token))
    second = client.post("/lapor/", _data(token))
    assert Report.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_it_refuses_a_token_of_another_user(client, cast):
    give_profile(cast.citizen)
    give_profile(cast.other_citizen, nik="5204084203900002", sex="P")
    other_token = FilingToken.objects.create(user=cast.other_citizen).token
    client.force_login(cast.citizen)
    response = client.post("/lapor/", _data(other_token))
    assert response.status_code == 200
    assert Report.objects.count() == 0
    assert "kedaluwarsa" in response.content.decode()
    assert response.context["form"]["title"].value() == "Jalan berlubang"


def test_it_keeps_what_was_typed_when_an_attachment_is_refused(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    bad = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\necho bukan foto\n", content_type="image/jpeg")
    response = client.post("/lapor/", _data(_form(client), attachments=[bad]))
    assert response.status_code == 200 and Report.objects.count() == 0
    body = response.content.decode()
    assert "bukan jenis yang diterima" in body
    assert DESCRIPTION in body and "Jalan berlubang" in body


def test_it_shows_the_limits_before_upload(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    body = client.get("/lapor/").content.decode()
    assert "Maksimal 5 berkas" in body and "10 MB" in body


def test_it_refuses_a_village_outside_the_district(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    other_village = (
        Region.objects.filter(level=4, code__startswith="52.04.")
        .exclude(code__startswith="52.04.08")
        .first()
    )
    response = client.post("/lapor/", _data(_form(client), village=other_village.pk))
    assert response.status_code == 200 and Report.objects.count() == 0
    assert "pilih" in response.content.decode().lower()


def test_it_files_on_behalf_of_a_resident_with_consent(client, cast):
    give_profile(
        cast.representative,
        nik="5204080101800003",
        sex="L",
        birth_date=__import__("datetime").date(1980, 1, 1),
    )
    client.force_login(cast.representative)
    data = _data(
        _form(client),
        **{
            "wakil-on_behalf": "on",
            "wakil-resident_name": "Siti Aminah",
            "wakil-resident_phone": "0813 3910 0022",
            "wakil-relationship": "Ketua RT 03",
            "wakil-resident_nik": NIK,
        },
    )
    refused = client.post("/lapor/", data)
    assert (
        refused.status_code == 200
        and "Persetujuan warga yang diwakili wajib dikonfirmasi." in refused.content.decode()
    )
    data["wakil-consent"] = "on"
    data["form_token"] = refused.context["form_token"]
    client.post("/lapor/", data)
    report = Report.objects.get()
    assert report.reporter is None and report.filed_by == cast.representative
    assert report.reporter_name == "Siti Aminah" and report.reporter_phone == "+6281339100022"
    assert report.channel == Channel.REPRESENTATIVE and report.consent_recorded_at is not None
    assert "resident_nik_masked" not in report.extra_answers and "5204" not in str(
        report.extra_answers
    )
    assert report.reporter_nik_encrypted and NIK not in report.reporter_nik_encrypted
    from aduan.reports.visibility import present_reporter

    assert present_reporter(report, cast.dispatcher).nik_masked == "520408••••••0001"
    assert NIK not in str(report.extra_answers)


def test_a_citizen_does_not_see_the_on_behalf_part(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    assert "wakil-on_behalf" not in client.get("/lapor/").content.decode()


def test_it_checks_completeness_live(client, cast):
    client.force_login(cast.citizen)
    response = client.post(
        "/lapor/periksa/",
        {"title": "Jalan rusak", "description": "Jalannya rusak."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    checklist = response.context["checklist"]
    assert checklist.missing == ["what", "where", "when", "who"]
    response = client.post("/lapor/periksa/", {"title": "Jalan rusak", "description": DESCRIPTION})
    assert response.context["checklist"].missing == []


def test_it_shows_similar_public_reports_of_the_same_place_and_category_while_typing(client, cast):
    """Issue 15: "Dukung & ikuti" instead of a second report. Only what the visitor may see (a
    confidential report, even a twin, is never suggested), of the same category and desa."""
    from aduan.reports.models import Status

    from .conftest import report_in

    twin = report_in(
        cast,
        Status.IN_PROGRESS,
        title="Jalan berlubang di depan SD Seketeng",
        description="Lubang besar di jalan depan SD Seketeng, motor sering jatuh.",
    )
    hidden_twin = report_in(
        cast,
        Status.IN_PROGRESS,
        confidential=True,
        title="Jalan berlubang di depan SD Seketeng",
        description="Lubang besar di jalan depan SD Seketeng, motor sering jatuh.",
    )
    other = report_in(cast, Status.IN_PROGRESS, title="Puskesmas tutup", description="Tutup terus.")
    client.force_login(cast.other_citizen)
    typed = {
        "title": "Jalan depan SD Seketeng berlubang",
        "description": "Ada lubang besar di jalan depan SD Seketeng, kemarin motor jatuh.",
        "category": str(twin.category_id),
        "district": twin.district_id,
        "village": twin.village_id,
    }
    body = client.post("/lapor/periksa/", typed).content.decode()
    assert 'id="similar-reports"' in body and twin.code in body
    assert hidden_twin.code not in body and other.code not in body
    # Another desa, or no category yet: nothing is suggested.
    body = client.post("/lapor/periksa/", {**typed, "category": ""}).content.decode()
    assert 'id="similar-reports"' not in body


def test_it_lists_the_villages_of_a_district(client):
    response = client.get("/wilayah/desa/", {"district": "52.04.08"})
    body = response.content.decode()
    assert "52.04.08.1004" in body and "52.04.02" not in body
    assert client.get("/wilayah/desa/", {"district": "99.99.99"}).status_code == 404


def test_it_completes_the_profile(client, cast):
    client.force_login(cast.citizen)
    village = Region.objects.get(code="52.04.08.1004")
    data = {
        "full_name": "Wayan Sudarsana",
        "nik": "5204 0812 0390 0001",
        "sex": "L",
        "birth_date": "1990-03-12",
        "occupation": "Petani",
        "phone": "0813-3910-0011",
        "district": village.parent_id,
        "village": village.pk,
        "address": "Jl. Garuda 1",
    }
    wrong = client.post("/akun/profil/", {**data, "birth_date": "1990-03-13"})
    assert "tanggal lahir pada NIK tidak sesuai" in wrong.content.decode()
    response = client.post("/akun/profil/?next=/lapor/", data)
    assert response.status_code == 302 and response["Location"] == "/lapor/"
    cast.citizen.refresh_from_db()
    assert cast.citizen.profile_complete and cast.citizen.phone == "+6281339100011"
    assert cast.citizen.nik == NIK and NIK not in cast.citizen.nik_encrypted


def test_it_asks_the_questions_of_the_category(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    category = Category.objects.get(code="infrastruktur-jalan")
    fragment = client.get(
        "/lapor/pertanyaan/", {"category": category.pk}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert (
        "Status jalan" in fragment
        and 'name="q_status-jalan"' in fragment
        and "<html" not in fragment
    )
    assert "tidak boleh kosong" not in fragment and "wajib" not in fragment.lower()
    missing = _data(_form(client))
    del missing["q_status-jalan"]
    refused = client.post("/lapor/", missing)
    assert refused.status_code == 200 and Report.objects.count() == 0
    assert refused.context["form"].errors["q_status-jalan"]
    client.post("/lapor/", _data(refused.context["form_token"]))
    report = Report.objects.get()
    assert report.extra_answers == {
        "status-jalan": "kabupaten",
        "jenis-kerusakan": ["berlubang", "retak"],
    }


def test_the_secret_shows_again_within_minutes_and_is_never_kept_in_clear(client, cast):
    """A confirmation page opened twice (a reload, a service worker and the browser both asking)
    shows the secret each time for a few minutes, then never again; the session holds it sealed."""
    import time_machine
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from aduan.web.views_filing import SECRET_SHOWN_SECONDS

    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    response = client.post("/lapor/", _data(_form(client)))
    first = client.get(response["Location"]).context["secret"]
    assert first and client.get(response["Location"]).context["secret"] == first
    stored = "".join(s.session_data for s in Session.objects.all())
    decoded = str([s.get_decoded() for s in Session.objects.all()])
    assert first not in stored and first not in decoded
    later = timezone.now() + timezone.timedelta(seconds=SECRET_SHOWN_SECONDS + 5)
    with time_machine.travel(later):
        assert client.get(response["Location"]).context["secret"] is None

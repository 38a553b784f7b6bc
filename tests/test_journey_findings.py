"""Findings of the new-user journey (issue 13), each with its test: the answer before the verdict,
"Dukung" when logged out, raw keys on screen, category names in English."""

import re

from django.core.files.base import ContentFile

from aduan.directory.models import Category
from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import PASSWORD, report_in, result_photo


def _file(name, data=b"%PDF-1.4 isi"):
    upload = ContentFile(data, name=name)
    upload.content_type = "application/pdf"
    return upload


def test_the_reporter_reads_the_agencys_answer_before_the_verdict(client, cast):
    report = report_in(cast, Status.IN_PROGRESS, attachments=[_file("foto-pelapor.pdf")])
    actions.do_answer(
        report,
        actor=cast.officer_a,
        text="Lubang sudah ditambal pada 3 Desember.",
        attachments=[_file("hasil-perbaikan.pdf"), result_photo()],
    )
    client.force_login(cast.citizen)
    page = client.get(f"/laporan/{report.code}/").content.decode()
    answer = page.index('id="answer-title"')
    assert answer < page.index('id="accept-form"') < page.index('id="reject-form"')
    card = page[answer : page.index('id="accept-form"')]
    assert cast.agency_a.name in card
    assert "Lubang sudah ditambal pada 3 Desember." in card
    assert "hasil-perbaikan.pdf" in card and "foto-pelapor.pdf" not in card
    # rating labels, not bare numbers
    for value, label in [("5", "Sangat puas"), ("1", "Sangat tidak puas")]:
        assert re.search(rf'value="{value}"[^>]*>\s*{label}', page), label


def test_a_logged_out_support_goes_to_the_log_in_and_back(client, cast):
    report = report_in(cast, Status.IN_PROGRESS)
    response = client.post(f"/laporan/{report.code}/dukung/", HTTP_HX_REQUEST="true")
    login = f"/masuk/?next=/laporan/{report.code}/"
    assert response["HX-Redirect"] == login
    assert b"<form" not in response.content and b"<html" not in response.content
    plain = client.post(f"/laporan/{report.code}/dukung/")
    assert plain.status_code == 302 and plain["Location"] == login
    back = client.post(login, {"login": cast.other_citizen.username, "password": PASSWORD})
    assert back.status_code == 302 and back["Location"] == f"/laporan/{report.code}/"
    assert report.supports.count() == 0


def test_the_workspace_shows_questions_and_choices_not_their_keys(client, cast):
    report = report_in(cast, Status.DISPOSITIONED, extra_answers={"status-jalan": "kabupaten"})
    client.force_login(cast.dispatcher)
    page = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert "Status jalan: Jalan kabupaten" in page
    assert "status-jalan" not in page.replace('name="status-jalan', "")
    assert f"(v{report.version})" not in page


def test_category_names_follow_the_language(client, cast):
    report = report_in(cast, Status.DISPOSITIONED)
    category = Category.objects.get(code="infrastruktur-jalan")
    assert category.name == "Jalan dan Jembatan"
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    feed = client.get("/laporan/").content.decode()
    assert "Roads and Bridges" in feed and "Jalan dan Jembatan" not in feed
    page = client.get(f"/laporan/{report.code}/").content.decode()
    assert "Roads and Bridges" in page
    client.post("/i18n/setlang/", {"language": "id", "next": "/"})
    assert "Jalan dan Jembatan" in client.get("/laporan/").content.decode()

"""The installable web app (issue 13): manifest, service worker, offline page, the upload of one
file ahead of its report, and filing with the phone's Idempotency-Key."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aduan.reports.models import Attachment, Report
from aduan.web.models import FilingToken, PendingUpload
from tests.portal import give_profile, jpeg_with_gps
from tests.test_web_filing import _data

pytestmark = pytest.mark.django_db
KEY = "0f0e2c1d-5b7a-4f00-9a51-7d3c2b1a0e99"


def _photo():
    return SimpleUploadedFile("jalan.jpg", jpeg_with_gps(), content_type="image/jpeg")


def test_the_manifest_makes_the_portal_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert icon["src"].startswith("/static/")  # self-hosted
        assert client.get(icon["src"]).status_code == 200
    assert 'rel="manifest" href="/manifest.webmanifest"' in client.get("/").content.decode()


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    assert 'importScripts("/static/web/outbox-core.js", "/static/web/outbox-send.js")' in body
    assert '"/luring/"' in body and '"/lapor/"' in body
    assert "https://" not in body and "http://" not in body  # nothing from another host
    # Every precached file exists, or the worker would never install.
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_the_offline_page_names_no_account(client, cast):
    client.force_login(cast.citizen)
    body = client.get("/luring/").content.decode()
    assert "Tidak ada sinyal" in body and "/lapor/" in body
    assert cast.citizen.display_name not in body


def test_pages_register_the_worker_within_the_csp(client):
    response = client.get("/")
    body = response.content.decode()
    assert '<script src="/static/web/app.js" defer></script>' in body
    policy = (
        response.get("Content-Security-Policy") or response["Content-Security-Policy-Report-Only"]
    )
    assert "default-src 'self'" in policy  # worker-src and manifest-src fall back to it


def test_a_file_is_uploaded_once_under_its_key(client, cast):
    client.force_login(cast.citizen)
    first = client.post("/lapor/unggah/", {"file": _photo()}, headers={"Idempotency-Key": KEY})
    again = client.post("/lapor/unggah/", {"file": _photo()}, headers={"Idempotency-Key": KEY})
    assert first.status_code == 201 and again.status_code == 200
    assert first.json() == again.json() and first.json()["name"] == "jalan.jpg"
    kept = PendingUpload.objects.get()
    assert b"SERIAL-12345" not in kept.file.read()  # cleaned like every upload


def test_a_refused_file_says_why(client, cast):
    client.force_login(cast.citizen)
    bad = SimpleUploadedFile("foto.jpg", b"#!/bin/sh\necho\n", content_type="image/jpeg")
    response = client.post("/lapor/unggah/", {"file": bad}, headers={"Idempotency-Key": KEY})
    assert response.status_code == 422 and "bukan jenis" in response.json()["error"]
    assert not PendingUpload.objects.exists()


def test_the_outbox_files_a_report_once_with_its_photo(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    photo_key = "a" * 32
    client.post("/lapor/unggah/", {"file": _photo()}, headers={"Idempotency-Key": photo_key})
    data = _data(KEY, pending_uploads=[photo_key])
    headers = {"Idempotency-Key": KEY, "Accept": "application/json"}
    first = client.post("/lapor/", data, headers=headers)
    report = Report.objects.get()
    assert first.status_code == 201
    assert first.json() == {"code": report.code, "url": f"/laporan/{report.code}/terkirim/"}
    # The answer was lost on the way: the phone sends again, and is told what the first did.
    again = client.post("/lapor/", data, headers=headers)
    assert again.status_code == 200 and again.json()["code"] == report.code
    assert Report.objects.count() == 1 and Attachment.objects.get().report == report
    assert FilingToken.objects.get(token=KEY).report == report


def test_the_outbox_is_told_what_to_correct(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    data = _data(KEY)
    del data["title"]
    response = client.post("/lapor/", data, headers={"Idempotency-Key": KEY})
    assert response.status_code == 422
    assert {"anchor": "id_title", "label": "Judul laporan"}.items() <= response.json()["errors"][
        0
    ].items()
    assert Report.objects.count() == 0
    # corrected, the same key files it
    assert client.post("/lapor/", _data(KEY), headers={"Idempotency-Key": KEY}).status_code == 201


def test_a_key_of_another_account_is_refused(client, cast):
    give_profile(cast.citizen)
    FilingToken.objects.create(token=KEY, user=cast.other_citizen)
    client.force_login(cast.citizen)
    response = client.post("/lapor/", _data(KEY), headers={"Idempotency-Key": KEY})
    assert response.status_code == 409 and Report.objects.count() == 0

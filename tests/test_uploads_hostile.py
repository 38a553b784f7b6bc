"""Hostile uploads (issue 7) on every surface that takes files: the portal's filing form and its
"add information" form, the back office's answer, the API's multipart filing and its base64 JSON
actions. Each file of the generated corpus (`tests.hostile_files`) must be refused with the
checker's message in Bahasa Indonesia, nothing stored (no row, no file in the storage folder), and
on the HTML forms the text typed comes back. Open311 and SMS take no files: a file sent to Open311
is not stored."""

import base64
import html
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from aduan.directory.models import Category
from aduan.open311.demo import DEMO_KEY, seed_demo_application
from aduan.reports.attachments import AttachmentRefused, clean_upload
from aduan.reports.models import Attachment, Report, Status
from tests import hostile_files as hostile
from tests.api.conftest import ApiClient
from tests.conftest import report_in
from tests.cover import every_pair
from tests.portal import give_profile, jpeg_with_gps, pdf_bytes
from tests.test_web_filing import DESCRIPTION, _data, _form

pytestmark = pytest.mark.django_db
TYPED = "Foto kerusakan terbaru dari warga, diambil pagi ini"


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(storage) -> list:
    return [p for p in storage.rglob("*") if p.is_file()] if storage.exists() else []


# --- the surfaces -----------------------------------------------------------------------------
# Each sends one file named `name` holding `data` and returns (response, text of the answer, the
# text that must come back or None where the client keeps its own copy, the reports concerned).


def _portal_filing(client, cast, name, data):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    response = client.post(
        "/lapor/", _data(_form(client), attachments=[SimpleUploadedFile(name, data)])
    )
    return response, html.unescape(response.content.decode()), DESCRIPTION


def _portal_provide_info(client, cast, name, data):
    report = report_in(cast, Status.IN_PROGRESS, paused=True)
    client.force_login(cast.citizen)
    response = client.post(
        f"/laporan/{report.code}/informasi/",
        {"text": TYPED, "version": report.version, "attachments": [SimpleUploadedFile(name, data)]},
    )
    return response, html.unescape(response.content.decode()), TYPED


def _backoffice_answer(client, cast, name, data):
    # Not a physical category: the file alone is what is tested, not the result-photo rule.
    report = report_in(cast, Status.IN_PROGRESS, category=Category.objects.get(code="kesehatan"))
    client.force_login(cast.officer_a)
    response = client.post(
        f"/kantor/laporan/{report.code}/aksi/answer/",
        {"text": TYPED, "version": report.version, "attachments": [SimpleUploadedFile(name, data)]},
    )
    return response, html.unescape(response.content.decode()), TYPED


def _api_multipart(client, cast, name, data):
    give_profile(cast.citizen)
    response = ApiClient(cast.citizen).post_form(
        "/reports",
        {
            "title": "Lampu jalan padam",
            "description": DESCRIPTION,
            "category": "infrastruktur-jalan",
            "village": "52.04.08.1004",
            "extra_answers": '{"status-jalan": "kabupaten"}',
            "files": [SimpleUploadedFile(name, data)],
        },
    )
    return (
        response,
        response.json()["error"]["message"] if response.status_code >= 400 else "",
        None,
    )


def _api_json(client, cast, name, data):
    report = report_in(cast, Status.IN_PROGRESS, paused=True)
    response = ApiClient(cast.citizen).post(
        f"/reports/{report.code}/provide-info",
        {
            "text": TYPED,
            "expected_version": report.version,
            "attachments": [{"name": name, "content_base64": base64.b64encode(data).decode()}],
        },
    )
    return (
        response,
        response.json()["error"]["message"] if response.status_code >= 400 else "",
        None,
    )


@dataclass
class Surface:
    send: Callable
    multipart: (
        bool  # names pass through Django's multipart parser (path and control characters cut)
    )


SURFACES = {
    "portal_filing": Surface(_portal_filing, True),
    "portal_provide_info": Surface(_portal_provide_info, True),
    "backoffice_answer": Surface(_backoffice_answer, True),
    "api_multipart": Surface(_api_multipart, True),
    "api_json": Surface(_api_json, False),
}


def _expected_message(name, data) -> str:
    with pytest.raises(AttachmentRefused) as refused:
        clean_upload(SimpleUploadedFile(name, data))
    return refused.value.message


def _assert_refused(surface, client, cast, storage, name, data, message):
    response, answer, typed = SURFACES[surface].send(client, cast, name, data)
    assert 400 <= response.status_code < 500 or (typed and response.status_code == 200), (
        response.status_code
    )
    assert message in answer, answer[:2000]
    if typed:
        assert typed in answer  # nothing typed is lost
    assert not Attachment.objects.exists() and not stored_files(storage)


# --- the corpus, on every surface -------------------------------------------------------------


@pytest.mark.parametrize("case", hostile.CORPUS)
def test_the_checker_refuses_each_hostile_file_with_its_reason(case):
    name, _builder, code = hostile.CORPUS[case]
    with pytest.raises(AttachmentRefused) as refused:
        clean_upload(SimpleUploadedFile(name, hostile.content(case)))
    assert refused.value.code == code
    assert name in refused.value.message or code == "name"


@pytest.mark.parametrize(("case", "surface"), every_pair(hostile.CORPUS, SURFACES))
def test_it_refuses_a_hostile_file_on_every_surface(case, surface, client, cast, storage):
    name, _builder, _code = hostile.CORPUS[case]
    data = hostile.content(case)
    _assert_refused(surface, client, cast, storage, name, data, _expected_message(name, data))


@pytest.mark.parametrize("surface", SURFACES)
def test_it_refuses_a_file_just_above_the_limit_on_every_surface(
    surface, client, cast, storage, settings
):
    settings.ATTACHMENT_MAX_MB = settings.ATTACHMENT_MAX_VIDEO_MB = 1
    data = hostile.jpeg() + b"\x00" * (1024 * 1024 - len(hostile.jpeg()) + 1)
    message = _expected_message("besar.jpg", data)
    assert "terlalu besar" in message and "batasnya 1 MB" in message
    _assert_refused(surface, client, cast, storage, "besar.jpg", data, message)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("case", hostile.NAMES)
def test_a_hostile_file_name_is_refused_or_cut_to_a_plain_one(surface, case, client, cast, storage):
    """Through multipart the path and control characters are gone before any view runs (Django);
    what is left must be a plain name, stored under a random one. The JSON API refuses the name."""
    raw = hostile.NAMES[case]
    after_multipart = hostile.NAME_AFTER_MULTIPART[case]
    data = jpeg_with_gps()
    if SURFACES[surface].multipart and after_multipart is not None:
        response, _answer, _typed = SURFACES[surface].send(client, cast, raw, data)
        assert response.status_code in (200, 201, 302), response.content[:500]
        item = Attachment.objects.get()
        assert item.original_name == after_multipart.rsplit(".", 1)[0] + ".jpg"
        stored = item.file.name.rsplit("/", 1)[-1]
        assert (
            len(stored) == 32 and after_multipart.split(".")[0] not in stored
        )  # random, not the name
        return
    response, answer, _typed = SURFACES[surface].send(client, cast, raw, data)
    assert 400 <= response.status_code < 500 or response.status_code == 200
    assert "Nama berkas" in answer or (surface == "api_json" and response.status_code in (400, 422))
    assert not Attachment.objects.exists() and not stored_files(storage)


def test_nothing_is_stored_when_open311_is_sent_a_file(client, cast, storage):
    """GeoReport v2 takes a `media_url`, never a file: one sent anyway is not read nor stored."""
    seed_demo_application()
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": DEMO_KEY,
            "service_code": "kesehatan",
            "lat": "-8.49",
            "long": "117.42",
            "description": "Antrean lama di puskesmas.",
            "media": SimpleUploadedFile("gambar.svg", hostile.svg(script=True)),
        },
    )
    assert response.status_code == 201, response.content[:300]
    assert (
        Report.objects.count() == 1
        and not Attachment.objects.exists()
        and not stored_files(storage)
    )


# --- request bodies far above the limit -------------------------------------------------------


class CountingStream(io.RawIOBase):
    """A request body that would be a gigabyte: counts what is read of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else min(size, 65536)
        self.read_bytes += size
        return b"\x00" * size

    def readline(self, size=-1):
        return self.read(size)


@pytest.mark.parametrize(
    "path",
    [
        "/lapor/",
        "/kantor/laporan/SBW-XXXXXX/aksi/answer/",
        "/api/v1/reports",
        "/laporan/SBW-XXXXXX/informasi/",
    ],
)
def test_a_huge_body_is_refused_before_it_is_read(path, client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    body = CountingStream()
    response = client.generic(
        "POST",
        path,
        b"",
        content_type="multipart/form-data; boundary=x",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(1024**3)},
    )
    assert response.status_code == 413
    assert body.read_bytes == 0
    text = (
        response.json()["error"]["message"]
        if path.startswith("/api/")
        else response.content.decode()
    )
    assert "terlalu besar" in text and "1024 MB" in text


# --- what is accepted comes out clean ---------------------------------------------------------


def _jpeg_with_everything() -> bytes:
    image = Image.new("RGB", (64, 48), (120, 80, 40))
    exif = Image.Exif()
    exif[0x013B] = "Wayan Sudarsana"  # Artist
    exif[0xA431] = "SERIAL-998877"  # BodySerialNumber
    exif.get_ifd(0x8825).update({1: "S", 2: (8.0, 29.0, 30.0), 3: "E", 4: (117.0, 25.0, 10.0)})
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Wayan Sudarsana</dc:creator></x:xmpmeta>'
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, xmp=xmp, comment=b"Wayan Sudarsana")
    return out.getvalue()


def test_an_accepted_photo_keeps_no_exif_gps_xmp_or_comment():
    original = _jpeg_with_everything()
    assert original.count(b"Wayan Sudarsana") == 3 and b"SERIAL-998877" in original
    cleaned = clean_upload(SimpleUploadedFile("foto.jpg", original))
    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif() and "xmp" not in image.info and "comment" not in image.info
    for secret in (b"Wayan", b"SERIAL-998877", b"xmpmeta", b"Exif"):
        assert secret not in cleaned.data


def test_a_reporters_pdf_loses_author_creator_and_xmp_a_staff_pdf_keeps_its_bytes():
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(author="Wayan Sudarsana"))))
    writer.add_metadata({"/Author": "Wayan Sudarsana", "/Creator": "Wayan Sudarsana"})
    writer.xmp_metadata = None
    from pypdf.generic import NameObject, StreamObject

    xmp = StreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Wayan Sudarsana</dc:creator></x:xmpmeta>'
    )
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    original = out.getvalue()
    assert original.count(b"Wayan Sudarsana") >= 2

    cleaned = clean_upload(SimpleUploadedFile("surat.pdf", original))
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert b"Wayan" not in cleaned.data and (
        reader.metadata is None or not reader.metadata.get("/Author")
    )
    assert "/Metadata" not in reader.trailer["/Root"] and len(reader.pages) == 1
    staff = clean_upload(SimpleUploadedFile("surat.pdf", original), keep_document_bytes=True)
    assert staff.data == original  # a signed letter stays as signed


def test_ordinary_files_from_phones_and_offices_are_accepted():
    motion_photo = (
        hostile.jpeg() + b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
    )  # video after the picture
    assert (
        clean_upload(SimpleUploadedFile("PXL_0001.MP.jpg", motion_photo)).content_type
        == "image/jpeg"
    )
    chart = hostile._zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
    docx = hostile.docx(
        {
            "word/embeddings/Microsoft_Excel_Worksheet.xlsx": chart,
            "word/_rels/document.xml.rels": '<Relationships><Relationship Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/hyperlink" '
            'Target="https://sumbawakab.go.id" TargetMode="External"/></Relationships>',
        }
    )
    assert clean_upload(SimpleUploadedFile("surat.docx", docx)).name == "surat.docx"
    # LibreOffice opens its PDFs at page 1 with an /OpenAction destination: not an action that runs.
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, NameObject, NullObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [
            writer.pages[0].indirect_reference,
            NameObject("/XYZ"),
            NullObject(),
            NullObject(),
            NullObject(),
        ]
    )
    out = io.BytesIO()
    writer.write(out)
    assert (
        clean_upload(SimpleUploadedFile("surat.pdf", out.getvalue())).content_type
        == "application/pdf"
    )
    gif = io.BytesIO()
    Image.new("P", (20, 10)).save(gif, format="GIF", comment=b"dibuat di ponsel")
    assert clean_upload(SimpleUploadedFile("a.gif", gif.getvalue())).content_type in (
        "image/jpeg",
        "image/png",
    )


def _mp4_with_place() -> bytes:
    def box(kind, payload):
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    xyz = box(b"\xa9xyz", b"\x00\x12\x15\xc7-08.4902+117.4204/")
    moov = box(
        b"moov",
        box(b"mvhd", bytes(100))
        + box(b"udta", xyz)
        + box(b"trak", box(b"tkhd", bytes(84)) + box(b"meta", bytes(12) + b"Galaxy S23")),
    )
    return box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41") + moov + box(b"mdat", b"\x01" * 200)


def test_a_videos_place_and_device_are_blanked_and_its_layout_kept():
    original = _mp4_with_place()
    cleaned = clean_upload(SimpleUploadedFile("video.mp4", original))
    assert cleaned.content_type == "video/mp4" and len(cleaned.data) == len(original)
    assert b"-08.4902+117.4204" not in cleaned.data and b"Galaxy" not in cleaned.data
    assert cleaned.data.endswith(b"\x01" * 200) and cleaned.data.count(b"free") == 2


# --- where stored files can be fetched --------------------------------------------------------


def test_stored_files_have_random_names_and_no_public_media_path(client, cast, storage, settings):
    client.force_login(cast.citizen)
    report = report_in(cast, Status.IN_PROGRESS, paused=True)
    response = client.post(
        f"/laporan/{report.code}/informasi/",
        {
            "text": TYPED,
            "version": report.version,
            "attachments": [SimpleUploadedFile("KTP Wayan Sudarsana.jpg", jpeg_with_gps())],
        },
    )
    assert response.status_code == 302
    item = Attachment.objects.get()
    assert "Wayan" not in item.file.name and item.file.name.startswith(f"attachments/{report.pk}/")
    assert len(item.file.name.rsplit("/", 1)[1]) == 32
    # No URL serves the storage folder, in any environment: not /media/<name>, not
    # /media/<stored name>.
    client.logout()
    for path in (
        f"/media/{item.file.name}",
        "/media/KTP%20Wayan%20Sudarsana.jpg",
        f"{settings.MEDIA_URL}{item.file.name}",
    ):
        assert client.get(path).status_code == 404
    # Only the permission-checked view gives it: to the reporter; not to the public (an answer to
    # the agency's question is for the parties), and probing another id finds nothing.
    assert client.get(f"/laporan/{report.code}/lampiran/{item.pk}/").status_code == 404
    client.force_login(cast.citizen)
    download = client.get(f"/laporan/{report.code}/lampiran/{item.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/laporan/{report.code}/lampiran/{item.pk + 1000}/").status_code == 404
    from django.urls import resolve
    from django.urls.exceptions import Resolver404

    with pytest.raises(Resolver404):
        resolve(f"/media/{item.file.name}")
    assert Report.objects.filter(pk=report.pk).exists()


@pytest.mark.slow
def test_production_serves_nothing_from_the_storage_folder(tmp_path, production_static_root):
    """In a production start-up (fresh interpreter, production settings, WhiteNoise in front), a
    file that is in MEDIA_ROOT is not served at /media/ nor at any other path built from its
    name."""
    import os
    import subprocess
    import sys

    from tests.test_settings import ROOT, STRONG, UNSET

    media = tmp_path / "media"
    (media / "attachments" / "1").mkdir(parents=True)
    (media / "attachments" / "1" / "0123456789abcdef0123456789abcdef").write_bytes(b"ISI-RAHASIA")
    (media / "KTP.jpg").write_bytes(b"ISI-RAHASIA")
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "c = Client(HTTP_HOST='aduan.example')\n"
        "for path in ('/media/attachments/1/0123456789abcdef0123456789abcdef', '/media/KTP.jpg',\n"
        "             '/static/../media/KTP.jpg', "
        "'/attachments/1/0123456789abcdef0123456789abcdef', '/KTP.jpg'):\n"
        "    r = c.get(path, secure=True)\n"
        "    body = b''.join(r.streaming_content) if r.streaming else r.content\n"
        "    print(path, r.status_code, b'ISI-RAHASIA' in body)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        ADUAN_ENV="production",
        SECRET_KEY=STRONG,
        ALLOWED_HOSTS="aduan.example",
        MEDIA_ROOT=str(media),
        ADUAN_DOTENV="/nonexistent",
        DJANGO_SETTINGS_MODULE="aduan.settings",
        DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
        STATIC_ROOT=str(production_static_root),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.split("\n")[:5]
    assert len(lines) == 5 and all(line.endswith(" 404 False") for line in lines), result.stdout

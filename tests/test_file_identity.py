"""No identity in a file's content (issue 11 §4): every accepted type that can carry a name, an
account, a device or a place is rewritten without it by the one checker (`clean_upload`), and the
rewritten file still opens. Found: Office `docProps` author and last-modified-by (and EXIF of photos
inside), PDF annotation authors, a top-level `uuid` XMP box in MP4, WebM not cleaned at all."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import StreamObject

from aduan.reports.attachments import clean_upload
from tests import hostile_files as hostile


def _jpeg_has_exif(data: bytes) -> bool:
    image = Image.open(io.BytesIO(data))
    return bool(image.getexif()) or b"Exif\x00\x00" in data


def everything_inside(name: str, data: bytes) -> tuple[bytes, list[bytes]]:
    """(all the text a reader could find, the pictures inside)."""
    if name.endswith((".docx", ".xlsx", ".pptx", ".odt")):
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert archive.testzip() is None
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
        pictures = [v for k, v in parts.items() if k.lower().endswith((".jpeg", ".jpg"))]
        return b"\n".join(parts.values()), pictures
    if name.endswith(".pdf"):
        reader = PdfReader(io.BytesIO(data))
        text, pictures = [repr(reader.trailer).encode()], []
        for number in range(1, len(reader.xref_objStm) + 200):
            try:
                obj = reader.get_object(number)
            except Exception:
                continue
            if obj is None:
                continue
            text.append(repr(obj).encode())
            if isinstance(obj, StreamObject):
                if obj.get("/Filter") == "/DCTDecode":
                    pictures.append(obj._data)
                else:
                    try:
                        text.append(obj.get_data())
                    except Exception:
                        text.append(obj._data)
        assert len(reader.pages) == 1
        return b"\n".join(text), pictures
    return data, [data] if data.startswith(b"\xff\xd8") else []


@pytest.mark.parametrize("name", list(hostile.IDENTITY))
def test_what_is_stored_names_no_one_and_holds_no_device_or_place(name):
    original = hostile.IDENTITY[name]()
    before, _pictures = everything_inside(name, original)
    assert any(mark.encode() in before for mark in hostile.IDENTITY_MARKS) or name.endswith(
        ".jpg"
    ), "the test file must carry identity"
    cleaned = clean_upload(SimpleUploadedFile(name, original))
    text, pictures = everything_inside(name, cleaned.data)
    for mark in hostile.IDENTITY_MARKS:
        assert mark.encode() not in text, (name, mark)
        assert mark.encode("utf-16-be") not in text, (name, mark)
    for picture in pictures:
        assert not _jpeg_has_exif(picture), name
        Image.open(io.BytesIO(picture)).load()  # still a picture


def test_office_documents_keep_their_text_and_odf_its_mimetype_first():
    docx = clean_upload(SimpleUploadedFile("a.docx", hostile.identity_docx())).data
    assert b"Jalan rusak" in zipfile.ZipFile(io.BytesIO(docx)).read("word/document.xml")
    odt = zipfile.ZipFile(
        io.BytesIO(clean_upload(SimpleUploadedFile("a.odt", hostile.identity_odt())).data)
    )
    first = odt.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert b"Jalan rusak" in odt.read("content.xml")


def test_a_pdf_keeps_its_comment_text_and_form_field_names():
    cleaned = clean_upload(SimpleUploadedFile("a.pdf", hostile.identity_pdf())).data
    annotation = PdfReader(io.BytesIO(cleaned)).pages[0]["/Annots"][0].get_object()
    assert annotation["/Contents"] == "cek di sini" and "/T" not in annotation
    assert PdfReader(io.BytesIO(cleaned)).metadata in (None, {}) or not PdfReader(
        io.BytesIO(cleaned)
    ).metadata.get("/Author")


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int]]:
    end = len(data) if end is None else end
    found, i = [], start
    while i + 8 <= end:
        size, kind = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8]
        found.append((kind, size))
        i += size
    assert i == end
    return found


def test_an_mp4_keeps_every_offset_and_loses_uuid_udta_and_meta_at_any_depth():
    original = hostile.identity_mp4()
    cleaned = clean_upload(SimpleUploadedFile("v.mp4", original)).data
    assert len(cleaned) == len(original)
    top = _boxes(cleaned)
    assert [k for k, _ in top] == [b"ftyp", b"free", b"moov", b"mdat"]
    assert [s for _, s in top] == [s for _, s in _boxes(original)]
    for kind in (b"uuid", b"udta", b"meta", b"\xa9xyz"):
        assert kind not in cleaned[8:], kind
    assert cleaned.endswith(bytes(64))  # the media data untouched


@pytest.mark.parametrize("open_cluster", [False, True])
def test_a_webm_keeps_its_length_and_frames_and_loses_tags_title_and_apps(open_cluster):
    original = hostile.identity_webm(open_cluster=open_cluster)
    cleaned = clean_upload(SimpleUploadedFile("v.webm", original)).data
    assert len(cleaned) == len(original) and cleaned[:4] == b"\x1a\x45\xdf\xa3"
    assert b"V_VP8" in cleaned and b"\x81\x00\x00\x80" + bytes(16) in cleaned
    for mark in [*hostile.IDENTITY_MARKS, "ARTIST", "LOCATION"]:
        assert mark.encode() not in cleaned, mark


def test_a_staff_pdf_keeps_its_bytes_a_staff_office_document_does_not():
    pdf = hostile.identity_pdf()
    assert clean_upload(SimpleUploadedFile("a.pdf", pdf), keep_document_bytes=True).data == pdf
    docx = clean_upload(
        SimpleUploadedFile("a.docx", hostile.identity_docx()), keep_document_bytes=True
    )
    assert hostile.AUTHOR.encode() not in everything_inside("a.docx", docx.data)[0]


def test_a_broken_webm_is_refused_with_a_message():
    from aduan.reports.attachments import AttachmentRefused

    broken = hostile.identity_webm()[:-30] + b"\x1f\x43\xb6\x75\x10"
    with pytest.raises(AttachmentRefused) as refused:
        clean_upload(SimpleUploadedFile("v.webm", broken))
    assert "rusak" in refused.value.message

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from aduan.reports.attachments import AttachmentRefused, clean_upload, clean_uploads
from tests.portal import PDF, jpeg_with_gps, png_bytes


def _upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_it_strips_exif_and_gps_from_a_photo():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture really has GPS
    cleaned = clean_upload(_upload("IMG_0001.JPG", original, "image/jpeg"))
    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert b"SERIAL-12345" not in cleaned.data and b"PhoneMaker" not in cleaned.data
    assert cleaned.content_type == "image/jpeg" and cleaned.name == "IMG_0001.jpg"


def test_it_applies_the_orientation_before_dropping_exif():
    image = Image.new("RGB", (40, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90°
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    cleaned = clean_upload(_upload("p.jpg", out.getvalue()))
    assert Image.open(io.BytesIO(cleaned.data)).size == (20, 40)


def test_it_reads_the_type_from_the_content_not_the_name():
    cleaned = clean_upload(_upload("laporan.pdf", png_bytes(), "application/pdf"))
    assert cleaned.content_type == "image/png" and cleaned.name == "laporan.png"
    with pytest.raises(AttachmentRefused) as refused:
        clean_upload(_upload("foto.jpg", b"MZ\x90\x00 this is a windows program", "image/jpeg"))
    assert (
        "foto.jpg" in refused.value.message and "bukan jenis yang diterima" in refused.value.message
    )


def test_it_accepts_a_pdf_and_an_office_document():
    assert clean_upload(_upload("surat.pdf", PDF)).content_type == "application/pdf"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    assert clean_upload(_upload("surat.docx", out.getvalue())).name == "surat.docx"


def test_it_refuses_a_broken_image_and_a_truncated_pdf():
    with pytest.raises(AttachmentRefused, match="rusak"):
        clean_upload(_upload("rusak.jpg", jpeg_with_gps()[:200]))
    with pytest.raises(AttachmentRefused, match="rusak"):
        clean_upload(_upload("potong.pdf", PDF[:40]))


def test_it_refuses_an_oversize_file(settings):
    settings.ATTACHMENT_MAX_MB = 1
    big = PDF[:-7] + b"0" * (1024 * 1024 + 10) + b"\n%%EOF\n"
    with pytest.raises(AttachmentRefused) as refused:
        clean_upload(_upload("besar.pdf", big))
    assert "terlalu besar" in refused.value.message and "batasnya 1 MB" in refused.value.message


def test_it_refuses_an_empty_file_and_too_many_files(settings):
    with pytest.raises(AttachmentRefused, match="kosong"):
        clean_upload(_upload("kosong.jpg", b""))
    settings.ATTACHMENT_MAX_FILES = 2
    with pytest.raises(AttachmentRefused, match="Paling banyak 2"):
        clean_uploads([_upload(f"{i}.png", png_bytes()) for i in range(3)])


def test_it_shrinks_a_huge_photo():
    out = io.BytesIO()
    Image.new("RGB", (4000, 3000), (1, 2, 3)).save(out, format="JPEG")
    cleaned = clean_upload(_upload("besar.jpg", out.getvalue()))
    assert max(Image.open(io.BytesIO(cleaned.data)).size) == 2560

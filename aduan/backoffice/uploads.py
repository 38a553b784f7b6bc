"""Checking and cleaning the files staff attach to notes and answers, before the actions store
them: size and count capped, type sniffed from the content (never trusted from the browser),
photos stripped of their metadata (EXIF GPS, camera owner) without re-encoding."""

import struct

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from aduan.reports import errors

MAX_FILES = 5


def _sniff(head: bytes, name: str) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    lower = name.lower()
    if head.startswith(b"PK\x03\x04") and lower.endswith((".docx", ".xlsx", ".odt", ".ods")):
        return {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "odt": "application/vnd.oasis.opendocument.text",
                "ods": "application/vnd.oasis.opendocument.spreadsheet"}[lower.rsplit(".", 1)[1]]
    return None


def strip_jpeg(data: bytes) -> bytes:
    """Drop APP1–APP15 and COM segments (EXIF, XMP, comments); keep the image data as it is."""
    out, i = [data[:2]], 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the rest is image data
            break
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        segment = data[i:i + 2 + length]
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out.append(segment)
        i += 2 + length
    out.append(data[i:])
    return b"".join(out)


def strip_png(data: bytes) -> bytes:
    """Drop the text and EXIF chunks."""
    out, i = [data[:8]], 8
    while i + 8 <= len(data):
        length = struct.unpack(">I", data[i:i + 4])[0]
        kind = data[i + 4:i + 8]
        chunk = data[i:i + 12 + length]
        if kind not in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"tIME"):
            out.append(chunk)
        i += 12 + length
    return b"".join(out)


def clean_uploads(files) -> list[ContentFile]:
    files = list(files)
    if len(files) > MAX_FILES:
        raise errors.InvalidInput(_("Paling banyak %(n)s lampiran.") % {"n": MAX_FILES}, field="attachments")
    limit = settings.ATTACHMENT_MAX_MB * 1024 * 1024
    cleaned = []
    for upload in files:
        if upload.size > limit:
            raise errors.InvalidInput(_("Berkas %(name)s lebih dari %(mb)s MB.") % {
                "name": upload.name, "mb": settings.ATTACHMENT_MAX_MB}, field="attachments")
        data = upload.read()
        content_type = _sniff(data[:8], upload.name)
        if content_type is None:
            raise errors.InvalidInput(_("Berkas %(name)s bukan PDF, JPEG, PNG atau dokumen kantor.") % {
                "name": upload.name}, field="attachments")
        if content_type == "image/jpeg":
            data = strip_jpeg(data)
        elif content_type == "image/png":
            data = strip_png(data)
        clean = ContentFile(data, name=upload.name[-200:])
        clean.content_type = content_type
        cleaned.append(clean)
    return cleaned

"""Attachments sent to the API: counted, measured and typed by their content, not their name."""

import base64
import binascii

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from .errors import ApiError

# What a phone camera or a scanner produces; anything else is refused with 415.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def sniff(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def checked(files) -> list:
    files = [f for f in (files or []) if f is not None]
    if len(files) > settings.API_MAX_FILES:
        raise ApiError(413, _("Paling banyak %(n)s lampiran.") % {"n": settings.API_MAX_FILES},
                       fields={"files": [_("Terlalu banyak lampiran.")]})
    for upload in files:
        if upload.size > settings.API_MAX_FILE_BYTES:
            raise ApiError(413, _("Lampiran %(name)s lebih dari %(mb)s MB.") % {
                "name": (upload.name or "")[:80], "mb": settings.API_MAX_FILE_BYTES // (1024 * 1024)},
                fields={"files": [_("Lampiran terlalu besar.")]})
        head = upload.read(16)
        upload.seek(0)
        content_type = sniff(head)
        if content_type is None:
            raise ApiError(415, _("Lampiran harus berupa foto (JPEG, PNG, WebP, GIF) atau PDF."),
                           fields={"files": [_("Jenis berkas tidak didukung.")]})
        upload.content_type = content_type
        upload.name = (upload.name or "lampiran").replace("\x00", "")[-255:] or "lampiran"
    return files


def from_json(items) -> list:
    """Base64 attachments of a JSON body as uploads, then the same checks as multipart files."""
    files = []
    for item in items or []:
        if len(item.content_base64) * 3 // 4 > settings.API_MAX_FILE_BYTES + 3:
            raise ApiError(413, _("Lampiran %(name)s lebih dari %(mb)s MB.") % {
                "name": item.name[:80], "mb": settings.API_MAX_FILE_BYTES // (1024 * 1024)},
                fields={"attachments": [_("Lampiran terlalu besar.")]})
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, _("Lampiran harus berupa base64 yang valid."),
                           fields={"attachments": [_("Bukan base64.")]}) from None
        files.append(SimpleUploadedFile(item.name, content))
    return checked(files)

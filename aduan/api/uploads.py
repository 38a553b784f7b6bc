"""Attachments sent to the API: counted and measured here, then checked and cleaned like every
upload."""

import base64
import binascii

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from aduan.reports import attachments

from .errors import ApiError

STATUS = {"size": 413, "count": 413, "type": 415}


def _refused(refused: attachments.AttachmentRefused, field: str) -> ApiError:
    return ApiError(
        STATUS.get(refused.code, 422), refused.message, fields={field: [refused.message]}
    )


def checked(files, *, keep_document_bytes: bool = False, field: str = "files") -> list:
    """Uploads (multipart or decoded base64) through the one checker every surface uses
    (`aduan.reports.attachments.clean_uploads`): counted, sized by their kind, typed by content
    and cleaned, with the portal's limits and messages."""
    files = [f for f in (files or []) if f is not None]
    try:
        cleaned = attachments.clean_uploads(files, keep_document_bytes=keep_document_bytes)
    except attachments.AttachmentRefused as refused:
        raise _refused(refused, field) from None
    return [item.as_file() for item in cleaned]


def from_json(items, *, keep_document_bytes: bool = False) -> list:
    """Base64 attachments of a JSON body as uploads, then the same checks as multipart files."""
    files = []
    for item in items or []:
        name = attachments.shown_name(item)
        try:
            # Refused before decoding when even the largest kind could not be this large.
            attachments.check_declared_size(name, len(item.content_base64) * 3 // 4 - 3)
            attachments.check_name(item.name, name)
        except attachments.AttachmentRefused as refused:
            raise _refused(refused, "attachments") from None
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                422,
                _("Lampiran harus berupa base64 yang valid."),
                fields={"attachments": [_("Bukan base64.")]},
            ) from None
        files.append(SimpleUploadedFile(item.name, content))
    return checked(files, keep_document_bytes=keep_document_bytes, field="attachments")

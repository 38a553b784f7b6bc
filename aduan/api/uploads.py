"""Attachments sent to the API: counted and measured here, then checked and cleaned like every
upload."""

import base64
import binascii

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from aduan.reports import attachments

from .errors import ApiError

STATUS = {"size": 413, "type": 415}


def checked(files, *, keep_document_bytes: bool = False) -> list:
    """Uploads (multipart or decoded base64) through the one checker every surface uses
    (`aduan.reports.attachments`): counted here, then sized, typed by content, cleaned."""
    files = [f for f in (files or []) if f is not None]
    if len(files) > settings.API_MAX_FILES:
        raise ApiError(
            413,
            _("Paling banyak %(n)s lampiran.") % {"n": settings.API_MAX_FILES},
            fields={"files": [_("Terlalu banyak lampiran.")]},
        )
    cleaned = []
    for upload in files:
        if upload.size > settings.API_MAX_FILE_BYTES:
            raise ApiError(
                413,
                _("Lampiran %(name)s lebih dari %(mb)s MB.")
                % {
                    "name": attachments.shown_name(upload),
                    "mb": settings.API_MAX_FILE_BYTES // (1024 * 1024),
                },
                fields={"files": [_("Lampiran terlalu besar.")]},
            )
        try:
            cleaned.append(
                attachments.clean_upload(upload, keep_document_bytes=keep_document_bytes).as_file()
            )
        except attachments.AttachmentRefused as refused:
            raise ApiError(
                STATUS.get(refused.code, 422), refused.message, fields={"files": [refused.message]}
            ) from None
    return cleaned


def from_json(items, *, keep_document_bytes: bool = False) -> list:
    """Base64 attachments of a JSON body as uploads, then the same checks as multipart files."""
    files = []
    for item in items or []:
        if len(item.content_base64) * 3 // 4 > settings.API_MAX_FILE_BYTES + 3:
            raise ApiError(
                413,
                _("Lampiran %(name)s lebih dari %(mb)s MB.")
                % {
                    "name": attachments.shown_name(item),
                    "mb": settings.API_MAX_FILE_BYTES // (1024 * 1024),
                },
                fields={"attachments": [_("Lampiran terlalu besar.")]},
            )
        try:
            attachments.check_name(item.name, attachments.shown_name(item))
        except attachments.AttachmentRefused as refused:
            raise ApiError(
                422, refused.message, fields={"attachments": [refused.message]}
            ) from None
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                422,
                _("Lampiran harus berupa base64 yang valid."),
                fields={"attachments": [_("Bukan base64.")]},
            ) from None
        files.append(SimpleUploadedFile(item.name, content))
    return checked(files, keep_document_bytes=keep_document_bytes)

"""The files staff attach to notes and answers: the same checks as every upload
(`aduan.reports.attachments`), except that their PDFs keep their bytes, so that a signed letter
(tanda tangan elektronik) stays valid."""

from django.core.files.base import ContentFile

from aduan.reports import attachments, errors


def clean_uploads(files) -> list[ContentFile]:
    try:
        return [c.as_file() for c in attachments.clean_uploads(files, keep_document_bytes=True)]
    except attachments.AttachmentRefused as refused:
        raise errors.InvalidInput(refused.message, field="attachments") from None

"""Checking and cleaning files a person uploads with a report (DESIGN §6, files).

Called by the web forms (and available to the API) before `actions.do_file_report(attachments=)`:
1. the type is read from the first bytes of the content (`filetype`), never from the name or the
   browser's Content-Type;
2. each kind has a size cap (settings `ATTACHMENT_MAX_MB`, `ATTACHMENT_MAX_VIDEO_MB`);
3. images are decoded and re-encoded by Pillow: EXIF (GPS of a reporter's home, camera serial),
   XMP and comments do not survive, the orientation is applied to the pixels, and a file Pillow
   cannot decode is refused as broken;
4. what comes out is a `ContentFile` with `name`, `content_type` and `size`, ready to store.
Every refusal is an `AttachmentRefused` whose message names the file and says what to do.
"""

import io
import os
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
VIDEO_TYPES = {"video/mp4": "mp4", "video/3gpp": "3gp", "video/webm": "webm", "video/quicktime": "mov"}
# The file input's `accept`: a hint for the phone's picker; the content decides.
ACCEPT = "image/*,video/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.odp"
# Longest side of a stored photo: enough to read a street sign, small enough for slow links.
MAX_IMAGE_SIDE = 2560
LIMITS_TEXT = gettext_lazy(
    "Maksimal %(files)s berkas: foto (JPG, PNG, WEBP), PDF, dokumen Office, masing-masing hingga %(mb)s MB; "
    "video pendek (MP4, 3GP, WEBM, MOV) hingga %(video_mb)s MB."
)


def limits_text() -> str:
    return LIMITS_TEXT % {"files": settings.ATTACHMENT_MAX_FILES, "mb": settings.ATTACHMENT_MAX_MB,
                          "video_mb": settings.ATTACHMENT_MAX_VIDEO_MB}


class AttachmentRefused(Exception):
    def __init__(self, message: str, name: str = ""):
        super().__init__(message)
        self.message, self.name = message, name


@dataclass
class Cleaned:
    name: str
    content_type: str
    data: bytes

    def as_file(self) -> ContentFile:
        upload = ContentFile(self.data, name=self.name)
        upload.content_type = self.content_type
        return upload


def _display_name(upload) -> str:
    return os.path.basename(getattr(upload, "name", "") or _("lampiran"))[:120]


def _read(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


def clean_upload(upload) -> Cleaned:
    name = _display_name(upload)
    mb, video_mb = settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB
    data = _read(upload, max(mb, video_mb) * 1024 * 1024)
    if not data:
        raise AttachmentRefused(_("Berkas “%(name)s” kosong.") % {"name": name}, name)
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime in VIDEO_TYPES:
        limit = video_mb
    elif mime in IMAGE_TYPES or mime in DOCUMENT_TYPES:
        limit = mb
    else:
        raise AttachmentRefused(
            _("Berkas “%(name)s” bukan jenis yang diterima. Unggah foto (JPG, PNG, WEBP), PDF, dokumen Office, "
              "atau video pendek (MP4).") % {"name": name}, name)
    if len(data) > limit * 1024 * 1024:
        raise AttachmentRefused(
            _("Berkas “%(name)s” terlalu besar (%(size).1f MB); batasnya %(limit)s MB.")
            % {"name": name, "size": len(data) / 1024 / 1024, "limit": limit}, name)
    stem = os.path.splitext(name)[0] or "lampiran"
    if mime in IMAGE_TYPES:
        return _reencode(data, stem, name)
    extension = DOCUMENT_TYPES.get(mime) or VIDEO_TYPES[mime]
    if mime == "application/pdf" and b"%%EOF" not in data[-2048:]:
        raise AttachmentRefused(_("Berkas “%(name)s” rusak atau tidak lengkap (PDF terpotong).") % {"name": name}, name)
    return Cleaned(f"{stem}.{extension}", mime, data)


def _reencode(data: bytes, stem: str, name: str) -> Cleaned:
    broken = _("Berkas “%(name)s” rusak atau bukan gambar yang dapat dibuka.") % {"name": name}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise AttachmentRefused(broken, name) from None
    source_format = image.format
    image = ImageOps.exif_transpose(image)  # keep what the camera meant, then drop the EXIF
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    out = io.BytesIO()
    # Screenshots (PNG) and transparent images stay PNG; photos become JPEG.
    if source_format == "PNG" or image.mode in ("RGBA", "LA") or "transparency" in image.info:
        # A fresh image: nothing of the original's info (text chunks, ICC, EXIF) comes along.
        clean = Image.new("RGBA", image.size)
        clean.paste(image.convert("RGBA"))
        clean.save(out, format="PNG", optimize=True)
        return Cleaned(f"{stem}.png", "image/png", out.getvalue())
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return Cleaned(f"{stem}.jpg", "image/jpeg", out.getvalue())


def clean_uploads(uploads) -> list[Cleaned]:
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.ATTACHMENT_MAX_FILES:
        raise AttachmentRefused(_("Paling banyak %(n)s lampiran per laporan.") % {"n": settings.ATTACHMENT_MAX_FILES})
    return [clean_upload(upload) for upload in uploads]


def open_stored(field_file):
    """A stored file (attachment, evaluation report), opened through the storage API so that local
    disk and object storage behave alike; a file missing from the storage is a 404 for the person
    who asked, not a server error. Called by every view that serves a stored file."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas lampiran tidak tersedia.")) from None

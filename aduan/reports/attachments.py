"""Checking and cleaning every file a person uploads (DESIGN §6, files): the one checker behind
the web portal (filing, completing, answering a question), the back office (notes, answers) and the
JSON API (multipart and base64). Open311 and SMS take no files.

1. the name is only a label: one with a path, control or direction-override characters, or longer
   than MAX_NAME characters is refused (multipart parsing has already cut paths and non-printable
   characters; the JSON API sends names as typed); the stored name is random (`attachment_path`);
2. the type is read from the content (`filetype`), never from the name or the browser's
   Content-Type; SVG, HTML, programs, archives and old binary Office files (macros we cannot
   inspect) are refused;
3. each kind has a size cap (settings `ATTACHMENT_MAX_MB`, `ATTACHMENT_MAX_VIDEO_MB`), checked on
   the upload's size before anything is read; a request body above what the files could ever make
   is refused before it is read (`aduan.ops.bodylimit`);
4. images are checked for a second life (a ZIP, a page or a program glued to the picture: see
   `file_formats.check_image_bytes`) and for a pixel count that would fill the memory, then
   decoded and re-encoded by Pillow: EXIF (GPS of a reporter's home, camera serial), XMP and
   comments do not survive, the orientation is applied to the pixels, a file that does not decode
   whole is refused as broken;
5. PDFs with JavaScript, launch or submit actions, embedded files or XFA forms are refused; a
   reporter's PDF is rewritten without its document information and XMP (author, software); staff
   PDFs are kept byte for byte so that a signed letter stays valid;
6. Office documents are measured before they are inflated (bombs), and refused with macros,
   ActiveX or external templates; every document (also staff's) is rewritten without the names of
   its authors, commenters and editors and its pictures without EXIF (`office_metadata`); videos
   keep their frames but lose every `udta`/`meta`/`uuid` box (MP4, MOV, 3GP) or their tags, title
   and writing application (WebM/Matroska), in place (`media_metadata`); PDF annotations lose
   their author and PDF images their EXIF.
What comes out is a `Cleaned` (name, content type, bytes). Every refusal is an `AttachmentRefused`
whose message names the file and says what to do.
"""

import datetime as dt
import io
import os
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps, UnidentifiedImageError

from . import file_formats, media_metadata, office_metadata

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
VIDEO_TYPES = {
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/webm": "webm",
    "video/quicktime": "mov",
}
# The file input's `accept`: a hint for the phone's picker; the content decides.
ACCEPT = "image/*,video/*,.pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp"
# Longest side of a stored photo: enough to read a street sign, small enough for slow links.
MAX_IMAGE_SIDE = 2560
# Pixels decoded at most: a JPEG is decoded at a reduced scale (draft mode), so a 200-megapixel
# phone photo costs little; a PNG, GIF or WebP is decoded whole (4 bytes a pixel).
MAX_JPEG_PIXELS = 250_000_000
MAX_OTHER_PIXELS = 40_000_000
MAX_NAME = 200
ISO_VIDEO_TYPES = {"video/mp4", "video/3gpp", "video/quicktime"}
LIMITS_TEXT = gettext_lazy(
    "Maksimal %(files)s berkas: foto (JPG, PNG, WEBP), PDF, dokumen Office, masing-masing "
    "hingga %(mb)s MB; video pendek (MP4, 3GP, WEBM, MOV) hingga %(video_mb)s MB."
)


def limits_text() -> str:
    return LIMITS_TEXT % {
        "files": settings.ATTACHMENT_MAX_FILES,
        "mb": settings.ATTACHMENT_MAX_MB,
        "video_mb": settings.ATTACHMENT_MAX_VIDEO_MB,
    }


class AttachmentRefused(Exception):
    """`code`: size, type, name, empty, count, or the code of a `file_formats.Finding`."""

    def __init__(self, message: str, name: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message, self.name, self.code = message, name, code


@dataclass(frozen=True)
class Capture:
    """When and where a photo was taken, as its camera wrote it (EXIF), read before the EXIF is
    dropped. Kept only for staff files (`actions._core._attach(keep_capture=True)`)."""

    taken_at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class Cleaned:
    name: str
    content_type: str
    data: bytes
    capture: Capture | None = None

    def as_file(self) -> ContentFile:
        upload = ContentFile(self.data, name=self.name)
        upload.content_type = self.content_type  # type: ignore[attr-defined]  # as an UploadedFile
        upload.capture = self.capture  # type: ignore[attr-defined]
        return upload


_EXIF_IFD, _GPS_IFD = 0x8769, 0x8825
_DATETIME_ORIGINAL, _OFFSET_ORIGINAL, _DATETIME = 0x9003, 0x9011, 0x0132


def read_capture(image: Image.Image) -> Capture | None:
    """The capture time (DateTimeOriginal with its offset, else in the regency's time zone) and
    the GPS position of a decoded photo; None when the camera wrote neither. Anything malformed is
    read as missing: a photo is never refused for its metadata."""
    try:
        exif = image.getexif()
    except Exception:
        return None
    if not exif:
        return None
    taken_at = latitude = longitude = None
    try:
        details = exif.get_ifd(_EXIF_IFD)
        raw = details.get(_DATETIME_ORIGINAL) or exif.get(_DATETIME)
        if raw:
            taken_at = dt.datetime.strptime(str(raw).strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
            offset = str(details.get(_OFFSET_ORIGINAL) or "").strip("\x00 ")
            if len(offset) == 6 and offset[0] in "+-":
                sign = 1 if offset[0] == "+" else -1
                delta = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
                taken_at = taken_at.replace(tzinfo=dt.timezone(sign * delta))
            else:
                taken_at = timezone.make_aware(taken_at)
    except (ValueError, TypeError, KeyError, OverflowError):
        taken_at = None
    try:
        gps = exif.get_ifd(_GPS_IFD)
        if gps.get(2) and gps.get(4):
            latitude = _degrees(gps[2], gps.get(1))
            longitude = _degrees(gps[4], gps.get(3))
            if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
                latitude = longitude = None
    except (ValueError, TypeError, KeyError, ZeroDivisionError, IndexError):
        latitude = longitude = None
    if taken_at is None and latitude is None:
        return None
    return Capture(taken_at, latitude, longitude)


def _degrees(value, reference) -> float:
    degrees, minutes, seconds = (float(part) for part in value)
    result = degrees + minutes / 60 + seconds / 3600
    return -result if str(reference or "").strip("\x00 ").upper() in ("S", "W") else result


def shown_name(upload) -> str:
    """The name as shown in a message: printable, without a path, not too long."""
    name = str(getattr(upload, "name", "") or "")
    name = (
        "".join(c for c in name if unicodedata.category(c)[0] != "C")
        .replace("\\", "/")
        .rsplit("/", 1)[-1]
    )
    return (name[:60] + "…" if len(name) > 60 else name) or str(_("lampiran"))


def check_name(name: str, shown: str) -> None:
    """Called on the name as sent: by `clean_upload`, and by the JSON API before Django's file
    object cuts a path off it."""
    if len(name) > MAX_NAME:
        raise AttachmentRefused(
            _(
                "Nama berkas “%(name)s” terlalu panjang (lebih dari %(n)s karakter). Ganti "
                "namanya dengan yang lebih pendek lalu unggah lagi."
            )
            % {"name": shown, "n": MAX_NAME},
            shown,
            "name",
        )
    # Cc: control characters (NUL, CR, LF); Cf: format characters, among them the right-to-left
    # override that makes "fotoexe.jpg" out of "foto\u202egpj.exe".
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(unicodedata.category(c) in ("Cc", "Cf") for c in name)
    ):
        raise AttachmentRefused(
            _(
                "Nama berkas “%(name)s” berisi karakter yang tidak diizinkan (garis miring, "
                "karakter kendali atau pembalik arah teks). Ganti namanya dengan huruf dan "
                "angka biasa lalu unggah lagi."
            )
            % {"name": shown},
            shown,
            "name",
        )


def _too_big(name: str, size: int, limit_mb: int) -> AttachmentRefused:
    return AttachmentRefused(
        _("Berkas “%(name)s” terlalu besar (%(size).1f MB); batasnya %(limit)s MB.")
        % {"name": name, "size": size / 1024 / 1024, "limit": limit_mb},
        name,
        "size",
    )


def _read(upload, limit: int) -> bytes:
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    return data


FINDINGS = {
    "broken": gettext_lazy(
        "Berkas “%(name)s” rusak atau tidak dapat dibuka. Simpan ulang berkasnya lalu unggah lagi."
    ),
    "truncated": gettext_lazy(
        "Berkas “%(name)s” rusak atau tidak lengkap (terpotong). Unggah ulang berkas aslinya."
    ),
    "polyglot": gettext_lazy(
        "Berkas “%(name)s” berisi data lain selain gambar (misalnya arsip, program atau "
        "skrip) sehingga ditolak. Ambil foto ulang atau simpan ulang dari galeri lalu unggah lagi."
    ),
    "active_pdf": gettext_lazy(
        "PDF “%(name)s” berisi skrip, tindakan otomatis atau berkas sisipan sehingga "
        "ditolak. Cetak ulang dokumen sebagai PDF biasa (Cetak → Simpan sebagai PDF) lalu "
        "unggah lagi."
    ),
    "encrypted_pdf": gettext_lazy(
        "PDF “%(name)s” dilindungi kata sandi. Unggah PDF tanpa kata sandi."
    ),
    "too_complex": gettext_lazy(
        "Berkas “%(name)s” terlalu rumit untuk diperiksa. Simpan ulang sebagai PDF "
        "biasa lalu unggah lagi."
    ),
    "bomb": gettext_lazy(
        "Berkas “%(name)s” mengembang terlalu besar saat dibuka sehingga ditolak. Unggah "
        "dokumen yang lebih kecil atau simpan sebagai PDF."
    ),
    "macro": gettext_lazy(
        "Dokumen “%(name)s” berisi makro, kontrol ActiveX atau templat dari luar sehingga "
        "ditolak. Simpan sebagai dokumen tanpa makro (DOCX/XLSX) atau PDF lalu unggah lagi."
    ),
    "nested": gettext_lazy(
        "Dokumen “%(name)s” berisi arsip atau program di dalamnya sehingga ditolak. Simpan "
        "sebagai PDF lalu unggah lagi."
    ),
}


def _refused(finding: file_formats.Finding, name: str) -> AttachmentRefused:
    return AttachmentRefused(str(FINDINGS[finding.code]) % {"name": name}, name, finding.code)


def largest_bytes() -> int:
    """The size of the largest file any surface accepts (a video's limit, or a photo's if that is
    larger): what a door may refuse before reading a file, or bound a field by."""
    return max(settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB) * 1024 * 1024


def check_declared_size(name: str, size: int | None) -> None:
    """A file whose size is known before it is read (an upload's, a base64 text's) and is larger
    than any kind may be is refused at once, with the message of every surface."""
    if size is not None and size > largest_bytes():
        raise _too_big(name, size, largest_bytes() // (1024 * 1024))


def clean_upload(upload, *, keep_document_bytes: bool = False) -> Cleaned:
    """`keep_document_bytes`: staff uploads, whose PDFs keep their bytes (and signatures)."""
    name = shown_name(upload)
    check_name(str(getattr(upload, "name", "") or ""), name)
    mb, video_mb = settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB
    check_declared_size(name, getattr(upload, "size", None))
    data = _read(upload, largest_bytes())
    if not data:
        raise AttachmentRefused(_("Berkas “%(name)s” kosong.") % {"name": name}, name, "empty")
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else ""
    if mime in VIDEO_TYPES:
        limit = video_mb
    elif mime in IMAGE_TYPES or mime in DOCUMENT_TYPES:
        limit = mb
    else:
        raise AttachmentRefused(
            _(
                "Berkas “%(name)s” bukan jenis yang diterima. Unggah foto (JPG, PNG, WEBP), PDF, "
                "dokumen Office, atau video pendek (MP4)."
            )
            % {"name": name},
            name,
            "type",
        )
    if len(data) > limit * 1024 * 1024:
        raise _too_big(name, len(data), limit)
    stem = os.path.splitext(name)[0] or "lampiran"
    try:
        if mime in IMAGE_TYPES:
            return _reencode(data, stem, name)
        if mime == "application/pdf":
            data = file_formats.clean_pdf(data, strip_metadata=not keep_document_bytes)
        elif mime in DOCUMENT_TYPES:
            file_formats.check_office(data)
            # Also a staff upload: a document an officer attaches may be the reporter's own (a
            # walk-in's letter); only PDFs keep their bytes, for the signatures of official letters.
            data = office_metadata.clean_office(data)
        elif mime in ISO_VIDEO_TYPES:
            data = media_metadata.clean_iso_video(data)
        elif mime == "video/webm" or media_metadata.is_matroska(data):
            data = media_metadata.clean_matroska(data)
    except file_formats.Finding as finding:
        raise _refused(finding, name) from None
    extension = DOCUMENT_TYPES.get(mime) or VIDEO_TYPES[mime]
    return Cleaned(f"{stem}.{extension}", mime, data)


def _reencode(data: bytes, stem: str, name: str) -> Cleaned:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            file_formats.check_image_bytes(data, image.format or "")
            width, height = image.size
            if width * height > (MAX_JPEG_PIXELS if image.format == "JPEG" else MAX_OTHER_PIXELS):
                raise file_formats.Finding("bomb_image")
            if image.format == "JPEG":
                image.draft(
                    None, (MAX_IMAGE_SIDE, MAX_IMAGE_SIDE)
                )  # decode at 1/2, 1/4 or 1/8 scale
            image.load()
    except file_formats.Finding as finding:
        if finding.code == "bomb_image":
            raise AttachmentRefused(
                _(
                    "Gambar “%(name)s” terlalu besar resolusinya (%(w)s × %(h)s piksel). "
                    "Kecilkan gambarnya lalu unggah lagi."
                )
                % {"name": name, "w": width, "h": height},
                name,
                "bomb",
            ) from None
        raise _refused(finding, name) from None
    except (
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):  # Pillow's own alarm, past ours
        raise _refused(file_formats.Finding("bomb"), name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise AttachmentRefused(
            _("Berkas “%(name)s” rusak atau bukan gambar yang dapat dibuka.") % {"name": name},
            name,
            "broken",
        ) from None
    source_format = image.format
    capture = read_capture(image)  # before the EXIF goes: staff keep it for proof of a fix
    image = ImageOps.exif_transpose(image)  # keep what the camera meant, then drop the EXIF
    image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    out = io.BytesIO()
    # Screenshots (PNG) and transparent images stay PNG; photos become JPEG.
    if source_format == "PNG" or image.mode in ("RGBA", "LA") or "transparency" in image.info:
        # A fresh image: nothing of the original's info (text chunks, ICC, EXIF) comes along.
        clean = Image.new("RGBA", image.size)
        clean.paste(image.convert("RGBA"))
        clean.save(out, format="PNG", optimize=True)
        return Cleaned(f"{stem}.png", "image/png", out.getvalue(), capture)
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    clean.save(out, format="JPEG", quality=85, optimize=True)
    return Cleaned(f"{stem}.jpg", "image/jpeg", out.getvalue(), capture)


def clean_uploads(uploads, *, keep_document_bytes: bool = False) -> list[Cleaned]:
    uploads = [u for u in uploads if u]
    if len(uploads) > settings.ATTACHMENT_MAX_FILES:
        raise AttachmentRefused(
            _("Paling banyak %(n)s lampiran per laporan.") % {"n": settings.ATTACHMENT_MAX_FILES},
            code="count",
        )
    return [clean_upload(upload, keep_document_bytes=keep_document_bytes) for upload in uploads]


def open_stored(field_file):
    """A stored file (attachment, evaluation report), opened through the storage API so that local
    disk and object storage behave alike; a file missing from the storage is a 404 for the person
    who asked, not a server error. Called by every view that serves a stored file."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Berkas lampiran tidak tersedia.")) from None

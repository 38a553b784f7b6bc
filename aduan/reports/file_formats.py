"""What a file holds besides what its type promises (called by `attachments.clean_upload`).

Each inspector reads the structure of one family of formats and answers with a `Finding` (a short
code that `attachments` turns into a citizen's message) or with the cleaned bytes:
- images: where the picture ends, so that a ZIP, a page of HTML or a program glued after it (a
  polyglot) is found; the picture itself is re-encoded by `attachments`;
- PDF: actions that run something (JavaScript, launch, form submission), embedded files and XFA
  forms; and, for a reporter's file, a copy without the document information and XMP metadata;
- Office documents (OOXML, ODF): the ZIP inside them measured before it is inflated (bombs),
  macros, ActiveX and external templates (the way "Follina" fetched its payload);
(the identity a video or document carries is removed by `media_metadata` and `office_metadata`).
"""

import io
import re
import zipfile

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject


class Finding(Exception):
    """`code` is one of: broken, truncated, polyglot, active_pdf, encrypted_pdf, too_complex,
    bomb, bomb_image, macro, nested."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- images ---------------------------------------------------------------------------------

# Things that make a picture something else too: an archive (a JAR is a ZIP), a web page or script
# a browser would run, a program, a PDF.
_MARKUP = re.compile(
    rb"<\s*(script|html|svg|iframe|object|embed|body|\?php)\b|javascript:", re.IGNORECASE
)
_PAYLOAD_HEADS = (
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"MZ",
    b"\x7fELF",
    b"%PDF",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\xca\xfe\xba\xbe",
    b"<",
)


def check_image_bytes(data: bytes, image_format: str) -> None:
    """Refuse a picture that is also an archive, a page or a program.

    1. A ZIP anywhere (its directory is read from the end of the file, so one glued after or inside
       a picture opens as an archive).
    2. HTML or script markup anywhere (in a comment block or after the picture).
    3. Bytes after the end of the picture: refused for PNG, GIF and WebP; for JPEG only when they
       start like a payload, because phones append their own data there (Samsung's trailer, the
       video of a "motion photo"), which the re-encoding drops anyway.
    """
    if _is_zip(data) or _MARKUP.search(data):
        raise Finding("polyglot")
    end = {"JPEG": _jpeg_end, "PNG": _png_end, "GIF": _gif_end, "WEBP": _webp_end}.get(
        image_format, len
    )(data)
    if end is None:
        raise Finding("truncated")
    trailer = data[end:].rstrip(b"\x00")
    if not trailer:
        return
    if image_format != "JPEG" or trailer.lstrip(b"\r\n\t ").startswith(_PAYLOAD_HEADS):
        raise Finding("polyglot")


def _is_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def _jpeg_end(data: bytes) -> int | None:
    """Offset just after the EOI marker, following segments and the entropy-coded scans."""
    i, n = 2, len(data)
    while i + 2 <= n:
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker == 0xD9:
            return i + 2
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            i += 2
            continue
        if i + 4 > n:
            return None
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
        if marker != 0xDA:
            continue
        while True:  # scan data: 0xFF is followed by 0x00 (stuffing), RSTn or the next marker
            j = data.find(b"\xff", i)
            if j < 0 or j + 1 >= n:
                return None
            following = data[j + 1]
            if following == 0x00 or 0xD0 <= following <= 0xD7:
                i = j + 2
            elif following == 0xFF:
                i = j + 1
            else:
                i = j
                break
    return None


def _png_end(data: bytes) -> int | None:
    i = 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        if data[i + 4 : i + 8] == b"IEND":
            return i + 12
        i += 12 + length
    return None


def _gif_end(data: bytes) -> int | None:
    if len(data) < 13:
        return None
    i = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    while i < len(data):
        block = data[i]
        if block == 0x3B:
            return i + 1
        if block == 0x21:  # extension: label, then sub-blocks
            i += 2
        elif block == 0x2C:  # image: descriptor, local colour table, LZW code size, sub-blocks
            if i + 10 > len(data):
                return None
            flags = data[i + 9]
            i += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0) + 1
        else:
            return None
        while i < len(data) and data[i] != 0:
            i += data[i] + 1
        i += 1
    return None


def _webp_end(data: bytes) -> int | None:
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size + (size & 1)
    return end if end <= len(data) + (size & 1) else None


# --- PDF --------------------------------------------------------------------------------------

_ACTIVE_KEYS = {
    "/JS",
    "/JavaScript",
    "/EmbeddedFiles",
    "/EmbeddedFile",
    "/XFA",
    "/RichMediaContent",
}
_ACTIVE_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToE",
    "/RichMediaExecute",
}
_ACTIVE_SUBTYPES = {"/FileAttachment", "/RichMedia"}
PDF_MAX_OBJECTS = 200_000


def _walk(root, visit) -> None:
    """Every dictionary reachable from `root`, each indirect object once (cycles are common)."""
    seen, stack, count = set(), [root], 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            key = (node.idnum, node.generation)
            if key in seen:
                continue
            seen.add(key)
            node = node.get_object()
        count += 1
        if count > PDF_MAX_OBJECTS:
            raise Finding("too_complex")
        if isinstance(node, DictionaryObject):
            visit(node)
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)


def _refuse_active(node: DictionaryObject) -> None:
    if (
        _ACTIVE_KEYS & set(node.keys())
        or node.get("/S") in _ACTIVE_ACTIONS
        or node.get("/Subtype") in _ACTIVE_SUBTYPES
        or node.get("/Type") == "/EmbeddedFile"
    ):
        raise Finding("active_pdf")


def _drop_metadata(node: DictionaryObject) -> None:
    """XMP and application data everywhere; the author of every comment and mark-up (an
    annotation's /T, but a form field's /T is its name and stays); EXIF of every JPEG image."""
    for key in ("/Metadata", "/PieceInfo"):
        node.pop(key, None)
    if node.get("/Subtype") not in (None, "/Widget") and (
        node.get("/Type") == "/Annot" or "/Rect" in node
    ):
        node.pop("/T", None)
    if node.get("/Subtype") == "/Image" and node.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
        from .media_metadata import strip_jpeg

        node._data = strip_jpeg(node._data)  # type: ignore[attr-defined]  # a pypdf stream


def clean_pdf(data: bytes, *, strip_metadata: bool) -> bytes:
    """Refuse a PDF that can run or carry something; return it without metadata if asked, else
    unchanged (an agency's signed letter keeps its signature valid)."""
    if b"%%EOF" not in data[-2048:]:
        raise Finding("truncated")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Finding("encrypted_pdf")
        _walk(reader.trailer, _refuse_active)
        if not strip_metadata:
            return data
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None  # the document information: Author, Creator, Producer, dates
        _walk(writer._root_object, _drop_metadata)  # XMP of the document, its pages and images
        # The clone copies every object of the file, reachable or not (old revisions, the XMP
        # just unlinked): only what the document still uses is written.
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Finding:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        NotImplementedError,
        AssertionError,
        ZeroDivisionError,
    ):
        raise Finding("broken") from None


# --- Office documents (ZIP) -----------------------------------------------------------------

OFFICE_MAX_ENTRIES = 2000
OFFICE_MAX_INFLATED = 100 * 1024 * 1024
OFFICE_MAX_RATIO = 200  # XML deflates 5–50×; a bomb reaches ~1000×
_MACRO_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaData\.xml|activeX/)|^Basic/|^Scripts/", re.IGNORECASE
)
_ARCHIVE_NAMES = re.compile(
    r"\.(zip|jar|rar|7z|gz|tar|cab|exe|dll|msi|scr|bat|cmd|ps1|vbs|js|hta|jse|wsf|lnk)$",
    re.IGNORECASE,
)
_EXTERNAL_LINK = re.compile(
    rb'Type="[^"]*/(attachedTemplate|oleObject|frame|subDocument)"[^>]*TargetMode="External"'
    rb'|TargetMode="External"[^>]*Type="[^"]*/(attachedTemplate|oleObject|frame|subDocument)"'
)
_OFFICE_INNER = (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp")


def check_office(data: bytes, depth: int = 0, budget: list | None = None) -> None:
    """An OOXML/ODF document: a ZIP measured from its directory before anything is inflated.

    1. At most OFFICE_MAX_ENTRIES parts, OFFICE_MAX_INFLATED bytes in all (declared sizes), no part
       inflating more than OFFICE_MAX_RATIO times; then the parts read are counted as inflated, so a
       directory that lies about sizes is caught too.
    2. No macros, ActiveX, executables or archives inside; no template or object fetched from
       outside.
    3. An Office file inside (a chart's workbook in a DOCX) is checked the same way, one level deep.
    """
    budget = budget if budget is not None else [OFFICE_MAX_INFLATED]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
        if len(entries) > OFFICE_MAX_ENTRIES or sum(e.file_size for e in entries) > budget[0]:
            raise Finding("bomb")
        for entry in entries:
            if entry.file_size > 1024 * 1024 and entry.file_size > OFFICE_MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise Finding("bomb")
            if _MACRO_PARTS.search(entry.filename):
                raise Finding("macro")
            if _ARCHIVE_NAMES.search(entry.filename):
                raise Finding("nested")
            inner = entry.filename.lower().endswith(_OFFICE_INNER)
            if not (inner or entry.filename.endswith(".rels")):
                continue
            with archive.open(entry) as part:
                content = part.read(budget[0] + 1)
            budget[0] -= len(content)
            if budget[0] < 0:
                raise Finding("bomb")
            if inner:
                if depth >= 1:
                    raise Finding("nested")
                check_office(content, depth + 1, budget)
            elif _EXTERNAL_LINK.search(content):
                raise Finding("macro")
    except Finding:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        ValueError,
        EOFError,
        NotImplementedError,
    ):
        raise Finding("broken") from None

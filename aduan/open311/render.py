"""GeoReport v2 documents in JSON and XML, and its error document.

The XML follows the specification's examples: a list under its plural root (`services` ›
`service`), list-valued fields as a wrapper with singular children (`attributes` › `attribute`,
`values` › `value`, `notes` › `note`), booleans as `true`/`false`, empty values as empty elements.
"""

import datetime as dt
import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone

CHILD_TAGS = {
    "attributes": "attribute",
    "values": "value",
    "notes": "note",
    "endpoints": "endpoint",
    "formats": "format",
    "services": "service",
    "service_requests": "request",
    "errors": "error",
}


def w3c(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).translate(_NOT_XML)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        child = CHILD_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, child), item)
    else:
        element.text = _text(value)


def to_xml(root: str, data) -> bytes:
    element = ET.Element(root)
    _fill(element, data)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}


def body(fmt: str, root: str, data) -> bytes:
    return to_xml(root, data) if fmt == "xml" else json.dumps(data, ensure_ascii=False).encode()


def respond(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    return HttpResponse(body(fmt, root, data), status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return respond(
        fmt, "errors", [{"code": status, "description": str(description)}], status=status
    )

"""Every string marked for translation in the code and the templates has an English entry.

The strings are extracted from the real sources the way `makemessages` does, without GNU gettext:
Python files through Babel's extractor with Django's translation functions as keywords, templates
through Django's own `templatize` (what `makemessages` feeds to xgettext) and then the same
extractor. A string added without its English entry fails here, not in front of an English reader.
"""

import ast
import io
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation.template import templatize

from tests.conftest import file_report

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "aduan"
CATALOG = SOURCES / "locale" / "en" / "LC_MESSAGES" / "django.po"

# The keywords `makemessages` gives xgettext; Babel's defaults already hold _, gettext, ngettext,
# pgettext and npgettext.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext_lazy": (1, 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
TRANSLATION_FUNCTIONS = {
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}


def _python_messages(source: bytes) -> dict:
    """{(context, msgid): line} of one Python source; a plural msgid is a (singular, plural)
    tuple."""
    found = {}
    for lineno, message, _comments, context in extract(
        "python", io.BytesIO(source), keywords=KEYWORDS
    ):
        found.setdefault((context, message), lineno)
    return found


def _template_messages(text: str, origin: str = "") -> dict:
    """{(context, msgid): line} of one template. `templatize` writes the translate and
    blocktranslate tags as gettext calls (variables as %(name)s, % as %%) amid blanked-out text;
    each line is dedented so that Python's tokenizer reads it."""
    code = templatize(text, origin=origin)
    return _python_messages("\n".join(line.lstrip() for line in code.split("\n")).encode())


def _source_files():
    for path in sorted(SOURCES.rglob("*")):
        if path.suffix in (".py", ".html", ".txt") and path.is_file():
            yield path


def extracted_messages() -> dict:
    """{(context, msgid): "path:line"} of every translatable string under aduan/."""
    found = {}
    for path in _source_files():
        if path.suffix == ".py":
            messages = _python_messages(path.read_bytes())
        else:
            messages = _template_messages(path.read_text(encoding="utf-8"), origin=str(path))
        for key, lineno in messages.items():
            found.setdefault(key, f"{path.relative_to(ROOT)}:{lineno}")
    return found


def _catalog():
    with CATALOG.open("rb") as f:
        return read_po(f)


def _translated(message) -> bool:
    if message.fuzzy:
        return False
    return bool(message.string) if isinstance(message.string, str) else all(message.string)


def test_the_extractor_reads_every_form_of_translation_tag():
    """The check below is only as good as its extractor: every form the project may use is found,
    with the msgid Django looks up at run time."""
    template = """{% load i18n %}
    <p>{% translate "Satu" %} {% trans 'Dua' %} {% translate "Bulan" context "kalender" %}</p>
    {% translate "Judul halaman" as title %}{{ value|default:_("Kosong") }}
    {% blocktranslate with name=user.name %}Halo {{ name }}, 100%{% endblocktranslate %}
    {% blocktranslate count n=items|length %}{{ n }} berkas{% plural %}\
{{ n }} berkas-berkas{% endblocktranslate %}
    {% blocktranslate context "tombol" trimmed %}
      Kirim
      sekarang
    {% endblocktranslate %}
    """
    python = b"""
from django.utils.translation import (
    gettext as _, gettext_lazy, ngettext, pgettext_lazy, npgettext_lazy
)
A = _("Satu %(n)s") % {"n": 1}
B = gettext_lazy("Dua")
C = ngettext("%(n)s hari", "%(n)s hari-hari", 2)
D = pgettext_lazy("arah", "Kiri")
E = npgettext_lazy("waktu", "%(n)s jam", "%(n)s jam-jam", 3)
"""
    assert set(_template_messages(template)) == {
        (None, "Satu"),
        (None, "Dua"),
        ("kalender", "Bulan"),
        (None, "Judul halaman"),
        (None, "Kosong"),
        (None, "Halo %(name)s, 100%%"),
        (None, ("%(n)s berkas", "%(n)s berkas-berkas")),
        ("tombol", "Kirim sekarang"),
    }
    assert set(_python_messages(python)) == {
        (None, "Satu %(n)s"),
        (None, "Dua"),
        (None, ("%(n)s hari", "%(n)s hari-hari")),
        ("arah", "Kiri"),
        ("waktu", ("%(n)s jam", "%(n)s jam-jam")),
    }


def test_the_extractor_finds_the_strings_of_every_kind_of_source():
    """Python modules, HTML templates and plural blocktranslate tags of the real sources are all
    read (an extractor that silently found nothing would make the next test pass)."""
    where = extracted_messages()
    assert len(where) > 500
    files = {location.rsplit(":", 1)[0] for location in where.values()}
    assert any(f.endswith(".py") for f in files) and any(f.endswith(".html") for f in files)
    assert any(isinstance(msgid, tuple) for _context, msgid in where)
    for app in (
        "accounts",
        "api",
        "backoffice",
        "open311",
        "reports",
        "sms",
        "stats",
        "triage",
        "web",
    ):
        assert any(f.startswith(f"aduan/{app}/") for f in files), app


def test_every_translatable_string_has_an_english_entry():
    translated = {(m.context, m.id) for m in _catalog() if m.id and _translated(m)}
    missing = sorted(
        f"{location}: {msgid!r}"
        for (context, msgid), location in extracted_messages().items()
        if (context, msgid) not in translated
    )
    assert missing == [], "no English entry (or an empty one) in django.po:\n" + "\n".join(missing)


def test_the_english_entries_keep_the_placeholders():
    """Babel's checks, as `pybabel compile` runs them: the same %(name)s placeholders on both sides
    and both plural forms."""
    problems = [f"{m.id!r}: {errors}" for m, errors in _catalog().check()]
    assert problems == []


def test_translation_functions_are_imported_under_names_the_extractor_knows():
    """`gettext_lazy as _l` hides its strings from makemessages and from the check above."""
    unknown = []
    for path in SOURCES.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
                unknown += [
                    f"{path.relative_to(ROOT)}: {a.name} as {a.asname}"
                    for a in node.names
                    if a.name in TRANSLATION_FUNCTIONS and (a.asname or a.name) not in KEYWORDS
                ]
    assert unknown == []


@pytest.fixture
def english_client(client):
    """A client that chose English. The locale middleware leaves the language it activated in this
    thread; it is reset afterwards, or the lazy strings of the tests that follow would be
    English."""
    client.cookies["django_language"] = "en"
    yield client
    translation.deactivate()


@pytest.mark.django_db
def test_the_back_office_speaks_english_when_chosen(english_client, cast):
    """The catalogue's entries are the ones Django looks up: staff pages drawn from Python,
    translate and blocktranslate tags come out in English."""
    client = english_client
    report = file_report(cast)
    client.force_login(cast.dispatcher)
    queue = client.get("/kantor/antrean/").content.decode()
    assert (
        "Verification queue" in queue
        and "Back office" in queue
        and "Record a complaint received directly" in queue
    )
    assert "<p>1 report</p>" in queue and 'zone-green">on track<' in queue
    assert "Antrean verifikasi" not in queue and "Saring" not in queue
    workspace = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert (
        "Triage suggestions" in workspace
        and "Possible duplicates" in workspace
        and "<dt>Privacy</dt>" in workspace
    )
    assert "Saran triase" not in workspace and "Kemungkinan duplikat" not in workspace

    client.force_login(cast.supervisor)
    dashboard = client.get("/kantor/statistik/").content.decode()
    assert (
        "Supervision dashboard" in dashboard
        and "Monthly trend" in dashboard
        and "By agency" in dashboard
    )
    assert "Dasbor pengawasan" not in dashboard and "Tren bulanan" not in dashboard

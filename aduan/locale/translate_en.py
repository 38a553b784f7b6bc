"""Fill aduan/locale/en/LC_MESSAGES/django.po from a dictionary of translations (a maintainer's
tool; `make messages` only compiles). Usage: python aduan/locale/translate_en.py translations.py
where the file defines EN = {msgid: msgstr, (singular, plural): (singular, plural)}. Untranslated
msgids are listed so that none is forgotten."""

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"


def main(path: str) -> int:
    translations = runpy.run_path(path)["EN"]
    with PO.open("rb") as f:
        catalog = read_po(f, locale="en")
    catalog.fuzzy = False  # the header: Babel compiles nothing of a catalog marked fuzzy
    catalog.project, catalog.language_team = "Aduan", "Aduan"
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else tuple(message.id)
        if key in translations:
            message.string = translations[key]
            message.flags.discard("fuzzy")
        elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            missing.append(key)
    with PO.open("wb") as f:
        write_po(f, catalog, width=100)
    for key in missing:
        print("untranslated:", key)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

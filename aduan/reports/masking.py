"""Contact and identity numbers out of public text (issue 15): a reporter writes "hubungi saya di
0813-3910-0011" or "pungli ke rekening BRI 1234-01-012345-50-6" in the description, and the public
feed, page, API and Open311 must not repeat it. `visibility.shown_text` applies `mask` to
everything the public reads of a report; staff and the reporter see the original.

What is masked:
1. e-mail addresses;
2. any number of 8 digits or more, written with or without single spaces, dots or dashes between
   its groups and an optional leading "+": phone numbers in every Indonesian spelling (0813...,
   +62 813..., 62813..., (0371) 21234 is 9 digits too), NIK (16 digits), KK, bank accounts and
   card numbers;
3. not dates (12-03-2026, 2026-03-12) nor rupiah amounts ("Rp 15.000.000"), which the public
   needs to understand a complaint and which name no one.
"""

import re

from django.utils.translation import gettext as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# A run of digits with at most one separator between two digits; (0371) style area codes too.
NUMBER = re.compile(r"(?<![\w+])(?:\+|\(0\d{2,3}\)\s?)?\d(?:[ .\-]?\d)+(?!\w)")
DATE = re.compile(r"\d{1,2}[-/. ]\d{1,2}[-/. ]\d{2,4}|\d{4}[-/. ]\d{1,2}[-/. ]\d{1,2}")
MONEY_BEFORE = re.compile(r"(?:rp\.?|idr)\s*$", re.IGNORECASE)
MIN_DIGITS = 8


def mask(text: str) -> str:
    """`text` with e-mail addresses and long numbers replaced by a plain placeholder."""
    if not text:
        return text
    text = EMAIL.sub(_("[e-mail disamarkan]"), text)

    def number(match: re.Match) -> str:
        found = match.group(0)
        digits = sum(c.isdigit() for c in found)
        if digits < MIN_DIGITS or DATE.fullmatch(found):
            return found
        if MONEY_BEFORE.search(text[max(0, match.start() - 5) : match.start()]):
            return found
        return _("[nomor disamarkan]")

    return NUMBER.sub(number, text)

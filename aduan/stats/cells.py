"""One cell of an export, made safe for the program that opens it (issue 11 §6). Every CSV and XLSX
Aduan writes (staff report lists, the evaluation report) passes each value through here.

1. Control characters are dropped: XML 1.0, and so XLSX, cannot hold NUL or most of C0 (openpyxl
   raises on them, which once made every staff XLSX export answer 500 because of one title).
   Tab, line feed and carriage return stay: they are legal and a description may hold them.
2. A cell that a spreadsheet would read as a formula (it starts, after any spaces, with = + - @,
   a tab or a carriage return) gets a leading apostrophe (OWASP "CSV injection").
3. In CSV every field is quoted and, for spreadsheet programs set to split on `;` (the default of
   Indonesian and most European locales, which ignore the quotes of a `,` file), a formula start
   right after a `;` is neutralised too, since that is where such a program starts a new cell.
"""

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 cannot hold: C0 controls but tab, LF, CR; lone surrogates; U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_AFTER_SEMICOLON = re.compile(r";([ ]*)(?=[=+\-@\t\r])")


def _clean(value):
    if isinstance(value, str):
        return _ILLEGAL.sub("", value)
    return value


def _neutralise_start(value: str) -> str:
    return "'" + value if value.lstrip(" ").startswith(FORMULA_STARTS) else value


def for_xlsx(value):
    """A value for openpyxl: numbers and dates as they are, text cleaned and never a formula."""
    value = _clean(value)
    return _neutralise_start(value) if isinstance(value, str) else value


def for_csv(value):
    """A value for `csv.writer` (with `QUOTE_ALL`, see `csv_writer`)."""
    value = _clean(value)
    if not isinstance(value, str):
        return value
    return _AFTER_SEMICOLON.sub(r";\1'", _neutralise_start(value))


def csv_writer(stream):
    import csv

    return csv.writer(stream, quoting=csv.QUOTE_ALL)

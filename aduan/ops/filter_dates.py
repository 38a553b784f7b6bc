"""The one reader of dates in filters (issue 11 §6): the staff report list and its exports, the
supervisors' dashboard, the evaluation report, the audit page and Open311's `requests`.

A date out of range (`0001-01-01`, `9999-12-31`) used to pass the parser and then overflow in the
arithmetic after it (a day added to the end of a period, 90 days to an Open311 start), answering
500. Here it is refused with a message: `DateOutOfRange` is a `BadRequest`, which Django answers
400 through `aduan.web.errors.bad_request_page` (its message shown), and a `ValueError`, which
Open311 already answers 400 in its own format. A value that is no date at all stays what each
filter made of it before (the staff lists ignore it; Open311 refuses it).
"""

import datetime as dt

from django.core.exceptions import BadRequest
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST = dt.date(1900, 1, 1)
LAST = dt.date(2099, 12, 31)


class DateOutOfRange(BadRequest, ValueError):
    def __init__(self, name: str):
        self.message = _(
            "Tanggal pada filter %(name)s di luar rentang yang dapat dipakai (%(first)s s.d. "
            "%(last)s). Perbaiki tanggalnya lalu coba lagi."
        ) % {"name": name, "first": FIRST.isoformat(), "last": LAST.isoformat()}
        super().__init__(self.message)


def in_range(day: dt.date, name: str) -> dt.date:
    if not FIRST <= day <= LAST:
        raise DateOutOfRange(name)
    return day


def filter_date(value: str | None, name: str) -> dt.date | None:
    """`YYYY-MM-DD` of a staff filter: None when empty or unreadable, refused when out of range."""
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
    return in_range(day, name)


def filter_month(value: str | None, name: str) -> dt.date | None:
    """`YYYY-MM`: its first day; None when empty or unreadable, refused when out of range."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        day = dt.date(year, month, 1)
    except ValueError:
        return None
    return in_range(day, name)


def filter_moment(value: str, name: str) -> dt.datetime:
    """A W3C date-time (Open311): aware; ValueError when unreadable, refused when out of range."""
    moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    in_range(moment.date(), name)
    return moment

"""Cursor (keyset) pagination: stable while rows are added, and cheap on any page.

A cursor is the sort key of the last row the client received, base64-encoded; the next page is
the rows strictly after it. Lists are ordered by `(updated_at, id)`: newest first by default,
oldest first when the client syncs with `updated_since` (so that it can walk forward and keep the
last cursor as its bookmark).
"""

import base64
import datetime as dt
import json

from django.db.models import Q
from django.utils.translation import gettext as _

from .errors import ApiError

DEFAULT_LIMIT, MAX_LIMIT = 25, 100


def encode(moment: dt.datetime | None, pk: int) -> str:
    raw = json.dumps([moment.isoformat() if moment else None, pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[dt.datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = json.loads(raw)
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk < 2**63:
            raise ValueError
        moment = dt.datetime.fromisoformat(moment) if moment is not None else None
        if moment is not None and moment.tzinfo is None:
            raise ValueError
        return moment, pk
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(
            400, _("Kursor halaman tidak valid."), fields={"cursor": [_("Nilai tidak valid.")]}
        ) from None


def page(
    queryset,
    *,
    cursor: str | None,
    limit: int | None,
    field: str = "updated_at",
    ascending: bool = False,
):
    """The rows of one page and the cursor of the next (None on the last page)."""
    limit = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
    if ascending:
        queryset = queryset.order_by(field, "id")
    else:
        queryset = queryset.order_by(f"-{field}", "-id")
    if cursor:
        moment, pk = decode(cursor)
        if moment is None:
            queryset = queryset.filter(id__gt=pk) if ascending else queryset.filter(id__lt=pk)
        elif ascending:
            queryset = queryset.filter(
                Q(**{f"{field}__gt": moment}) | Q(**{field: moment, "id__gt": pk})
            )
        else:
            queryset = queryset.filter(
                Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "id__lt": pk})
            )
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode(getattr(last, field), last.pk)
    return rows, next_cursor

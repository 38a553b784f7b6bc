"""Cursor (keyset) pagination: stable while rows are added, and cheap on any page.

A cursor is the sort key of the last row the client received, base64-encoded; the next page is
the rows strictly after it. Lists are ordered by `(updated_at, id)`: newest first by default,
oldest first when the client syncs with `updated_since` (so that it can walk forward and keep the
last cursor as its bookmark).
"""

import base64
import datetime as dt
import json

from django.db.models import F, Q
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


def work_order_page(queryset, *, cursor: str | None, limit: int | None):
    """The staff queue and inbox in the back office's order (most urgent first, then the nearest
    deadline; no deadline last): a page and the cursor of the next, which is the last row's
    (priority, due_at, submitted_at, id)."""
    limit = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
    queryset = queryset.order_by("priority", F("due_at").asc(nulls_last=True), "submitted_at", "id")
    if cursor:
        priority, due, submitted, pk = _decode_work(cursor)
        same_due = Q(submitted_at__gt=submitted) | Q(submitted_at=submitted, id__gt=pk)
        if due is None:
            later = Q(due_at__isnull=True) & same_due
        else:
            later = Q(due_at__gt=due) | Q(due_at__isnull=True) | (Q(due_at=due) & same_due)
        queryset = queryset.filter(Q(priority__gt=priority) | (Q(priority=priority) & later))
    rows = list(queryset[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        raw = json.dumps(
            [
                last.priority,
                last.due_at.isoformat() if last.due_at else None,
                last.submitted_at.isoformat(),
                last.pk,
            ],
            separators=(",", ":"),
        )
        next_cursor = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    return rows, next_cursor


def _decode_work(cursor: str):
    def moment(value):
        if value is None:
            return None
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed

    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        priority, due, submitted, pk = json.loads(raw)
        for number in (priority, pk):
            if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < 2**63:
                raise ValueError
        submitted = moment(submitted)
        if submitted is None:
            raise ValueError
        return priority, moment(due), submitted, pk
    except (ValueError, TypeError, UnicodeDecodeError, json.JSONDecodeError):
        raise ApiError(
            400, _("Kursor halaman tidak valid."), fields={"cursor": [_("Nilai tidak valid.")]}
        ) from None

"""Rendered lists of the busiest read pages, kept in the shared cache until the data under them
changes.

A list page's cost is its list: the queries and 25–1,000 rows through Django's templates or the
Open311 serialiser (20–100 ms of a 2-core machine's time), while the same list is read many times
between two changes. `cached(name, parts, render)` keeps the rendered text under a key made of the
list's name, the *generation* of the data, the active language and whatever selects the list
(query string, the viewer's scope); the page around it (session, CSRF tokens, the viewer's menu) is
rendered for each request as before.

The generation is one counter in the cache, moved on after every commit that changes a report or
what a list shows of it (signals in `aduan.reports.apps`; the few bulk updates call `changed()`),
so a reader never gets a list older than the last committed change, from any process, as long as
the cache is shared (Redis in production). Whatever could escape the counter — the clock moving a
deadline into the red zone, a write by hand in the database, a per-process cache without Redis — is
bounded by FRAGMENT_CACHE_SECONDS. The generation is read before the data, so a list rendered
while a change commits is stored under the older generation and never served after it.

If the cache fails, the list is rendered as if there were none (logged): a page never fails for it.

With a read replica (`aduan.core.db_router`) a list may be rendered from data a few milliseconds
older than the generation says; stored, it would be served until the next change or for
FRAGMENT_CACHE_SECONDS, long after the replica has caught up. So each advance also records the
primary's WAL position after it (`POSITION_KEY`: generation and position), and a list rendered
from the replica is stored only once the replica has replayed up to the position of its
generation. Until then the reader gets the replica's list (as stale as the replica, no more) and
nothing is stored; when the position of the generation is not known (a fresh counter, a race of
two writers), the list is rendered from the primary and stored.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language

from aduan.core import db_router

log = logging.getLogger(__name__)
GENERATION_KEY = "fragments:generation"
POSITION_KEY = "fragments:position"
Text = TypeVar("Text", str, bytes)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        # A fresh or evicted counter restarts from the clock, past any generation still stored.
        cache.add(GENERATION_KEY, time.time_ns() // 1000, timeout=None)
        value = cache.get(GENERATION_KEY)
    return int(value)


def _advance() -> None:
    try:
        advanced = cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: the first reader starts it past every stored list
        return
    except Exception:
        log.warning("fragments: the data generation could not be advanced", exc_info=True)
        return
    if db_router.configured():
        # Taken after the increment, so it lies after every change of this generation and of the
        # ones before (each committed before its increment).
        try:
            cache.set(POSITION_KEY, (advanced, db_router.primary_position()), timeout=None)
        except Exception:
            log.warning("fragments: the primary's position could not be recorded", exc_info=True)


def changed() -> None:
    """The data lists show has changed: once the current transaction commits, every cached list
    is out of date (at once, if no transaction is open)."""
    transaction.on_commit(_advance)


def enabled() -> bool:
    return settings.FRAGMENT_CACHE_SECONDS > 0


def cached(name: str, parts: tuple, render: Callable[[], Text]) -> Text:
    if not enabled():
        return render()
    try:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        current = generation()
        key = f"fragments:{name}:{current}:{get_language()}:{digest}"
        hit = cache.get(key)
    except Exception:
        log.warning("fragments: cache unavailable, rendering %s uncached", name, exc_info=True)
        return render()
    if hit is not None:
        return hit
    text, fresh = _render(current, render)
    if not fresh:
        return text
    try:
        cache.set(key, text, settings.FRAGMENT_CACHE_SECONDS)
    except Exception:
        log.warning("fragments: could not store %s", name, exc_info=True)
    return text


def _render(current: int, render: Callable[[], Text]) -> tuple[Text, bool]:
    """The list, and whether it may be stored under generation `current` (module docstring)."""
    if not db_router.reading_replica():
        return render(), True
    try:
        known = cache.get(POSITION_KEY)
    except Exception:
        return render(), False
    if known is None or known[0] < current:
        with db_router.primary_reads():
            return render(), True
    if not db_router.replica_has_replayed(known[1]):
        return render(), False  # the replica has not caught up with this generation yet
    return render(), True

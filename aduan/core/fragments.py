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

log = logging.getLogger(__name__)
GENERATION_KEY = "fragments:generation"
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
        cache.incr(GENERATION_KEY)
    except ValueError:  # no counter yet: the first reader starts it past every stored list
        pass
    except Exception:
        log.warning("fragments: the data generation could not be advanced", exc_info=True)


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
        key = f"fragments:{name}:{generation()}:{get_language()}:{digest}"
        hit = cache.get(key)
    except Exception:
        log.warning("fragments: cache unavailable, rendering %s uncached", name, exc_info=True)
        return render()
    if hit is not None:
        return hit
    text = render()
    try:
        cache.set(key, text, settings.FRAGMENT_CACHE_SECONDS)
    except Exception:
        log.warning("fragments: could not store %s", name, exc_info=True)
    return text

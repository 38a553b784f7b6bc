"""Cache-aside for figures that are costly to compute (the dashboards' aggregates), which
survives the cache being away: while Redis restarts, the figures are computed for each request
and not kept (logged) instead of the page failing."""

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

log = logging.getLogger(__name__)


def remembered(key: str, seconds: int, compute: Callable[[], Any]) -> Any:
    """`compute()`, kept under `key` for `seconds` (0: computed every time, nothing kept)."""
    if seconds <= 0:
        return compute()
    try:
        value = cache.get(key)
    except Exception:
        log.warning("cache unavailable; computing %s", key, exc_info=True)
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            log.warning("cache unavailable; %s not kept", key, exc_info=True)
    return value

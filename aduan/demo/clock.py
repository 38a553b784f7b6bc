"""The clock the demo's history is replayed on (`seeding`): inside `clock_at(moment)`,
`django.utils.timezone.now()` returns that moment, so that each real action records the times it
would have recorded then (the timeline, deadlines, zones, `auto_now` fields).

The standard library only, because the demo runs wherever the app runs (`make install`), and
time-machine is a test tool (requirements-dev.txt). It stops `timezone.now()` and what derives
from it (`timezone.localtime()`, `timezone.localdate()`, `auto_now`, `auto_now_add`), which is the
clock every action reads. It does not stop `time.time()`, `datetime.now()`, `date.today()`, nor a
model field's `default=timezone.now` (bound to the real function when the model is imported; the
actions the demo takes pass such times themselves, as `do_forward` does for `created_at`).
tests/test_demo.py checks that no row of the history carries the time it was seeded at.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """`timezone.now()` is `moment` (aware, in UTC as Django returns it) until the block ends.
    Process-wide: for `seed_demo`, which runs alone, never for a server that answers requests."""
    frozen = moment.astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", lambda: frozen):
        yield

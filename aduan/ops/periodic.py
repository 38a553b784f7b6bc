"""Periodic tasks enqueued once per tick however many huey consumers run the scheduler.

Every consumer (`manage.py run_huey`) has its own scheduler, which once a minute enqueues the
periodic tasks whose crontab matches that minute. With two consumers on two machines, each sweep
would be enqueued, and run, twice a tick. Running the scheduler on one machine only (`run_huey -n`
on the others) would stop every sweep when that machine dies, so both keep it, and the first
scheduler to reach a tick claims it in Redis for each task (`SET NX` on the task's name and the
minute); the other's enqueue of the same task for the same minute is skipped.

The claim saves work; it is not what keeps a sweep's effect single. A claim lost with a Redis
restart between the two schedulers, a task retried, or a person running the command by hand may
still run a sweep twice, so every periodic task acts through row locks or compare-and-swap
(STYLE §6) and a second run finds nothing left to do (`tests/test_scaleout.py`).
"""

import datetime as dt
import logging

from huey import PriorityRedisHuey

log = logging.getLogger(__name__)

# Long enough to outlive every scheduler's check of the same minute; the keys then expire.
CLAIM_SECONDS = 3600


class OncePerTickRedisHuey(PriorityRedisHuey):
    def read_periodic(self, timestamp: dt.datetime | None) -> list:
        """The due periodic tasks this scheduler claimed first for the minute of `timestamp`
        (huey's clock: UTC, the same on every consumer). Without Redis nothing can be enqueued
        anyway: the tick is skipped, logged (an exception here would stop huey's scheduler
        thread for good), and the next minute's tick runs as usual."""
        if timestamp is None:
            timestamp = self._get_timestamp()
        minute = timestamp.strftime("%Y%m%d%H%M")
        claimed = []
        for task in super().read_periodic(timestamp):
            key = f"huey.periodic-claim.{self.name}.{task.name}.{minute}"
            try:
                first = self.storage.conn.set(key, "1", nx=True, ex=CLAIM_SECONDS)
            except Exception:
                log.exception("periodic task %s for %s not enqueued: Redis", task.name, minute)
                continue
            if first:
                claimed.append(task)
            else:
                log.info("periodic task %s for %s enqueued by another consumer", task.name, minute)
        return claimed

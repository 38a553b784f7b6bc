from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from aduan.ops import metrics

from . import outbox


@db_task(retries=0)
def deliver_notifications(ids: list[int]) -> int:
    with metrics.timed("outbox_immediate"):
        return sum(outbox.deliver(pk) for pk in ids)


@db_periodic_task(crontab(minute="*"))
def deliver_due_notifications() -> int:
    """Retries with backoff, and anything whose immediate delivery was missed."""
    with metrics.timed("outbox_due"):
        return sum(outbox.deliver(pk) for pk in outbox.due_ids())

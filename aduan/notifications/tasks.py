from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox


@db_task(retries=0)
def deliver_notifications(ids: list[int]) -> int:
    return sum(outbox.deliver(pk) for pk in ids)


@db_periodic_task(crontab(minute="*"))
def deliver_due_notifications() -> int:
    """Retries with backoff, and anything whose immediate delivery was missed."""
    return sum(outbox.deliver(pk) for pk in outbox.due_ids())

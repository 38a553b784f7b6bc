from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import engine


@db_periodic_task(crontab(minute="*/15"))
@lock_task("aduan-messaging-expire-drafts")
def expire_drafts() -> dict[str, int]:
    """Unfinished chat exchanges (and their files) past their time are dropped."""
    return engine.expire_drafts()

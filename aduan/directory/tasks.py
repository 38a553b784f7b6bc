from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import loading


@db_periodic_task(crontab(minute="17", hour="2", day="1"))
def refresh_national_holidays() -> int:
    """Keep national holidays and cuti bersama loaded a few years ahead (idempotent, monthly)."""
    return loading.load_holidays()

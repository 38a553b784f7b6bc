from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import actions


@db_periodic_task(crontab(minute="*/10"))
@lock_task("aduan-forwarding-sweep")
def forwarding_sweep() -> dict[str, int]:
    """Links that ran out return their reports; bodies whose answer is nearly due are reminded."""
    return {"expired": actions.expire_due(), "reminded": actions.remind_due()}

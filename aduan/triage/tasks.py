"""Nightly retraining of the routing model (huey)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import training

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="1", minute="30"))
@lock_task("aduan-triage-train")
def retrain() -> int | None:
    """A new model version when reports were added since the last one; the version number."""
    if not training.needs_training():
        return None
    model = training.train()
    return model.version if model else None

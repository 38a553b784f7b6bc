"""Nightly check of the audit chain, so that tampering is noticed without anyone asking."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from . import trail

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour="2", minute="15"))
@lock_task("aduan-audit-verify")
def verify_audit_chain_nightly() -> int:
    problems = trail.verify()
    for problem in problems:
        log.error("audit chain broken at entry %s: %s", problem.entry_id, problem.message)
    if not problems:
        log.info("audit chain intact")
    return len(problems)

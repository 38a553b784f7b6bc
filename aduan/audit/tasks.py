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


@db_periodic_task(crontab(hour="0", minute="5"))
@lock_task("aduan-audit-sign-head")
def sign_audit_head_daily() -> str:
    """Every day the chain's head is signed and published (`heads`); a broken chain is not signed
    but logged as an error, like the nightly check."""
    from . import heads

    try:
        signed = heads.sign_head()
    except heads.HeadRefused as refused:
        for problem in refused.problems:
            log.error("audit head not signed: entry %s: %s", problem.entry_id, problem.message)
        return ""
    log.info("audit head signed: %s entries, digest %s", signed.entry_count, signed.digest)
    return signed.digest

"""Writing and verifying the audit trail.

Callers: `aduan.reports.actions._core._event` (every timeline event, inside the action's
transaction, so the audit row exists exactly when the action happened) and the back office
(identity views, exports).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64
# Independent chains, each with its own head row. A writer locks its chain's head until its
# transaction commits; with one chain every filing in the country waited for the one before it
# to commit (about a third of an API filing's time), which capped filings per second whatever the
# number of app servers. A report's entries all go to one chain (its id modulo CHAINS), so each
# report's history stays one verifiable sequence. Changing CHAINS later is safe: existing entries
# keep the chain recorded in them.
CHAINS = 16


def _digest(
    prev_hash: str,
    created_at,
    actor_id,
    actor_name: str,
    action: str,
    report_code: str,
    detail,
    chain: int = 0,
) -> str:
    fields = [
        prev_hash,
        created_at.astimezone(dt.UTC).isoformat(),
        actor_id,
        actor_name,
        action,
        report_code,
        detail,
    ]
    if chain:  # chain 0 hashes as before chains existed, so that older entries still verify
        fields.append(chain)
    payload = json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def chain_for(report=None, actor=None) -> int:
    if report is not None and report.pk:
        return report.pk % CHAINS
    return actor.pk % CHAINS if actor is not None else 0


def record(
    action: str, *, actor=None, report=None, report_code: str = "", detail: dict | None = None
) -> AuditEntry:
    """Append one entry. Runs in the caller's transaction (or its own): the head row is locked
    until commit, so two writers never chain onto the same predecessor. No savepoint of its own:
    an entry that fails breaks the caller's transaction, so that no action commits without its
    entry (and a filing saves two statements per entry)."""
    detail = json.loads(json.dumps(detail or {}, default=str))  # what the database will give back
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    chain = chain_for(report, actor)
    with transaction.atomic(savepoint=False):
        head = AuditHead.objects.select_for_update().filter(pk=chain + 1).first()
        if head is None:
            head, _created = AuditHead.objects.get_or_create(pk=chain + 1)
            head = AuditHead.objects.select_for_update().get(pk=chain + 1)
        now = timezone.now()
        code = report.code if report is not None else report_code
        name = actor.get_username() if actor else ""
        digest = _digest(
            head.last_hash, now, actor.pk if actor else None, name, action, code, detail, chain
        )
        entry = AuditEntry(
            created_at=now,
            actor=actor,
            actor_name=name,
            action=action,
            report_code=code,
            detail=detail,
            chain=chain,
            prev_hash=head.last_hash,
            hash=digest,
        )
        entry.save()
        AuditHead.objects.filter(pk=chain + 1).update(
            last_id=entry.pk, last_hash=digest, count=head.count + 1
        )
    return entry


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    message: str


def verify() -> list[Problem]:
    """Walk each chain in id order. An edited row no longer matches its hash; a deleted row
    leaves its successor pointing at a hash that is not its predecessor's; deleted newest rows
    leave the chain's head pointing past the end; a row moved to another chain breaks both."""
    problems: list[Problem] = []
    heads = {head.pk - 1: head for head in AuditHead.objects.all()}
    chains = set(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct()) | set(
        heads
    )
    for chain in sorted(chains):
        prev, count, last_id = GENESIS, 0, 0
        for e in AuditEntry.objects.filter(chain=chain).order_by("id").iterator(chunk_size=2000):
            if e.prev_hash != prev:
                problems.append(
                    Problem(e.pk, "rantai terputus: entri sebelumnya diubah atau dihapus")
                )
            expected = _digest(
                e.prev_hash,
                e.created_at,
                e.actor_id,
                e.actor_name,
                e.action,
                e.report_code,
                e.detail,
                e.chain,
            )
            if expected != e.hash:
                problems.append(Problem(e.pk, "isi entri tidak cocok dengan hash-nya (diubah)"))
            prev, count, last_id = e.hash, count + 1, e.pk
        head = heads.get(chain)
        if (head is None and count) or (
            head is not None
            and (head.last_hash != prev or head.count != count or head.last_id != last_id)
        ):
            recorded = head.count if head is not None else 0
            problems.append(
                Problem(
                    None,
                    f"ujung rantai {chain} tidak cocok: tercatat {recorded} entri, "
                    f"ditemukan {count}",
                )
            )
    return problems

"""Writing and verifying the audit trail.

Callers: `aduan.reports.actions._event` (every timeline event, inside the action's transaction,
so the audit row exists exactly when the action happened) and the back office (identity views,
exports).
"""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _digest(prev_hash: str, created_at, actor_id, actor_name: str, action: str, report_code: str, detail) -> str:
    payload = json.dumps(
        [prev_hash, created_at.astimezone(dt.UTC).isoformat(), actor_id, actor_name, action, report_code, detail],
        sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(action: str, *, actor=None, report=None, report_code: str = "", detail: dict | None = None) -> AuditEntry:
    """Append one entry. Runs in the caller's transaction (or its own): the head row is locked
    until commit, so two writers never chain onto the same predecessor."""
    detail = json.loads(json.dumps(detail or {}, default=str))  # what the database will give back
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head = AuditHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            head, _created = AuditHead.objects.get_or_create(pk=1)
            head = AuditHead.objects.select_for_update().get(pk=1)
        now = timezone.now()
        code = report.code if report is not None else report_code
        name = actor.get_username() if actor else ""
        digest = _digest(head.last_hash, now, actor.pk if actor else None, name, action, code, detail)
        entry = AuditEntry(created_at=now, actor=actor, actor_name=name, action=action, report_code=code,
                           detail=detail, prev_hash=head.last_hash, hash=digest)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_id=entry.pk, last_hash=digest, count=head.count + 1)
    return entry


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    message: str


def verify() -> list[Problem]:
    """Walk the chain in id order. An edited row no longer matches its hash; a deleted row
    leaves its successor pointing at a hash that is not its predecessor's; deleted newest rows
    leave the head pointing past the end."""
    problems, prev, count, last_id = [], GENESIS, 0, 0
    for e in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        if e.prev_hash != prev:
            problems.append(Problem(e.pk, "rantai terputus: entri sebelumnya diubah atau dihapus"))
        expected = _digest(e.prev_hash, e.created_at, e.actor_id, e.actor_name, e.action, e.report_code, e.detail)
        if expected != e.hash:
            problems.append(Problem(e.pk, "isi entri tidak cocok dengan hash-nya (diubah)"))
        prev, count, last_id = e.hash, count + 1, e.pk
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None and (head.last_hash != prev or head.count != count or head.last_id != last_id):
        problems.append(Problem(None, f"ujung rantai tidak cocok: tercatat {head.count} entri, ditemukan {count}"))
    return problems

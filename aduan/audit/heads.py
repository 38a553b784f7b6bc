"""The audit chain's head, signed every day and published (issue 17, "a complaint log anyone can
verify").

The trail is CHAINS hash chains (`trail`); its head is the list of each chain's (id, count, hash)
at one moment, and its digest the SHA-256 of that list. Signing it says "this is the whole trail
as of today": once a copy of the signed head is outside (the public page, an auditor's archive),
an entry changed, deleted or back-dated before that day no longer matches it, whoever holds the
database. Callers: the daily huey task (`tasks.sign_audit_head_daily`) and
`manage.py sign_audit_head`; the public proof page reads the rows.
"""

import datetime as dt
import hashlib

from django.utils import timezone

from . import signing, trail
from .models import AuditEntry, AuditHead, SignedHead


class HeadRefused(Exception):
    """The chain is broken: signing it would vouch for a tampered trail."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(f"audit chain broken: {len(problems)} problem(s)")


def current_heads() -> list[list]:
    """[[chain, last_id, count, last_hash], ...] in chain order, read in one query."""
    rows = AuditHead.objects.order_by("pk").values_list("pk", "last_id", "count", "last_hash")
    return [[pk - 1, last_id, count, last_hash] for pk, last_id, count, last_hash in rows]


def digest_of(heads: list[list]) -> str:
    return hashlib.sha256(signing.canonical(heads)).hexdigest()


def check_heads(heads: list[list]) -> list[trail.Problem]:
    """Walk each chain up to its recorded head: every link and every entry's hash must hold, and
    the head must be exactly the entry at its end. Entries written after the head are not read,
    so a head signed long ago is checked against the trail as it was then."""
    problems: list[trail.Problem] = []
    for chain, last_id, count, last_hash in heads:
        problems += check_chain(chain, last_id, count, last_hash)
    return problems


def check_chain(chain: int, last_id: int, count: int, last_hash: str) -> list[trail.Problem]:
    """One chain up to one head (chain, last_id, count, last_hash): what `check_heads` does for
    every chain of a signed head, and the Ombudsman's case file for the chain of one report
    (`aduan.reports.case_file`), so that it need not walk the whole trail."""
    problems: list[trail.Problem] = []
    prev, seen, end = trail.GENESIS, 0, 0
    entries = AuditEntry.objects.filter(chain=chain, id__lte=last_id).order_by("id")
    for e in entries.iterator(chunk_size=2000):
        expected = trail._digest(
            e.prev_hash,
            e.created_at,
            e.actor_id,
            e.actor_name,
            e.action,
            e.report_code,
            e.detail,
            e.chain,
        )
        if e.prev_hash != prev or expected != e.hash:
            problems.append(trail.Problem(e.pk, "entri tidak cocok dengan rantai"))
        prev, seen, end = e.hash, seen + 1, e.pk
    if (seen, end, prev) != (count, last_id, last_hash if count else trail.GENESIS):
        problems.append(
            trail.Problem(
                None,
                f"rantai {chain}: kepala yang ditandatangani mencatat {count} entri, "
                f"ditemukan {seen}",
            )
        )
    return problems


def sign_head(now: dt.datetime | None = None) -> SignedHead:
    """1. Read every chain's head in one query. 2. Check the trail up to those heads (refused if
    broken). 3. Sign the statement (time, entry count, digest, heads) and store it."""
    now = now or timezone.now()
    heads = current_heads()
    problems = check_heads(heads)
    if problems:
        raise HeadRefused(problems)
    digest = digest_of(heads)
    entries = sum(h[2] for h in heads)
    public = signing.public_key()
    statement = signing.canonical(
        {
            "v": 1,
            "kind": "aduan-audit-head",
            "signed_at": now.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "entries": entries,
            "digest": digest,
            "heads": heads,
            "key": signing.key_id(public),
        }
    ).decode()
    return SignedHead.objects.create(
        signed_at=now,
        entry_count=entries,
        digest=digest,
        heads=heads,
        statement=statement,
        signature=signing.sign(statement.encode()),
        public_key=public,
        key_id=signing.key_id(public),
    )


def check_signed(head: SignedHead, *, chains: bool = True) -> list[str]:
    """What is wrong with a published head: its signature, its digest, or the trail since.
    `chains=False`: the signature and the digest only (a caller that walks the chains it needs
    itself, `check_chain`)."""
    problems = []
    if not signing.verify(head.public_key, head.statement.encode(), head.signature):
        problems.append("tanda tangan tidak sah")
    if digest_of(head.heads) != head.digest or f'"digest":"{head.digest}"' not in head.statement:
        problems.append("ringkasan tidak cocok dengan kepala rantai")
    if chains:
        problems += [p.message for p in check_heads(head.heads)]
    return problems


def known_public_keys() -> set[str]:
    """The current key and every key a published head was signed with (receipts made before a
    key was rotated still verify under the key published at the time)."""
    keys = set(SignedHead.objects.values_list("public_key", flat=True).distinct())
    if signing.available():
        keys.add(signing.public_key())
    return keys

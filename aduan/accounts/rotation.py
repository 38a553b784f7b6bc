"""Re-encrypting and rehashing every stored NIK, and re-encrypting the second factor's secrets,
while the site runs (`rotate_nik_keys`).

Called by the command after an operator put a new key first in NIK_ENCRYPTION_KEYS (or a new
NIK_HASH_KEY, the old one kept in NIK_HASH_LOOKUP_KEYS) on every server. For each place in
`nik.STORED`:

1. walk the rows with a NIK by primary key, `batch_size` at a time (keyset pagination: no
   offset that shifts when rows are added, and a batch never holds locks for long);
2. in one short transaction per batch, decrypt each value with any listed key and, if it is not
   under the first key or its hash is not under NIK_HASH_KEY, write the new value with a
   compare-and-swap on the old ciphertext: a row the app rewrote meanwhile (a new NIK, already
   under the first key because every server lists it first) is left as the app wrote it;
3. a value under the first key with a current hash is skipped, so a second run, or a run after
   an interrupted one, changes nothing it does not need to: the command is safe to repeat.

The second factor's secrets (`mfa_secrets`: TOTP keys and recovery-code seeds, under keys derived
from the same NIK_ENCRYPTION_KEYS) are walked the same way, one batch per transaction, but each
batch is locked (`select_for_update`) instead of compared-and-swapped: a recovery-code row holds
the seed together with the mask of codes already spent, and allauth spends a code under the same
row lock, so neither write can undo the other. Secrets stored in the clear before encryption
existed are encrypted by the same pass.

`survey` reads the same rows without writing and counts what is still to do (`--check`).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from cryptography.fernet import InvalidToken
from django.apps import apps
from django.db import IntegrityError, transaction

from . import mfa_secrets
from . import nik as niks

MFA_PLACE = "mfa.Authenticator.data"


@dataclass
class Tally:
    """What one pass over one place found or did."""

    place: str  # "accounts.User.nik_encrypted", or MFA_PLACE
    total: int = 0  # rows with a NIK (authenticators with a secret)
    seen: int = 0
    reencrypted: int = 0  # rotate: written under the first key / survey: not under it yet
    rehashed: int = 0  # rotate: hash rewritten / survey: hash not under NIK_HASH_KEY yet
    unreadable: int = 0  # no listed key opens it (a key removed too early)
    changed_meanwhile: int = 0  # the app rewrote the row between our read and our write
    conflicts: list[int] = field(default_factory=list)  # pks whose new hash another row holds
    in_clear: int = (
        0  # MFA secrets stored before encryption: rotate: now encrypted / survey: still clear
    )

    @property
    def pending(self) -> int:
        """For a survey: values that need the command (0 means the old keys may go)."""
        return self.reencrypted + self.rehashed + self.unreadable + self.in_clear


def _places():
    for label, encrypted, digest in niks.STORED:
        yield f"{label}.{encrypted}", apps.get_model(label), encrypted, digest


def _batches(model, encrypted: str, digest: str, batch_size: int):
    """(pk, token, hash) rows with a NIK, by primary key. Each batch is read when the previous
    one has been handled, so the caller may run each in its own transaction."""
    last = 0
    while True:
        rows = list(
            model.objects.filter(pk__gt=last)
            .exclude(**{encrypted: ""})
            .order_by("pk")
            .values_list("pk", encrypted, digest)[:batch_size]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _needs(token: str, stored_hash: str | None) -> tuple[bool, bool, str]:
    """(needs re-encryption, needs rehashing, plaintext). Raises InvalidToken if unreadable."""
    plain = niks.decrypt_or_raise(token)
    return (
        not niks.is_under_primary_key(token),
        (stored_hash or "") != niks.lookup_hash(plain),
        plain,
    )


def survey(batch_size: int = 1000) -> list[Tally]:
    """Count, without writing, the values that are not yet under the first key and hash key."""
    tallies = []
    for place, model, encrypted, digest in _places():
        tally = Tally(place, total=model.objects.exclude(**{encrypted: ""}).count())
        for rows in _batches(model, encrypted, digest, batch_size):
            for _pk, token, stored_hash in rows:
                tally.seen += 1
                try:
                    reencrypt, rehash, _plain = _needs(token, stored_hash)
                except InvalidToken:
                    tally.unreadable += 1
                    continue
                tally.reencrypted += reencrypt
                tally.rehashed += rehash
        tallies.append(tally)
    tallies.append(_survey_mfa(batch_size))
    return tallies


def rotate(
    batch_size: int = 500, progress: Callable[[Tally], None] = lambda tally: None
) -> list[Tally]:
    """Bring every stored NIK under the first encryption key and NIK_HASH_KEY (steps above)."""
    tallies = []
    for place, model, encrypted, digest in _places():
        tally = Tally(place, total=model.objects.exclude(**{encrypted: ""}).count())
        for rows in _batches(model, encrypted, digest, batch_size):
            with transaction.atomic():
                for pk, token, stored_hash in rows:
                    tally.seen += 1
                    _rotate_row(model, encrypted, digest, pk, token, stored_hash, tally)
            progress(tally)
        tallies.append(tally)
    tallies.append(_rotate_mfa(batch_size, progress))
    return tallies


def _rotate_row(model, encrypted, digest, pk, token, stored_hash, tally: Tally) -> None:
    try:
        reencrypt, rehash, plain = _needs(token, stored_hash)
    except InvalidToken:
        tally.unreadable += 1
        return
    if not (reencrypt or rehash):
        return
    changes = {encrypted: niks.encrypt(plain) if reencrypt else token}
    if rehash:
        changes[digest] = niks.lookup_hash(plain)
    # Compare-and-swap on the ciphertext we read: if the app wrote this row since (a new NIK), its
    # value wins; ours is stale. Fernet tokens carry a random IV, so equal text means no write.
    same_row = model.objects.filter(pk=pk, **{encrypted: token})
    if not rehash:
        written = same_row.update(**changes)
    else:
        try:
            with transaction.atomic():  # a savepoint: a hash conflict must not undo the whole batch
                written = same_row.update(**changes)
        except IntegrityError:
            # The unique hash of accounts: another account holds this NIK under the new hash key
            # (two sign-ups with one NIK on both sides of the switch). A person decides.
            tally.conflicts.append(pk)
            return
    if not written:
        tally.changed_meanwhile += 1
        return
    tally.reencrypted += reencrypt
    tally.rehashed += rehash


def _mfa_rows():
    return Authenticator.objects.filter(type__in=mfa_secrets.TYPES)


def _mfa_state(data: dict) -> mfa_secrets.State:
    """The state of the row: of its secrets, the one furthest from done."""
    states = {mfa_secrets.state(value) for value in mfa_secrets.stored_values(data)}
    for worst in (mfa_secrets.State.UNREADABLE, mfa_secrets.State.CLEAR, mfa_secrets.State.OLD_KEY):
        if worst in states:
            return worst
    return mfa_secrets.State.CURRENT


def _count(tally: Tally, state: mfa_secrets.State) -> None:
    tally.unreadable += state is mfa_secrets.State.UNREADABLE
    tally.in_clear += state is mfa_secrets.State.CLEAR
    tally.reencrypted += state is mfa_secrets.State.OLD_KEY


def _survey_mfa(batch_size: int) -> Tally:
    tally = Tally(MFA_PLACE, total=_mfa_rows().count())
    last = 0
    while rows := list(
        _mfa_rows().filter(pk__gt=last).order_by("pk").values_list("pk", "data")[:batch_size]
    ):
        for _pk, data in rows:
            tally.seen += 1
            _count(tally, _mfa_state(data))
        last = rows[-1][0]
    return tally


def _rotate_mfa(batch_size: int, progress: Callable[[Tally], None]) -> Tally:
    """Every authenticator's secrets under the first key (module docstring: why locked)."""
    tally = Tally(MFA_PLACE, total=_mfa_rows().count())
    last = 0
    while True:
        with transaction.atomic():
            rows = list(
                _mfa_rows()
                .select_for_update()
                .filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "data")[:batch_size]
            )
            for pk, data in rows:
                tally.seen += 1
                state = _mfa_state(data)
                if state in (mfa_secrets.State.OLD_KEY, mfa_secrets.State.CLEAR):
                    _mfa_rows().filter(pk=pk).update(data=mfa_secrets.reencrypted_data(data))
                _count(tally, state)
        if not rows:
            return tally
        last = rows[-1][0]
        progress(tally)

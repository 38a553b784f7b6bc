"""Reads of the public's pages from a PostgreSQL streaming replica (issue 18, DATABASE_REPLICA_URL).

Nothing reads from the replica unless a request has been let in by `aduan.ops.replica.replica_reads`
(the decorator of the public, read-only views), and even then only while all of these hold:

1. the request has not written: its first write (any `db_for_write`) sends the rest of its reads
   to the primary, which has what it just wrote;
2. no transaction is open on the primary (`transaction.atomic`: a read there belongs to a write);
3. the model is not a session (a client's own state, written by the request before: a log-in, a
   language, a message to show);
4. the replica answered its last health check (reachable, still a standby, not further behind
   than REPLICA_MAX_LAG_SECONDS); after a failure it is left alone for REPLICA_RETRY_SECONDS, so
   that requests do not each wait for a connection timeout (a circuit breaker, per process).

Writes always go to the primary and migrations never run on the replica. Without
DATABASE_REPLICA_URL this router is not installed at all (aduan/settings.py).
"""

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
# Always read from the primary, whatever the view: a client's session.
PRIMARY_APPS = frozenset({"sessions"})

# The health check: is it still a standby (a promoted former standby has data the primary has not),
# and how many seconds of the primary's commits has it not replayed yet. Nothing received left to
# replay and the primary streaming to it: 0; otherwise the age of the last commit it replayed (which
# also grows when the stream is cut and the standby sits on old data). "Received" may lie behind
# "replayed": after a restart the stream starts again at the beginning of the current WAL segment
# (the bench caught an idle standby, restarted, taken for 30 s behind because of `=` here).
HEALTH_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn()
                 AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')
            THEN 0
            ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
       END
"""


class _Reads:
    """A request's leave to read from the replica, given up at its first write."""

    __slots__ = ("failed", "replica")

    def __init__(self) -> None:
        self.replica = True
        self.failed: BaseException | None = None  # the error a query on the replica raised


_reads: ContextVar[_Reads | None] = ContextVar("aduan_replica_reads", default=None)


def configured() -> bool:
    return REPLICA in connections.settings


def reading_replica() -> bool:
    """Whether a read made now (outside a transaction) would go to the replica."""
    reads = _reads.get()
    return reads is not None and reads.replica


@contextlib.contextmanager
def replica_reads() -> Iterator[_Reads]:
    """The reads inside may go to the replica (see the module's rules). Errors of queries run on
    the replica are noted in the yielded object's `failed`, for the caller's fallback."""
    reads = _Reads()

    def note_failure(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except Exception as exc:
            reads.failed = exc
            raise

    token = _reads.set(reads)
    try:
        with connections[REPLICA].execute_wrapper(note_failure):
            yield reads
    finally:
        _reads.reset(token)


@contextlib.contextmanager
def primary_reads() -> Iterator[None]:
    """Reads inside go to the primary, also within `replica_reads`."""
    reads = _reads.get()
    if reads is None or not reads.replica:
        yield
        return
    reads.replica = False
    try:
        yield
    finally:
        reads.replica = True


class ReplicaRouter:
    def db_for_read(self, model, **hints: Any) -> str:
        reads = _reads.get()
        if (
            reads is None
            or not reads.replica
            or model._meta.app_label in PRIMARY_APPS
            or connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints: Any) -> str:
        reads = _reads.get()
        if reads is not None:
            reads.replica = False  # it has written: what it reads next must include that
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, model_name=None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


def replica_at_fault(reads: _Reads, error: BaseException) -> bool:
    """After a database error inside `replica_reads`: was it the replica's?

    1. A query on it failed (the execute wrapper noted it).
    2. Its connection, which `usable` opened, is gone or broken: a fetch of a server-side cursor
       (`.iterator()`, the choices of a form's select) passes no execute wrapper, and the bench
       caught one failing as the standby stopped.
    3. The driver's error names the replica's connection (a statement cancelled by replay).
    """
    if reads.failed is not None:
        return True
    replica = connections[REPLICA].connection
    if replica is None or getattr(replica, "closed", False):
        return True
    pgconn = getattr(error.__cause__, "pgconn", None)
    return pgconn is not None and pgconn is getattr(replica, "pgconn", None)


# --- health: the circuit breaker ---------------------------------------------------------------


class _Health:
    """Per process (each gunicorn worker has its own): when the replica was last checked, whether it
    passed, and until when it is left alone after a failure."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.checked_at = float("-inf")
        self.usable = False
        self.down_until = 0.0
        self.reason = ""


_health = _Health()


def reset() -> None:
    """Forget what is known of the replica (tests; the next request checks it again)."""
    global _health
    _health = _Health()


def usable() -> bool:
    """Whether this request may read from the replica: it has passed a check within
    REPLICA_CHECK_SECONDS (checked now otherwise) and its connection is open.

    1. Within REPLICA_RETRY_SECONDS of a failure: no, at once (no connection attempt).
    2. The last check is older than REPLICA_CHECK_SECONDS: check again (one short query).
    3. Open the connection (a no-op when it is persistent); a refusal or a timeout is a failure.
    """
    now = time.monotonic()
    health = _health
    if now < health.down_until:
        return False
    if now - health.checked_at >= settings.REPLICA_CHECK_SECONDS:
        return _check(health, now)
    if not health.usable:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except Exception as exc:
        failed(f"cannot connect: {exc}")
        return False
    return True


def _check(health: _Health, now: float) -> bool:
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(HEALTH_SQL)
            in_recovery, lag = cursor.fetchone()
    except Exception as exc:
        failed(f"cannot connect or query: {exc}")
        return False
    if not in_recovery:
        failed("it is not a standby any more (promoted?): its data may differ from the primary's")
        return False
    limit = settings.REPLICA_MAX_LAG_SECONDS
    with health.lock:
        health.checked_at = now
        was_usable, health.usable = health.usable, not (limit and float(lag) > limit)
    if not health.usable:
        log.info("read replica %.1f s behind the primary", float(lag))
        _log_change(f"more than {limit} s behind the primary", down=True, lagging=True)
    elif not was_usable:
        _log_change("", down=False)
    return health.usable


def failed(reason: str) -> None:
    """The replica failed (connection, query, not a standby): reads go to the primary for
    REPLICA_RETRY_SECONDS, and its connection is dropped so the next try opens a new one."""
    health = _health
    with health.lock:
        health.usable = False
        health.checked_at = float("-inf")
        health.down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    with contextlib.suppress(Exception):  # a dead connection may fail to close: gone either way
        connections[REPLICA].close()
    _log_change(reason, down=True)


def _log_change(reason: str, *, down: bool, lagging: bool = False) -> None:
    health = _health
    if down and health.reason != reason:
        log.warning(
            "read replica not used: %s; reads go to the primary (checked again in %s s)",
            reason,
            settings.REPLICA_CHECK_SECONDS if lagging else settings.REPLICA_RETRY_SECONDS,
        )
    elif not down and health.reason:
        log.warning("read replica back in use")
    health.reason = reason if down else ""


# --- positions: what the replica has replayed (aduan/core/fragments.py) -------------------------


def primary_position() -> str:
    """The primary's WAL position now: every transaction committed before lies before it."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cursor.fetchone()[0]


def replica_has_replayed(position: str) -> bool:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position])
        return bool(cursor.fetchone()[0])

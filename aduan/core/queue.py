"""huey's queue in SQLite (the embedded default, without Redis), written without an fsync per task.

huey's SqliteStorage leaves SQLite's `synchronous` at FULL: every task enqueued — one per filing,
to deliver its notifications at once — waited for an fsync of the queue file (3–5 ms on the
bench machine, inside the request). NORMAL in WAL mode keeps the file consistent after a crash
of the process or the machine; a power cut may lose the last tasks enqueued. Nothing is lost
with them: a task only carries the ids of notifications already committed in the application
database, and the outbox sweep (every minute) delivers whatever is still pending.
"""

from huey import SqliteHuey
from huey.storage import SqliteStorage


class NormalSyncSqliteStorage(SqliteStorage):
    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn


class QueueHuey(SqliteHuey):
    storage_class = NormalSyncSqliteStorage

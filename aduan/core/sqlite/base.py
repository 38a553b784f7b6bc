"""Django's SQLite backend with a queue for writers that wakes at once (issue 18).

Every transaction is `BEGIN IMMEDIATE` (settings.py): it takes SQLite's write lock at its start,
so two writers never deadlock upgrading read locks. A writer that finds the lock taken waits in
SQLite's busy handler, which sleeps 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100, 100... ms
between tries: under load a filing of 15 ms waited 25–100 ms after the lock had long been free,
and two gunicorn workers filed 16 reports a second with p50 580 ms.

Here each transaction first takes an exclusive `flock` on a file next to the database
(`<name>-writers.lock`), polled every millisecond, and releases it right after COMMIT or
ROLLBACK: writers of every process and thread on the machine take turns with a millisecond's
delay. The lock adds nothing to correctness — SQLite's own lock still decides, and writes
outside a transaction (autocommit) still wait in the busy handler — it only orders the waiting.
A holder that dies releases it with its file descriptor; the wait is bounded by the same
`timeout` as SQLite's (then "database is locked", as before).
"""

import fcntl
import os
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

POLL_SECONDS = 0.001


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        conn = super().get_new_connection(conn_params)
        self._writers_fd = None
        if not self.is_in_memory_db():
            path = f"{self.settings_dict['NAME']}-writers.lock"
            self._writers_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        self._writers_held = False
        return conn

    def _take_writers_lock(self) -> None:
        fd = getattr(self, "_writers_fd", None)
        if fd is None or self._writers_held:
            return
        deadline = time.monotonic() + float(self.settings_dict["OPTIONS"].get("timeout", 5))
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked (waiting for writers)") from None
                time.sleep(POLL_SECONDS)
        self._writers_held = True

    def _release_writers_lock(self) -> None:
        fd = getattr(self, "_writers_fd", None)
        if getattr(self, "_writers_held", False) and fd is not None:
            self._writers_held = False
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _start_transaction_under_autocommit(self):
        self._take_writers_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # not in django-stubs
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            return super()._rollback()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            return super()._close()  # type: ignore[misc]  # not in django-stubs
        finally:
            self._release_writers_lock()
            fd = getattr(self, "_writers_fd", None)
            if fd is not None:
                self._writers_fd = None
                os.close(fd)

"""A PostgreSQL primary and its streaming standby, owned by whoever starts them (the replica tests,
bench/replica.py): initdb and `pg_basebackup -R` into a temporary directory, free ports on
127.0.0.1, started with pg_ctl as the postgres OS user when we are root. `remove()` stops both and
deletes the directory; call it in a `finally`."""

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg(*command, timeout=120):
    """A PostgreSQL program as the postgres OS user (the clusters' owner; we may be root)."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, str(PG_BIN / command[0]), *command[1:]],
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Clusters:
    """A primary and its streaming standby in a temporary directory."""

    def __init__(self, settings: str = ""):
        self.extra = settings  # more postgresql.conf lines for both (e.g. shared_buffers)
        self.root = Path(tempfile.mkdtemp(prefix="aduan-replica-"))
        self.primary_port, self.replica_port = free_port(), free_port()
        self.primary, self.replica = self.root / "primary", self.root / "replica"

    def _chown(self):
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")

    def _configure(self, data: Path, port: int, extra: str = ""):
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\nfsync = off\n{self.extra}\n{extra}"
            )

    def start_primary(self):
        self._chown()
        _pg("initdb", "-D", str(self.primary), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._configure(self.primary, self.primary_port, "wal_level = replica\n")
        _pg("pg_ctl", "-D", str(self.primary), "-l", str(self.root / "primary.log"), "-w", "start")
        _pg("createdb", "-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres", "aduan")

    def make_replica(self):
        _pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
            *("-D", str(self.replica), "-R", "-X", "stream", "--checkpoint=fast"),
        )
        self._configure(self.replica, self.replica_port, "hot_standby = on\n")
        self.start_replica()

    def start_replica(self):
        _pg("pg_ctl", "-D", str(self.replica), "-l", str(self.root / "replica.log"), "-w", "start")

    def stop_replica(self):
        _pg("pg_ctl", "-D", str(self.replica), "-m", "fast", "-w", "stop")

    def remove(self):
        for data in (self.replica, self.primary):
            if (data / "postmaster.pid").exists():
                with contextlib.suppress(Exception):
                    _pg("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

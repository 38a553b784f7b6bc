"""A migrated test database with its master data, built once and copied for each test process.

Migrating from nothing (a hundred migrations) and loading the master data (90,000 regions, the
agencies, categories, holidays and time limits) cost each test process about 15 seconds of CPU
before its first test. The result depends only on the migrations and on the master data, so it is
built once into a template, keyed by the SHA-256 of everything it is made from (every installed
app's migration files, the shipped data files and the code that loads them, the versions of
Django and SQLite), and each process of each run starts from a copy:

- SQLite: `var/test-template-<key>.sqlite3`, copied with SQLite's backup API;
- PostgreSQL: a database `<test name>_tpl_<key>`, copied by `CREATE DATABASE ... TEMPLATE`.

A change to any of those files gives another key, hence a fresh template; older templates are
removed when a new one is built. The two test processes of a run take a file lock, so only one
builds. The template is built in a subprocess with the ordinary `migrate` command (the same one
Django's test runner calls) and `load_master_data`; `--create-db` or `TEST_DB_TEMPLATE=0` skips
all of this and migrates as Django does.
"""

import fcntl
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = "tests.template_db"  # run as a module: builds the template named on the command line
SOURCES = (
    ROOT / "aduan" / "directory" / "loading.py",
    ROOT / "aduan" / "directory" / "data",
    ROOT / "tests" / "master_data_hook.py",
    Path(__file__),
)


def _files(path: Path):
    if path.is_dir():
        yield from sorted(
            p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
        )
    elif path.is_file():
        yield path


def key(vendor: str) -> str:
    """The SHA-256 of what the template is made of (see the module's docstring), 16 digits."""
    import django
    from django.apps import apps

    digest = hashlib.sha256()
    digest.update(f"{django.get_version()} {sqlite3.sqlite_version} {vendor}".encode())
    sources = [Path(app.path) / "migrations" for app in apps.get_app_configs()] + list(SOURCES)
    for source in sources:
        for path in _files(source):
            digest.update(str(path.relative_to(path.anchor)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _build(env: dict) -> None:
    """Migrate an empty database and load the master data, in a process of its own."""
    subprocess.run(
        [sys.executable, "-m", BUILD],
        cwd=ROOT,
        env={**os.environ, "ADUAN_ENV": "test", **env},
        check=True,
        timeout=900,
    )


class _Lock:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "w")  # noqa: SIM115 (held until __exit__)

    def __enter__(self):
        fcntl.flock(self.file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.file, fcntl.LOCK_UN)
        self.file.close()


def sqlite_copy(test_name: str, templates: Path | None = None) -> None:
    """Make the SQLite database file `test_name` a copy of the template kept in `templates` (by
    default the file's own folder), built first if this key has none there. Also for a second
    Aduan that a test starts in a subprocess."""
    folder = (templates or Path(test_name).parent).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / f"test-template-{key('sqlite')}.sqlite3"
    with _Lock(folder / "test-template.lock"):
        if not template.exists():
            for old in folder.glob("test-template-*"):
                old.unlink()
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            _build({"DATABASE_URL": f"sqlite:///{building}"})
            with sqlite3.connect(building) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            db.close()
            for extra in ("-wal", "-shm", "-writers.lock"):
                Path(f"{building}{extra}").unlink(missing_ok=True)
            os.replace(building, template)
    for extra in ("", "-wal", "-shm"):
        Path(f"{test_name}{extra}").unlink(missing_ok=True)
    source, target = sqlite3.connect(template), sqlite3.connect(test_name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _postgres_copy(connection, test_name: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    prefix = f"test_{connection.settings_dict['NAME']}_tpl_"
    template = prefix + key("postgresql")
    given = connection.settings_dict
    server = {k: given[k.upper()] for k in ("user", "password", "host", "port") if given[k.upper()]}
    url = urlsplit(os.environ["DATABASE_URL"])
    template_url = urlunsplit(url._replace(path=f"/{template}"))

    def run(statement, *names):
        admin.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    with (
        _Lock(ROOT / "var" / "test-template-pg.lock"),
        psycopg.connect(dbname="postgres", autocommit=True, **server) as admin,
    ):
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if found.fetchone() is None:
            stale = admin.execute(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [prefix]
            ).fetchall()
            for (old,) in stale:
                run("DROP DATABASE {} WITH (FORCE)", old)
            run("CREATE DATABASE {}", template)
            try:
                _build({"DATABASE_URL": template_url})
            except BaseException:
                run("DROP DATABASE {} WITH (FORCE)", template)
                raise
        run("DROP DATABASE IF EXISTS {} WITH (FORCE)", test_name)
        run("CREATE DATABASE {} TEMPLATE {}", test_name, template)


def copy_into_test_db() -> bool:
    """Give the default database's test database the template's content (building the template
    first if this key has none yet). False where the template is not used: another database
    than SQLite or PostgreSQL, or TEST_DB_TEMPLATE=0."""
    from django.db import connections

    if os.environ.get("TEST_DB_TEMPLATE", "1") == "0":
        return False
    connection = connections["default"]
    test_name = connection.creation._get_test_db_name()
    if connection.vendor == "sqlite":
        if connection.creation.is_in_memory_db(test_name):
            return False
        sqlite_copy(test_name)
        return True
    if connection.vendor == "postgresql" and os.environ.get("DATABASE_URL"):
        _postgres_copy(connection, test_name)
        return True
    return False


def _main() -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    django.setup()
    call_command("migrate", interactive=False, run_syncdb=True, verbosity=0)
    from tests.master_data_hook import load_master_data

    load_master_data()


if __name__ == "__main__":
    _main()

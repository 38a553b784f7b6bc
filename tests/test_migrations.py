"""Migrations run forward on a populated database of the kind the suite runs on: SQLite in
`make test`, PostgreSQL in `make test-postgres` (CI runs both, `.ci/run`)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "migrations_forward.py"


def run(database_url):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ADUAN_ENV": "test",
        "ADUAN_DOTENV": "/nonexistent",
    }
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of the suite proves it")
def test_migrations_run_forward_on_a_populated_sqlite_database(tmp_path):
    result = run(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "20 reports kept" in result.stdout


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL run of the suite proves it"
)
def test_migrations_run_forward_on_a_populated_postgresql_database():
    psycopg = pytest.importorskip("psycopg")
    base = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    try:
        admin = psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {base}: {exc}")
    name = f"aduan_migrations_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        result = run(f"{base}/{name}")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "20 reports kept" in result.stdout
    finally:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        admin.close()

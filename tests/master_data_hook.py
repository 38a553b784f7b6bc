"""The master data every test finds, loaded by one function with one range of holidays.

The session loads it once (tests/conftest.py, `django_db_setup`). Transactional tests (threads,
live servers, subprocesses) end with a flush of every table, the master data included; the hook
below, installed for the whole suite by tests/conftest.py, puts it back after such a test, so
that every test, in any folder and in any order, starts with its regions, agencies, categories,
holidays and time limits.

Putting it back does not read the shipped files again (the region file alone is 90,000 lines, half
a second of CPU after each transactional test): the rows the session loaded are kept in memory
and inserted again, with their keys, into the emptied tables."""

import importlib

import pytest
from django.apps import apps
from django.db import connection, transaction
from pytest_django.plugin import blocking_manager_key

from aduan.directory import loading

# Wide enough for every frozen clock in the tests (SLA deadlines count working days across them).
HOLIDAY_YEARS = range(2024, 2029)


def load_master_data() -> None:
    """Only what is missing is added: quick when it is all still there. The default response
    templates come from a data migration, which a flush also empties: the same function again."""
    loading.load_all(holiday_years=HOLIDAY_YEARS)
    importlib.import_module("aduan.backoffice.migrations.0002_default_templates").create(apps, None)


# Every table `load_master_data` fills, parents before children, each in the order its rows load.
MASTER_TABLES = (
    ("directory.Region", ("level", "code")),
    ("directory.Agency", ("pk",)),
    ("directory.Category", ("pk",)),
    ("directory.CategoryQuestion", ("pk",)),
    ("directory.Holiday", ("pk",)),
    ("directory.SlaPolicy", ("pk",)),
    ("backoffice.ResponseTemplate", ("pk",)),
)
# Per table: the INSERT statement and the rows the session loaded, as the database stores them.
_loaded_rows: dict[str, tuple[str, list[tuple]]] | None = None


def _columns(label: str, order: tuple[str, ...]) -> tuple[str, str, str]:
    """The table, its columns and the ORDER BY of the rows, quoted for this database."""
    quote = connection.ops.quote_name
    meta = apps.get_model(label)._meta
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    ordering = ", ".join(
        quote(meta.pk.column if name == "pk" else meta.get_field(name).column) for name in order
    )
    return quote(meta.db_table), columns, ordering


def remember_master_data() -> None:
    """Keep the rows the session loaded (tests/conftest.py, right after loading them): read as
    the database stores them, they go back with one statement per table, without the ORM."""
    global _loaded_rows
    _loaded_rows = {}
    with connection.cursor() as cursor:
        for label, order in MASTER_TABLES:
            table, columns, ordering = _columns(label, order)
            cursor.execute(f"SELECT {columns} FROM {table} ORDER BY {ordering}")
            rows = cursor.fetchall()
            marks = ", ".join(["%s"] * len(rows[0])) if rows else ""
            _loaded_rows[label] = (f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def restore_master_data() -> None:
    """After a flush every master table is empty: insert the rows the session remembered again,
    as they were. Where any master table still has rows (no flush happened), fall back to
    `load_master_data`, which adds only what is missing."""
    assert _loaded_rows is not None, "remember_master_data runs when the test database is set up"
    models = [apps.get_model(label) for label, _order in MASTER_TABLES]
    if any(model.objects.exists() for model in models):
        load_master_data()
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for insert, rows in _loaded_rows.values():
            if rows:
                cursor.executemany(insert, rows)


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return (
        "live_server" in item.fixturenames
        or "transactional_db" in item.fixturenames
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    # After the last test the test database is gone. Before the session's first database test
    # (a run whose transactional tests all skip before their fixtures: no chromium) there is none
    # yet, and the connection still names the configured database: nothing to put back.
    if nextitem is not None and _transactional(item) and _loaded_rows is not None:
        with item.config.stash[blocking_manager_key].unblock():
            restore_master_data()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast's nine accounts are hashed with Argon2 in every test, which costs seconds on a busy
    machine; these tests are about the API, not the hasher (the login tests keep Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

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
from django.db import transaction
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
_loaded_rows: dict | None = None


def remember_master_data() -> None:
    """Keep the rows the session loaded (tests/conftest.py, right after loading them)."""
    global _loaded_rows
    _loaded_rows = {
        label: list(apps.get_model(label).objects.order_by(*order))
        for label, order in MASTER_TABLES
    }


def restore_master_data() -> None:
    """After a flush every master table is empty: insert the remembered rows again, as they were.
    Where any master table still has rows (no flush happened, or the session's rows were never
    remembered), fall back to `load_master_data`, which adds only what is missing."""
    models = {label: apps.get_model(label) for label, _order in MASTER_TABLES}
    if _loaded_rows is None or any(model.objects.exists() for model in models.values()):
        load_master_data()
        return
    with transaction.atomic():
        for label, model in models.items():
            model.objects.bulk_create(_loaded_rows[label], batch_size=2000)


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
    # After the last test the test database is gone.
    if nextitem is not None and _transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            restore_master_data()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast's nine accounts are hashed with Argon2 in every test, which costs seconds on a busy
    machine; these tests are about the API, not the hasher (the login tests keep Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

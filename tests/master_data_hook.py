"""Shared by the API, Open311 and SMS tests.

Transactional tests (threads, live servers) end with a flush of every table, the master data
loaded once per session included. This hook loads it again after such a test, so that the tests
that follow, in any folder, still find their regions, agencies and categories."""

import pytest
from pytest_django.plugin import blocking_manager_key


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
    if nextitem is not None and _transactional(
        item
    ):  # after the last test the test database is gone
        from aduan.directory import loading

        with item.config.stash[blocking_manager_key].unblock():
            loading.load_regions(("52.04",))
            loading.load_agencies()
            loading.load_categories()
            loading.load_holidays(range(2024, 2029))
            loading.load_sla_policies()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """The cast's nine accounts are hashed with Argon2 in every test, which costs seconds on a busy
    machine; these tests are about the API, not the hasher (the login tests keep Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

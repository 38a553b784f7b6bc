"""The authorisation matrix uses the master-data hook like the API tests."""

from tests.master_data_hook import pytest_runtest_teardown  # noqa: F401

"""SMS tests use the master-data hook."""

from tests.master_data_hook import pytest_runtest_teardown  # noqa: F401

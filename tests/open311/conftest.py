"""Open311 tests share the API helpers and the master-data hook."""

from tests.master_data_hook import fast_password_hashing, pytest_runtest_teardown  # noqa: F401

"""Open311 tests hash the cast's passwords quickly, like the API tests."""

from tests.master_data_hook import fast_password_hashing  # noqa: F401

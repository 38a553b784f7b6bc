"""A bounded property-based run of schemathesis against the API's own OpenAPI document.

Every operation gets generated requests (valid and invalid), sent in-process through the whole
Django stack as a dispatcher (who may see every report): no answer may be a 5xx, and every answer
must match the status codes, media type and body schema that the document declares.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from aduan.accounts.mfa import give_totp
from aduan.accounts.models import Role, User
from aduan.api.models import ApiToken
from aduan.reports import actions
from tests.conftest import _ktp, _user
from tests.totp import STAFF_TOTP_SECRET

pytestmark = pytest.mark.slow

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_keeps_connection():
    """The real WSGI handler closes the database connection after each request; the test client
    does not, and neither may this in-process run (the test's transaction lives on it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def dispatcher_token(wsgi_keeps_connection, db):
    dispatcher = User.objects.create(
        username="fuzz-dispatcher", role=Role.DISPATCHER, email="fuzz@example.test"
    )
    give_totp(
        dispatcher, STAFF_TOTP_SECRET
    )  # staff need an authenticator app, or every call is refused
    # A complete KTP profile: a first report needs one (reports/rules.py).
    citizen = _user("fuzz-warga", phone="+6281339100901", **_ktp("901", "L"))
    actions.do_file_report(reporter=citizen, title="Jalan rusak", description="Berlubang.")
    _token, raw = ApiToken.issue(dispatcher, "fuzz")
    return raw


# Loaded once at collection: the document is static and reading it touches no database.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@override_settings(API_RATE_LIMIT_PER_MINUTE=0)
def test_it_answers_every_generated_request_within_its_own_schema(case, dispatcher_token):
    cache.clear()
    case.call_and_validate(headers={"Authorization": f"Bearer {dispatcher_token}"}, checks=CHECKS)

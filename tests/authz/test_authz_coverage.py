"""No endpoint without a decision for every role: each URL pattern and each OpenAPI operation must
have an entry in tests/authz/matrix.py, and each entry must still name something that exists."""

import json

import pytest
from django.urls import get_resolver

from .endpoints import missing_operations, missing_patterns, openapi_operations, stale_entries
from .matrix import EXCLUDED, GET, MATRIX, OK, C, E, entries
from .world import ROLES

pytestmark = pytest.mark.django_db


def test_every_url_pattern_has_an_entry():
    missing = missing_patterns(entries(), EXCLUDED)
    assert not missing, "URL patterns without a decision in tests/authz/matrix.py:\n" + "\n".join(
        missing
    )


def test_every_entry_names_a_pattern_that_exists():
    stale = stale_entries(entries(), EXCLUDED)
    assert not stale, (
        "tests/authz/matrix.py entries for patterns that no longer exist:\n" + "\n".join(stale)
    )


def test_every_openapi_operation_has_an_entry_for_its_method(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    assert len(list(openapi_operations(schema))) >= 40  # the document was read, not an empty one
    missing = missing_operations(schema, entries())
    assert not missing, (
        "OpenAPI operations without a decision in tests/authz/matrix.py:\n" + "\n".join(missing)
    )


def test_a_new_endpoint_without_a_decision_is_reported():
    resolver = get_resolver("tests.authz.extra_urls")
    assert missing_patterns(entries(), EXCLUDED, resolver) == ["undecided"]
    schema = {
        "paths": {
            "/api/v1/me": {"get": {"operationId": "me"}, "put": {"operationId": "replace_me"}},
            "/api/v1/baru": {"post": {"operationId": "new_thing"}},
        }
    }
    assert missing_operations(schema, entries()) == [
        "PUT /api/v1/me (replace_me)",
        "POST /api/v1/baru (new_thing)",
    ]


def test_a_case_that_leaves_a_role_undecided_is_refused():
    undecided = E("home", C(GET, "/", {role: OK for role in ROLES if role != "sysadmin"}))
    with pytest.raises(AssertionError, match=r"home GET : no decision for \['sysadmin'\]"):
        entries((*(e for e in MATRIX if e.key != "home"), undecided))
    with pytest.raises(AssertionError, match="two entries for home"):
        entries((*MATRIX, undecided))

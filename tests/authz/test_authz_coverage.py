"""No endpoint without a decision for every role: each URL pattern and each OpenAPI operation must
have an entry in tests/authz/matrix.py, and each entry must still name something that exists."""

import json

import pytest

from .endpoints import openapi_operations, openapi_template, url_patterns
from .matrix import EXCLUDED, MATRIX, entries

pytestmark = pytest.mark.django_db


def test_every_url_pattern_has_an_entry():
    table = entries()
    served = {key for key, _route in url_patterns()}
    missing = sorted(served - set(table) - set(EXCLUDED))
    assert not missing, "URL patterns without a decision in tests/authz/matrix.py:\n" + "\n".join(missing)


def test_every_entry_names_a_pattern_that_exists():
    served = {key for key, _route in url_patterns()}
    stale = sorted((set(entries()) | set(EXCLUDED)) - served)
    assert not stale, "tests/authz/matrix.py entries for patterns that no longer exist:\n" + "\n".join(stale)


def test_every_openapi_operation_has_an_entry_for_its_method(client):
    schema = json.loads(client.get("/api/v1/openapi.json").content)
    routes = {}
    for key, route in url_patterns():
        routes.setdefault(openapi_template(route), set()).add(key)
    table = entries()
    missing = []
    for path, method, operation_id in openapi_operations(schema):
        methods = {case.method for key in routes.get(path, ()) if key in table for case in table[key].cases}
        if method not in methods:
            missing.append(f"{method} {path} ({operation_id})")
    assert not missing, "OpenAPI operations without a decision in tests/authz/matrix.py:\n" + "\n".join(missing)
    assert len(list(openapi_operations(schema))) >= 40  # the document was read, not an empty one


def test_each_case_decides_for_every_role():
    # entries() asserts it; a case with a role missing would otherwise be skipped silently.
    assert sum(len(e.cases) for e in MATRIX) == sum(len(e.cases) for e in entries().values())

"""Every (endpoint, role) cell of tests/authz/matrix.py, asserted by calling the endpoint.

The world (cast, reports in every state, tokens, a notification, an evaluation file, an Open311
application) is built once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint of its own, so what one call changes is gone before the next."""

import functools

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings

from aduan.accounts.models import User
from aduan.api.models import ApiToken
from aduan.audit.models import AuditEntry
from aduan.notifications.models import Notification
from aduan.reports.models import Report

from .matrix import ADMIN_LOGIN, ALLOWED, HIDDEN, LOGIN, MATRIX, REACHED, SHOWN, payload
from .world import ROLES, World

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CELLS = [
    pytest.param(
        entry,
        case,
        role,
        id=f"{entry.key}|{case.method}{'|' + case.name if case.name else ''}|{role}",
    )
    for entry in MATRIX
    for case in entry.cases
    for role in ROLES
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("authz-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            API_RATE_LIMIT_PER_MINUTE=0,
            SMS_WEBHOOK_SECRET="matrix-webhook-secret",
            WHATSAPP_APP_SECRET="matrix-whatsapp-secret",
            WHATSAPP_VERIFY_TOKEN="matrix-whatsapp-token",
            METRICS_TOKEN="matrix-metrics-token",
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield World()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# Rows whose values (not only their number) a refused call must leave as they were; the rest of
# the database is compared by row counts. Columns written by merely being logged in are left out,
# and so are the sessions and the audit rows that record who viewed a reporter's identity: a
# refused action shows the workspace again, and that view is rightly logged.
WATCHED = {Report: (), User: ("last_login",), Notification: (), ApiToken: ("last_used_at",)}
UNCOUNTED = {"django_session", AuditEntry._meta.db_table}


@functools.cache
def _counts_sql() -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    tables = sorted(
        {
            m._meta.db_table
            for m in apps.get_models()
            if m._meta.managed and not m._meta.proxy and m._meta.db_table not in UNCOUNTED
        }
    )
    audit = quote(AuditEntry._meta.db_table)
    parts = [f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables]
    parts.append(
        f"(SELECT COUNT(*) FROM {audit} "
        f"WHERE {quote('action')} <> '{AuditEntry.Kind.IDENTITY_VIEWED}')"
    )
    return "SELECT " + ", ".join(parts), [*tables, "audit (but identity views)"]


@functools.cache
def _watched_sql() -> dict[str, str]:
    """For each watched model, its rows as the database holds them (no field conversions, so no
    decryption or JSON parsing: a snapshot is taken about 1,600 times)."""
    quote = connection.ops.quote_name
    queries = {}
    for model, skip in WATCHED.items():
        meta = model._meta
        columns = ", ".join(quote(f.column) for f in meta.concrete_fields if f.attname not in skip)
        queries[meta.label + " rows"] = (
            f"SELECT {columns} FROM {quote(meta.db_table)} ORDER BY {quote(meta.pk.column)}"
        )
    return queries


def snapshot() -> dict:
    """Row counts of every table in one query, and the watched rows' values."""
    sql, names = _counts_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql)
        state = dict(zip(names, cursor.fetchone(), strict=True))
        for name, rows_sql in _watched_sql().items():
            cursor.execute(rows_sql)
            state[name] = cursor.fetchall()
    return state


def send(client: Client, case, world: World, role: str):
    path = case.path(world, role) if case.per_role else case.path(world)
    headers = {}
    user = world.users[role]
    if path.startswith("/api/"):
        if user is not None:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    elif user is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if case.method == "GET":
        return client.get(path, headers=headers)
    data = payload(case, world, role)
    if case.body == "json":
        return client.generic(
            case.method, path, data, content_type="application/json", headers=headers
        )
    if case.method == "POST":
        return client.post(path, data, headers=headers)
    return client.generic(case.method, path, headers=headers)


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def describe(response) -> str:
    return f"{response.status_code} {response.get('Location', '')} {body(response)[:300]!r}"


def check(response, outcome, subject_code: str):
    status, location = response.status_code, response.get("Location", "")
    to_login = status == 302 and location.startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    to_admin_login = status == 302 and location.startswith("/admin/login/")
    if outcome in (LOGIN, ADMIN_LOGIN):
        assert to_login if outcome == LOGIN else to_admin_login, describe(response)
    elif outcome == REACHED:
        assert (
            status < 500 and status not in (401, 403, 404, 405) and not (to_login or to_admin_login)
        ), describe(response)
    elif outcome in ALLOWED:
        assert 200 <= status < 400 and not (to_login or to_admin_login), describe(response)
        if outcome in (SHOWN, HIDDEN):
            assert (subject_code in body(response)) == (outcome == SHOWN), describe(response)
    elif isinstance(outcome, str) and outcome.startswith("to:"):
        assert status == 302 and location == outcome[3:], describe(response)
    else:
        assert status == outcome, describe(response)


@pytest.fixture(scope="module")
def client():
    """One client for the module: each new Client builds the middleware chain again, and
    WhiteNoise then indexes every static file (a tenth of a second per test)."""
    return Client()


@pytest.mark.parametrize("entry,case,role", CELLS)
def test_cell(world, client, entry, case, role):
    client.cookies.clear()
    outcome = case.expect[role]
    refused = outcome not in ALLOWED
    before = snapshot() if case.mutating and refused else None
    response = send(client, case, world, role)
    check(response, outcome, world.code(case.subject) if case.subject else "")
    if before is not None:
        after = snapshot()
        changed = {k for k in before if before[k] != after[k]}
        assert not changed, f"refused ({response.status_code}) but changed {sorted(changed)}"

"""Every (endpoint, role) cell of tests/authz/matrix.py, asserted by calling the endpoint.

One test per case of an entry (302), which calls it once for each role, each call a subtest of
its own: a failing cell is reported by itself, with its role (`SUBFAILED(role='officer_b')`
before the case's id `test_case_for_every_role[entry|METHOD|case name]`), and the other roles of
the case still run. (With one test per cell, pytest's work for each test, its fixtures, savepoint
and reporting, was about 30% of the module's time.)

The world (cast, reports in every state, tokens, a notification, an evaluation file, an Open311
application) is built once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint of its own (pytest-django's `db`), and each cell in a savepoint
inside it that is always rolled back, with the client's cookies cleared before and the default
language active again after: no cell sees what another one changed. A refused call must leave
the database as it was before the case's first call (taken once per case: every cell starts from
that same state). A call that wrote is checked, before its rollback, for foreign keys to rows
that do not exist, as pytest-django checks a test when it ends."""

import functools

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.utils import translation

from aduan.accounts.models import User
from aduan.api.models import ApiToken
from aduan.audit.models import AuditEntry
from aduan.notifications.models import Notification
from aduan.reports.models import Report

from .matrix import ADMIN_LOGIN, ALLOWED, HIDDEN, LOGIN, MATRIX, REACHED, SHOWN, payload
from .world import ROLES, World

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CASES = [
    pytest.param(entry, case, id=f"{entry.key}|{case.method}{'|' + case.name if case.name else ''}")
    for entry in MATRIX
    for case in entry.cases
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
    decryption or JSON parsing: a snapshot is taken about 900 times)."""
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


@pytest.mark.parametrize("entry,case", CASES)
def test_case_for_every_role(world, client, subtests, entry, case):
    subject_code = world.code(case.subject) if case.subject else ""
    refused = {role for role in ROLES if case.expect[role] not in ALLOWED}
    before = snapshot() if case.mutating and refused else None
    for role in ROLES:
        with subtests.test(role=role):
            cell(world, client, case, role, subject_code, before if role in refused else None)


class Writes:
    """A database execute wrapper that notes whether any statement but a read (or a savepoint's
    bookkeeping) ran: a WITH, which may write, counts as a write."""

    READS = ("SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK")

    def __init__(self):
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if not self.seen and not sql.lstrip().upper().startswith(self.READS):
            self.seen = True
        return execute(sql, params, many, context)


def cell(world, client, case, role: str, subject_code: str, before: dict | None):
    """One role's call, in a savepoint rolled back whatever happens; `before` (for a refused
    mutating call) is the database as the call finds it, to which it must still be equal."""
    client.cookies.clear()
    wrote = Writes()
    try:
        with transaction.atomic():
            try:
                with connection.execute_wrapper(wrote):  # a streamed body is read in check()
                    response = send(client, case, world, role)
                    check(response, case.expect[role], subject_code)
                if before is not None:
                    after = snapshot()
                    changed = {k for k in before if before[k] != after[k]}
                    assert not changed, (
                        f"refused ({response.status_code}) but changed {sorted(changed)}"
                    )
                if wrote.seen and connection.features.can_defer_constraint_checks:
                    # What pytest-django's `db` checks when a test ends, before rolling it back:
                    # no row the call wrote refers to one that does not exist (foreign keys are
                    # checked at commit, which never comes). Only after a write: the check reads
                    # every table (1.5 ms on SQLite), and the world itself is checked at the end
                    # of each test.
                    connection.check_constraints()
            finally:
                transaction.set_rollback(True)
    finally:
        translation.activate(settings.LANGUAGE_CODE)

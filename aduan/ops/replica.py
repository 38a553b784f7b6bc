"""Which requests read from the read replica (issue 18; the rules of reading are in
`aduan.core.db_router`).

A view opts in with `@replica_reads`, and only a view that reads: the public feed and search, the
public report page, Open311's GET endpoints, the public statistics. Nothing staff use to act and
nothing that writes is decorated; a POST to a decorated view (Open311's `requests`) runs on the
primary as before.

Read-your-writes: whoever has just written reads from the primary for REPLICA_PIN_SECONDS.
`PinWritersMiddleware` marks every POST, PUT, PATCH or DELETE that reached the views: with a cookie
(browsers: every form carries the CSRF cookie, so a browser that writes keeps cookies), and, for a
client that sent no cookie at all (an Open311 application, a script), with its address in the
cache. The address is only consulted for requests without cookies, so thousands of phones behind
one carrier address (CGNAT) are not all pinned to the primary because one of them filed a report.
"""

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.template.response import SimpleTemplateResponse

from aduan.core import db_router

from .ratelimit import client_ip

log = logging.getLogger(__name__)

COOKIE = "aduan_primary"
READS = frozenset({"GET", "HEAD"})


def _address_key(request) -> str:
    return f"replica:pinned:{client_ip(request)}"


def pinned(request) -> bool:
    """Whether this client wrote within REPLICA_PIN_SECONDS (the module's docstring)."""
    if request.COOKIES:
        try:
            return int(request.COOKIES.get(COOKIE, "0")) > time.time()
        except ValueError:
            return True  # not ours to read: be safe
    try:
        return cache.get(_address_key(request)) is not None
    except Exception:
        return True


def replica_reads(view):
    """Let a read-only view read from the replica when it may (`aduan.core.db_router`).

    1. Not configured, not a GET or HEAD, a client that has just written, or a replica that failed
       its last check or is inside its pause after a failure: the view runs on the primary.
    2. Otherwise it runs with replica reads; a lazy template response is rendered inside, so the
       template's queries are part of it.
    3. If a query on the replica fails (it stopped, the connection broke, a recovery conflict
       cancelled the query), the replica is marked failed and the view runs again on the primary:
       the visitor gets the page, not an error. Running it twice is safe because it only reads.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            request.method not in READS
            or not db_router.configured()
            or pinned(request)
            or not db_router.usable()
        ):
            return view(request, *args, **kwargs)
        try:
            with db_router.replica_reads() as reads:
                response = view(request, *args, **kwargs)
                if isinstance(response, SimpleTemplateResponse):
                    response.render()
                return response
        except DatabaseError as exc:
            if not db_router.replica_at_fault(reads, exc):
                raise  # the primary's, or the view's own
            db_router.failed(f"query failed: {exc}")
        return view(request, *args, **kwargs)

    return wrapped


class PinWritersMiddleware:
    """Installed with DATABASE_REPLICA_URL only (aduan/settings.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in READS and request.method != "OPTIONS":
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            if not request.COOKIES:
                try:
                    cache.set(_address_key(request), 1, seconds)
                except Exception:
                    log.warning("replica: could not pin an address to the primary", exc_info=True)
        return response

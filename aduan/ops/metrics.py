"""What `/metrics` publishes that no table holds: requests served and how long the background
sweeps took (DESIGN §6, issue 17).

Requests are counted per process in a dict (method × status class: a fixed set of at most 40
keys, whatever the URLs) and added to the cache at most every FLUSH_SECONDS, so serving a request
costs a dict increment; with Redis every app server adds to the same counters. The sweeps record
their last run and duration with `timed`. The gauges read from the database (reports, outbox,
queue) are computed by the page itself (`aduan.stats.metrics`), which is above the apps it reads.
"""

import hmac
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse

FLUSH_SECONDS = 10
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")
REQUEST_KEYS = tuple(
    (method, status) for method in (*METHODS, "other") for status in STATUS_CLASSES
)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
# The sweeps whose runs are timed, and what each is (the keys never depend on input).
TIMED = {
    "sla_sweep": "SLA sweep: auto-close, auto-archive, overdue, escalations, reminders",
    "outbox_due": "Delivery of due and retried notifications (every minute)",
    "outbox_immediate": "Delivery of notifications queued by a committed action",
}

log = logging.getLogger(__name__)


def _request_key(method: str, status: str) -> str:
    return f"metrics:requests:{method}:{status}"


def _run_key(name: str) -> str:
    return f"metrics:run:{name}"


class _Tally:
    """This process's requests since its last flush."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], int] = {}
        self.flushed_at = time.monotonic()

    def add(self, method: str, status_code: int) -> None:
        method = method if method in METHODS else "other"
        status = f"{min(max(status_code // 100, 1), 5)}xx"
        with self.lock:
            self.counts[(method, status)] = self.counts.get((method, status), 0) + 1
            due = time.monotonic() - self.flushed_at >= FLUSH_SECONDS
        if due:
            self.flush()

    def flush(self) -> None:
        with self.lock:
            counts, self.counts = self.counts, {}
            self.flushed_at = time.monotonic()
        try:
            for (method, status), n in counts.items():
                key = _request_key(method, status)
                cache.add(key, 0, timeout=None)
                try:
                    cache.incr(key, n)
                except ValueError:  # evicted between add and incr: start again from this flush
                    cache.set(key, n, timeout=None)
        except Exception:  # the cache is down: the counts wait, the request goes on
            with self.lock:
                for pair, n in counts.items():
                    self.counts[pair] = self.counts.get(pair, 0) + n
            log.warning("metrics: the cache is unreachable; request counts kept for later")


TALLY = _Tally()


class RequestMetricsMiddleware:
    """First in MIDDLEWARE, so that every answer is counted, the ones other middleware give too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        TALLY.add(request.method, response.status_code)
        return response


def request_counts() -> dict[tuple[str, str], int]:
    """The counters of every process (this one's tally flushed first, so it is included)."""
    TALLY.flush()
    values = cache.get_many([_request_key(m, s) for m, s in REQUEST_KEYS])
    return {(m, s): int(values.get(_request_key(m, s), 0)) for m, s in REQUEST_KEYS}


@contextmanager
def timed(name: str):
    """Record when the sweep `name` (one of TIMED) last finished and how long it took."""
    assert name in TIMED, name
    started = time.monotonic()
    try:
        yield
    finally:
        cache.set(
            _run_key(name),
            {"seconds": time.monotonic() - started, "finished_at": time.time()},
            timeout=None,
        )


def last_runs() -> dict[str, dict]:
    values = cache.get_many([_run_key(name) for name in TIMED])
    return {name: values[_run_key(name)] for name in TIMED if _run_key(name) in values}


def require_token(request) -> HttpResponse | None:
    """None when the request carries METRICS_TOKEN as a Bearer token. Without a token configured
    the page does not exist (404); without the right one, 401. Compared in constant time."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404
    header = request.headers.get("Authorization", "")
    scheme, _sep, given = header.partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode(), expected.encode()
    ):
        return None
    response = HttpResponse("401 Unauthorized\n", status=401, content_type="text/plain")
    response["WWW-Authenticate"] = 'Bearer realm="metrics"'
    return response


class Exposition:
    """Prometheus text format 0.0.4: HELP and TYPE once per family, then its samples."""

    def __init__(self):
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples) -> None:
        """`samples`: (labels dict, value) pairs."""
        self.lines.append(f"# HELP {name} {_escape_help(help_text)}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            if labels:
                inner = ",".join(f'{k}="{_escape_label(str(v))}"' for k, v in labels.items())
                self.lines.append(f"{name}{{{inner}}} {_number(value)}")
            else:
                self.lines.append(f"{name} {_number(value)}")

    def response(self) -> HttpResponse:
        response = HttpResponse("\n".join(self.lines) + "\n", content_type=CONTENT_TYPE)
        response["Cache-Control"] = "no-store"
        return response


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_label(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return repr(float(value))

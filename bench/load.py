"""Load runner: concurrent clients on 127.0.0.1 against gunicorn, p50/p95/p99 and throughput of
each endpoint, next to the framework floor (a trivial view served by the same server in the
same run).

    ADUAN_ENV=development DATABASE_URL=... .venv/bin/python bench/load.py --label sqlite-10k

Run `bench/generate.py` on the same database first. Starts gunicorn itself (production settings,
`--workers`), logs the clients in by creating their sessions, runs each endpoint for `--seconds`
with `--clients` concurrent clients, writes `bench/results/<label>.json`, prints a table. Every
loop is bounded in time and the server is stopped at the end.
"""

import argparse
import datetime
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_ENV", "development")
# The sessions made here are checked by the server against its SECRET_KEY: both use this one.
BENCH_SECRET = "bench-secret-key-" + "x7Qp" * 12
os.environ.setdefault("SECRET_KEY", BENCH_SECRET)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from aduan.accounts import nik as niks  # noqa: E402
from aduan.accounts.models import User  # noqa: E402
from aduan.reports.models import Report  # noqa: E402
from aduan.reports.visibility import public_reports  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def session_cookie(username: str) -> str:
    user = User.objects.get(username=username)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def endpoints() -> dict:
    """name → (method, path or callable returning (path, body, headers), headers)."""
    public_code = public_reports().order_by("-submitted_at").values_list("code", flat=True).first()
    dispatcher = {"Cookie": session_cookie("bench-dispatcher")}
    officer = {"Cookie": session_cookie("bench-officer")}
    supervisor = {"Cookie": session_cookie("bench-supervisor")}
    found = {
        "floor (trivial view)": ("GET", "/livez", {}),
        "public feed": ("GET", "/laporan/", {}),
        "public report page": ("GET", f"/laporan/{public_code}/", {}),
        "search": ("GET", "/laporan/?" + urlencode({"q": "jalan rusak"}), {}),
        "dispatcher queue": ("GET", "/kantor/antrean/", dispatcher),
        "agency inbox": ("GET", "/kantor/kotak-masuk/", officer),
        "supervisor dashboard": ("GET", "/kantor/statistik/", supervisor),
        "open311 GET requests": ("GET", "/open311/v2/requests.json", {}),
        "open311 GET request": ("GET", f"/open311/v2/requests/{public_code}.json", {}),
    }
    extra = _write_endpoints()
    found.update(extra)
    return found


def write_credentials() -> tuple[str, str]:
    """(a citizen's API token, an Open311 api_key) for the filing endpoints."""
    from aduan.api.models import ApiToken
    from aduan.open311.models import Application

    citizen = User.objects.filter(username__startswith="bench-warga-").order_by("pk").first()
    if not citizen.profile_complete:  # a citizen files with a complete KTP profile, on the API too
        citizen.sex, citizen.birth_date = "L", datetime.date(1990, 3, 12)
        citizen.set_nik("5204081203900001")
        citizen.save()
    _token, raw = ApiToken.issue(citizen, "bench")
    application, _ = Application.objects.get_or_create(name="bench")
    api_key = application.set_key()
    application.save()
    return raw, api_key


def _write_endpoints() -> dict:
    """API create (a citizen's token, a new Idempotency-Key each time) and Open311 POST."""
    raw, api_key = write_credentials()
    api_headers = {"Authorization": f"Bearer {raw}"}

    def api_create():
        boundary = uuid.uuid4().hex
        fields = {
            "title": "Jalan berlubang di depan pasar",
            "classification": "complaint",
            "description": "Kemarin pagi lubang besar di jalan depan pasar membuat motor jatuh.",
            "village": "52.04.08.1004",
        }
        body = (
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                for k, v in fields.items()
            )
            + f"--{boundary}--\r\n"
        )
        return (
            "/api/v1/reports",
            body.encode(),
            {
                **api_headers,
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Idempotency-Key": uuid.uuid4().hex,
            },
        )

    def open311_create():
        body = urlencode(
            {
                "api_key": api_key,
                "service_code": "infrastruktur-jalan",
                "lat": "-8.49",
                "long": "117.42",
                "description": "Lubang besar di jalan depan pasar, kemarin pagi motor jatuh.",
                "attribute[status-jalan]": "kabupaten",
                "email": "bench@bench.invalid",
            }
        )
        return (
            "/open311/v2/requests.json",
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    public_code = public_reports().order_by("-submitted_at").values_list("code", flat=True).first()
    return {
        "API list": ("GET", "/api/v1/reports", api_headers),
        "API detail": ("GET", f"/api/v1/reports/{public_code}", api_headers),
        "API create": ("POST", api_create, {}),
        "open311 POST requests": ("POST", open311_create, {}),
    }


class Client(threading.Thread):
    def __init__(self, port, method, target, headers, stop_at, samples):
        super().__init__(daemon=True)
        self.port, self.method, self.target, self.headers = port, method, target, headers
        self.stop_at, self.samples, self.errors = stop_at, samples, 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.stop_at:
            if callable(self.target):
                path, body, headers = self.target()
            else:
                path, body, headers = self.target, None, {}
            started = time.perf_counter()
            try:
                conn.request(self.method, path, body=body, headers={**self.headers, **headers})
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 300  # a redirect to the login page is a failure
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            elapsed = time.perf_counter() - started
            if ok:
                self.samples.append(elapsed)
            else:
                self.errors += 1
        conn.close()


class Writer(threading.Thread):
    """Posts `target` (a write) `rate` times a second until `stop_at`, alongside a measured read:
    every write commits a change, so the cached lists of that read are rendered again."""

    def __init__(self, port, target, headers, rate, stop_at):
        super().__init__(daemon=True)
        self.port, self.target, self.headers, self.rate, self.stop_at = (
            port,
            target,
            headers,
            rate,
            stop_at,
        )
        self.done = 0

    def run(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        next_at = time.monotonic()
        while next_at < self.stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            path, body, headers = self.target()
            try:
                conn.request("POST", path, body=body, headers={**self.headers, **headers})
                response = conn.getresponse()
                response.read()
                self.done += 200 <= response.status < 300
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            next_at += 1 / self.rate
        conn.close()


# Reads measured while reports are filed through the API alongside (name → (read, filings per
# second)): each filing moves the lists' cache generation on (aduan/core/fragments.py), so these
# rows show the lists as they are rendered again and again, not only served from the cache. 2 a
# second is ~30 times the national average (2 million reports a year).
MIXED = {
    "public feed, 2 filings/s alongside": ("public feed", 2.0),
    "dispatcher queue, 2 filings/s alongside": ("dispatcher queue", 2.0),
}


def measure(port, method, target, headers, clients, seconds, writer=None) -> dict:
    samples: list[float] = []
    stop_at = time.monotonic() + seconds
    threads = [Client(port, method, target, headers, stop_at, samples) for _ in range(clients)]
    if writer is not None:
        write_target, write_headers, rate = writer
        threads.append(Writer(port, write_target, write_headers, rate, stop_at))
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    wall = time.monotonic() - started
    errors = sum(t.errors for t in threads if isinstance(t, Client))
    if not samples:
        return {"requests": 0, "errors": errors}
    ordered = sorted(samples)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "requests": len(samples),
        "errors": errors,
        "rps": round(len(samples) / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(samples) * 1000, 1),
    }


def start_server(
    port: int, workers: int, app: str = "aduan.wsgi", timeout: int = 30
) -> subprocess.Popen:
    """gunicorn serving `app` (sync workers) with the production settings below; `/livez` answers
    once it is up. `timeout`: gunicorn's, which also bounds a worker's start (importing the app
    took over 30 s on the shared machine at a load average of 20)."""
    env = {
        **os.environ,
        "ADUAN_ENV": "production",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT_PER_MINUTE": "0",
        # a load of one client from one address, not an abuse to limit
        "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": "0",
        "FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR": "0",
        "FILING_RATE_LIMIT_PER_IP_PER_HOUR": "0",
        "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
        "OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR": "0",
        "OPEN311_RATE_LIMIT_PER_IP_PER_HOUR": "0",
        "DB_CONN_MAX_AGE": "60",
        # The keys this process stored the filing citizen's NIK under (derived from the shared
        # SECRET_KEY in development mode; production takes them from the environment only).
        "NIK_ENCRYPTION_KEYS": ",".join(niks.encryption_keys()),
        "NIK_HASH_KEY": "bench-nik-hash-" + "q4Zt" * 8,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--timeout",
            str(timeout),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(100 + timeout * 5):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8390)
    parser.add_argument("--only", nargs="*", help="endpoint names to run (default: all)")
    args = parser.parse_args(argv)
    targets = endpoints()
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only or k.startswith("floor")}
    server = start_server(args.port, args.workers)
    results = {
        "label": args.label,
        "reports": Report.objects.count(),
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "database": django.db.connection.vendor,
        "endpoints": {},
    }
    try:
        for name, (method, target, headers) in targets.items():
            measure(args.port, method, target, headers, 2, 1.0)  # warm-up
            results["endpoints"][name] = measure(
                args.port, method, target, headers, args.clients, args.seconds
            )
            print(name, results["endpoints"][name], flush=True)
        if "API create" in targets:
            _method, write_target, write_headers = targets["API create"]
            for name, (read, rate) in MIXED.items():
                if read not in targets:
                    continue
                method, target, headers = targets[read]
                results["endpoints"][name] = measure(
                    args.port,
                    method,
                    target,
                    headers,
                    args.clients,
                    args.seconds,
                    writer=(write_target, write_headers, rate),
                )
                print(name, results["endpoints"][name], flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    floor = results["endpoints"]["floor (trivial view)"].get("rps") or 0
    for row in results["endpoints"].values():
        row["ratio_to_floor"] = round(row["rps"] / floor, 3) if floor and row.get("rps") else None
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.label}.json").write_text(json.dumps(results, indent=2))
    print(f"written bench/results/{args.label}.json")


if __name__ == "__main__":
    main()

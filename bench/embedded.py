"""The embedded default under load (issue 18): SQLite, gunicorn with 2 sync workers, wrk with 10
connections, each endpoint's throughput as a ratio to `/livez` measured in the same run, and
`/livez` against a bare Django view behind the same gunicorn.

    DATABASE_URL=sqlite:///$PWD/var/embedded-10000.sqlite3 .venv/bin/python bench/embedded.py

`bench/embedded.sh` (`make bench-embedded`) generates the data first. The server runs with the
production settings of the load runner (`bench/load.py`: no Redis, so the cache is per process and
huey's queue is SQLite, as in the embedded default). Each run measures every endpoint for
`--seconds` with wrk (`bench/wrk/aduan.lua`); `--runs` runs, and the table shows the median of
each figure over the runs, each run's ratio taken against that run's `/livez`. Writes
`bench/results/embedded-<UTC time>.json`.
"""

import argparse
import datetime
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.pop("REDIS_URL", None)  # the embedded default: no Redis
# As in production, filings are signed (a receipt each): a fixed key for the bench only.
os.environ.setdefault("AUDIT_SIGNING_KEY", "YmVuY2gtYXVkaXQtc2lnbmluZy1rZXktMzItYnl0ZXM=")

import load
from django.db import connection

from aduan.reports.models import Report
from aduan.reports.visibility import public_reports

ROOT = load.ROOT
LUA = ROOT / "bench" / "wrk" / "aduan.lua"
LIVEZ = "/livez"
BARE = "bare Django view"
# name → (server, wrk mode, path)
ENDPOINTS = {
    BARE: ("bare", "get", LIVEZ),
    "/livez": ("aduan", "get", LIVEZ),
    "Open311 services": ("aduan", "get", "/open311/v2/services.json"),
    "Open311 one request": ("aduan", "get", "/open311/v2/requests/{code}.json"),
    "Open311 list of 100, uncached": ("aduan", "vary", "/open311/v2/requests.json?page_size=100"),
    "Open311 POST requests": ("aduan", "open311", "/open311/v2/requests.json"),
    "API create": ("aduan", "api_create", "/api/v1/reports"),
}
# name → (what is compared, the bound, the p99 bound in ms or None)
TARGETS = {
    "/livez": ("rps / bare Django view", 0.90, None),
    "Open311 services": ("rps / /livez", 0.35, None),
    "Open311 one request": ("rps / /livez", 0.30, None),
    "Open311 list of 100, uncached": ("rps / /livez", 0.06, None),
    "Open311 POST requests": ("rps / /livez", 0.06, 300),
    "API create": ("rps / /livez", 0.06, 300),
}
WRK_INSTALL = "wrk is needed: apt-get install wrk (Debian/Ubuntu package `wrk`)"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk with apt-get", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=False)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit(WRK_INSTALL)
    return found


def wrk(wrk_bin, port, path, mode, seconds, connections, extra_env) -> dict:
    env = {**os.environ, **extra_env, "BENCH_MODE": mode, "BENCH_RUN": uuid.uuid4().hex[:12]}
    out = subprocess.run(
        [
            wrk_bin,
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}{path}",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    found = re.search(r"^BENCH (\{.*\})$", out, re.M)
    if not found:
        raise SystemExit(f"wrk printed no result for {path}:\n{out}")
    raw = json.loads(found.group(1))
    errors = sum(v for k, v in raw.items() if k.startswith("errors_"))
    ok = raw["requests"] - raw["errors_status"]
    return {
        "requests": raw["requests"],
        "errors": errors,
        "rps": round(ok / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 1),
        "p95_ms": round(raw["p95_us"] / 1000, 1),
        "p99_ms": round(raw["p99_us"] / 1000, 1),
        "max_ms": round(raw["max_us"] / 1000, 1),
    }


def check(port: int, method: str, path: str, body=None, headers=None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def run_once(wrk_bin, ports, paths, args, extra_env) -> dict:
    rows = {"load_average_before": load_average()}
    for name, (server, mode, _path) in ENDPOINTS.items():
        if args.only and name not in args.only and name not in (BARE, "/livez"):
            continue
        port = ports[server]
        wrk(wrk_bin, port, paths[name], mode, 1, args.connections, extra_env)  # warm-up
        rows[name] = wrk(
            wrk_bin, port, paths[name], mode, args.seconds, args.connections, extra_env
        )
        print(f"  {name}: {rows[name]}", flush=True)
    rows["load_average_after"] = load_average()
    floor, bare = rows["/livez"]["rps"], rows[BARE]["rps"]
    for row in rows.values():
        if isinstance(row, dict) and "rps" in row:
            row["ratio_to_livez"] = round(row["rps"] / floor, 3) if floor else None
    rows["/livez"]["ratio_to_bare"] = round(floor / bare, 3) if bare else None
    return rows


def summarise(runs: list[dict]) -> dict:
    """The median of each figure over the runs."""
    summary = {}
    for name in ENDPOINTS:
        measured = [r[name] for r in runs if name in r]
        if not measured:
            continue
        summary[name] = {
            key: round(statistics.median(m[key] for m in measured), 3)
            for key in measured[0]
            if isinstance(measured[0][key], (int, float))
        }
    return summary


def verdict(name: str, row: dict) -> tuple[str, str]:
    if name not in TARGETS:
        return "", ""
    what, bound, p99 = TARGETS[name]
    value = row.get("ratio_to_bare") if name == "/livez" else row.get("ratio_to_livez")
    text = f"{what} ≥ {bound}" + (f", p99 < {p99} ms" if p99 else "")
    met = value is not None and value >= bound and (p99 is None or row["p99_ms"] < p99)
    return text, "yes" if met else "**no**"


def table(summary: dict) -> str:
    lines = [
        "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | ratio | target | met |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, row in summary.items():
        ratio = row.get("ratio_to_bare") if name == "/livez" else row.get("ratio_to_livez")
        target, met = verdict(name, row)
        ratio_text = f"{ratio:.3f}" + (" (of bare)" if name == "/livez" else "")
        lines.append(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['errors']:.0f} | {ratio_text} | {target} | {met} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--bare-port", type=int, default=8392)
    parser.add_argument("--only", nargs="*", help="endpoints to run (with the two floors)")
    parser.add_argument("--label", default="embedded")
    parser.add_argument("--timeout", type=int, default=120, help="gunicorn's worker timeout")
    args = parser.parse_args(argv)
    if connection.vendor != "sqlite":
        print(f"note: measuring on {connection.vendor}, not the embedded default", flush=True)
    wrk_bin = ensure_wrk()
    code = public_reports().order_by("-submitted_at").values_list("code", flat=True).first()
    # A new Open311 key for the "bench" application: another bench process started meanwhile
    # would replace it, and every POST of this one would be refused (403, counted as errors).
    token, api_key = load.write_credentials()
    extra_env = {"BENCH_TOKEN": token, "BENCH_API_KEY": api_key}
    paths = {name: path.format(code=code) for name, (_s, _m, path) in ENDPOINTS.items()}
    started = datetime.datetime.now(datetime.UTC)
    servers = {}
    try:
        servers["aduan"] = load.start_server(args.port, args.workers, timeout=args.timeout)
        servers["bare"] = load.start_server(
            args.bare_port, args.workers, "bench.bare_wsgi", timeout=args.timeout
        )
        ports = {"aduan": args.port, "bare": args.bare_port}
        for name, (server, mode, _path) in ENDPOINTS.items():
            if mode == "get" or mode == "vary":
                status = check(ports[server], "GET", paths[name])
                if status != 200:
                    raise SystemExit(f"{name}: {paths[name]} answers {status}")
        runs = []
        for number in range(1, args.runs + 1):
            print(f"run {number} of {args.runs}, load average {load_average()}", flush=True)
            runs.append(run_once(wrk_bin, ports, paths, args, extra_env))
    finally:
        for server in servers.values():
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    summary = summarise(runs)
    results = {
        "label": args.label,
        "started": started.isoformat(timespec="seconds"),
        "database": connection.vendor,
        "reports": Report.objects.count(),
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
        "median": summary,
        "runs": runs,
    }
    load.RESULTS.mkdir(parents=True, exist_ok=True)
    out = load.RESULTS / f"{args.label}-{started:%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    loads = [r["load_average_before"][0] for r in runs]
    print()
    print(
        f"{results['reports']:,} reports on {connection.vendor}, {args.workers} sync workers, "
        f"{args.connections} connections, {args.seconds} s each, median of {len(runs)} runs "
        f"(1-min load average at the start of each run: {loads})"
    )
    print(table(summary))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

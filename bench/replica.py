"""Read replica benchmark (issue 18): the public's read endpoints on the primary alone, then with a
streaming standby (DATABASE_REPLICA_URL), then while the standby is stopped and started again.

    .venv/bin/python bench/replica.py --label replica-100k

Builds its own pair of clusters (tests/pg_clusters.py: initdb, `pg_basebackup -R`, free ports,
removed at the end): the primary gets a copy of `--source` (a database made by bench/generate.py,
default aduan_bench_base_100000 on 127.0.0.1:5432, only read), then the standby is made from it.
Runs gunicorn with bench/load.py's settings, FRAGMENT_CACHE_SECONDS=0 (so every request reads the
database: with the cache on, most reads never reach either server) and a local-memory cache.
Counts the rows each server returned during each run (pg_stat_database), which shows where the
reads went. Writes bench/results/<label>.json and prints a table.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pg_clusters import PG_BIN, Clusters, free_port  # noqa: E402

READS = (
    "public feed",
    "public report page",
    "search",
    "open311 GET requests",
    "open311 GET request",
    "public statistics",
)


# An idle backend sends its counters to pg_stat_database up to 10 s after its last query.
STATS_FLUSH_SECONDS = 11


def rows_read(port: int) -> int:
    """Rows returned and fetched by every database of the cluster since it started."""
    out = subprocess.run(
        [
            str(PG_BIN / "psql"),
            *("-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "aduan", "-Atc"),
            "SELECT sum(tup_returned + tup_fetched) FROM pg_stat_database",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.strip() or 0)


def copy_data(clusters: Clusters, source: str) -> None:
    dump = subprocess.Popen(
        [str(PG_BIN / "pg_dump"), "-h", "127.0.0.1", "-U", "postgres", "-Fc", source],
        stdout=subprocess.PIPE,
    )
    subprocess.run(
        [
            str(PG_BIN / "pg_restore"),
            *("-h", "127.0.0.1", "-p", str(clusters.primary_port), "-U", "postgres"),
            *("-d", "aduan", "--no-owner", "--no-privileges"),
        ],
        stdin=dump.stdout,
        check=True,
    )
    if dump.wait() != 0:
        raise SystemExit(f"pg_dump of {source} failed")
    subprocess.run(
        [
            str(PG_BIN / "psql"),
            *("-h", "127.0.0.1", "-p", str(clusters.primary_port), "-U", "postgres"),
            *("-d", "aduan", "-qc", "VACUUM ANALYZE"),
        ],
        check=True,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", default="replica")
    parser.add_argument("--source", default="aduan_bench_base_100000")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=4)
    # A free port by default: a fixed one may be another bench's upstream on a shared machine
    # (a first run here received another engineer's Open311 POSTs on 8391).
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--fallback-only", action="store_true", help="only the run with the standby stopped"
    )
    args = parser.parse_args(argv)
    args.port = args.port or free_port()
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the clusters and gunicorn are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    clusters = Clusters()
    try:
        clusters.start_primary()
        copy_data(clusters, args.source)
        primary_url = f"postgres://postgres@127.0.0.1:{clusters.primary_port}/aduan"
        os.environ["DATABASE_URL"] = primary_url
        os.environ["FRAGMENT_CACHE_SECONDS"] = "0"
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("ADUAN_ENV", "development")
        # A worker's first request loads the whole app: on a busy shared machine that took more
        # than gunicorn's default 30 s, and the worker was killed before it answered.
        os.environ.setdefault("GUNICORN_CMD_ARGS", "--timeout 300")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True, env=os.environ
        )
        clusters.make_replica()
        replica_url = f"postgres://postgres@127.0.0.1:{clusters.replica_port}/aduan"
        run(args, clusters, replica_url)
    finally:
        clusters.remove()


def run(args, clusters: Clusters, replica_url: str) -> None:
    from bench import load  # django.setup() on the primary, now that DATABASE_URL is set

    targets = {k: v for k, v in load.endpoints().items() if k in READS}
    targets["public statistics"] = ("GET", "/statistik/", {})
    results = {
        "label": args.label,
        "reports": load.Report.objects.count(),
        "clients": args.clients,
        "seconds": args.seconds,
        "workers": args.workers,
        "uptime_before": _uptime(),
        "modes": {},
    }

    for mode in ("with replica",) if args.fallback_only else ("primary only", "with replica"):
        if mode == "with replica":
            os.environ["DATABASE_REPLICA_URL"] = replica_url
        else:
            os.environ.pop("DATABASE_REPLICA_URL", None)
        server = load.start_server(args.port, args.workers)
        rows = results["modes"][mode] = {}
        try:
            for name, (method, target, headers) in targets.items():
                if args.fallback_only:
                    break
                load.measure(args.port, method, target, headers, 2, 1.0)  # warm-up
                before = rows_read(clusters.primary_port), rows_read(clusters.replica_port)
                row = load.measure(args.port, method, target, headers, args.clients, args.seconds)
                time.sleep(STATS_FLUSH_SECONDS)
                after = rows_read(clusters.primary_port), rows_read(clusters.replica_port)
                row["rows_primary"] = after[0] - before[0]
                row["rows_replica"] = after[1] - before[1]
                rows[name] = row
                print(mode, name, row, flush=True)
            if mode == "with replica":
                results["fallback"] = fallback(args, clusters, targets["public feed"])
        finally:
            load.os.killpg(server.pid, load.signal.SIGTERM)
            server.wait(30)
    results["uptime_after"] = _uptime()
    load.RESULTS.mkdir(parents=True, exist_ok=True)
    (load.RESULTS / f"{args.label}.json").write_text(json.dumps(results, indent=2))
    if not args.fallback_only:
        print(table(results))
    print(f"written bench/results/{args.label}.json")


def fallback(args, clusters: Clusters, feed) -> dict:
    """The public feed while the standby is stopped a third of the way in (fast shutdown), then
    for a run after it has been started again (and REPLICA_RETRY_SECONDS have passed)."""
    method, target, headers = feed
    stopped_at = {}

    def stop_later():
        time.sleep(args.seconds / 3)
        stopped_at["t"] = time.monotonic()
        clusters.stop_replica()

    stopper = threading.Thread(target=stop_later)
    stopper.start()
    during = _measure(args, method, target, headers)
    stopper.join()
    clusters.start_replica()
    time.sleep(31)  # REPLICA_RETRY_SECONDS (30 by default) after the last failure
    before = rows_read(clusters.replica_port)
    after_restart = _measure(args, method, target, headers)
    time.sleep(STATS_FLUSH_SECONDS)
    after_restart["rows_replica"] = rows_read(clusters.replica_port) - before
    return {"replica stopped during the run": during, "replica started again": after_restart}


def _measure(args, method, target, headers) -> dict:
    from bench import load

    samples: list[float] = []
    stop_at = time.monotonic() + args.seconds
    threads = [
        load.Client(args.port, method, target, headers, stop_at, samples)
        for _ in range(args.clients)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(args.seconds + 60)
    ordered = sorted(samples)
    errors = sum(t.errors for t in threads)

    def pct(p):
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 1)

    return {
        "requests": len(samples),
        "errors": errors,
        "p50_ms": pct(0.5),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def table(results: dict) -> str:
    alone, both = results["modes"]["primary only"], results["modes"]["with replica"]
    lines = [
        "| endpoint | primary only: req/s | p95 ms | with replica: req/s | p95 ms "
        "| rows read on the replica |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, row in alone.items():
        other = both[name]
        share = other["rows_replica"] / max(1, other["rows_replica"] + other["rows_primary"])
        lines.append(
            f"| {name} | {row.get('rps')} | {row.get('p95_ms')} | {other.get('rps')} "
            f"| {other.get('p95_ms')} | {share:.0%} |"
        )
    for name, row in results.get("fallback", {}).items():
        lines.append(f"\nfeed, {name}: {row}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

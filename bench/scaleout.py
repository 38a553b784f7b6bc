"""Out across machines (issue 18): the deployment of several machines, on this one, under load.

    make bench-scaleout
    ADUAN_ENV=development .venv/bin/python bench/scaleout.py --reports 10000 --seconds 10

1. Debian's nginx (installed with apt-get when missing and run as root), a PostgreSQL database
   `aduan_scaleout_<n>` on BENCH_PG_URL (created when missing, migrated and filled by
   `bench/generate.py`), a redis-server of its own on a free port (the machine's Redis is left
   alone), two gunicorn app servers, two huey consumers and nginx in front (`bench/cluster.py`).
2. Throughput and p95 of a few endpoints (`bench/load.py`'s clients) straight to one app server,
   through nginx to one app server, and through nginx to two.
3. One app server killed with SIGKILL while citizens file through nginx, then started again.
4. Redis stopped while they file, kept down until filings have gone on without it, started
   again empty; then the consumers' next tick delivers every message of those filings.
Counts of 3 and 4: filings acknowledged (201 with a code), lost (acknowledged, not in the
database), stored twice, errors the clients saw, requests nginx repeated on the other server.
Writes `bench/results/scaleout.json` and prints the tables of the README.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cluster import Cluster, FilingLoad, missing_tools, wait_for  # noqa: E402


def ensure_nginx() -> None:
    """Debian's nginx, installed as CI installs chromium (.ci/run) when it is missing."""
    if not missing_tools():
        return
    if shutil.which("apt-get") and os.geteuid() == 0 and "nginx" in missing_tools():
        subprocess.run(["apt-get", "update", "-q"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "nginx"], check=True)
    if missing_tools():
        raise SystemExit(f"not found: {', '.join(missing_tools())} (apt-get install nginx)")


def ensure_database(pg: str, name: str, reports: int) -> str:
    exists = subprocess.run(
        ["psql", f"{pg}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{pg}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    url = f"{pg}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "ADUAN_ENV": "development"}
    subprocess.run(
        [sys.executable, "bench/generate.py", "--reports", str(reports)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def server_env(niks) -> dict[str, str]:
    """Production settings as `bench/load.py` runs them, with the rate limits on (counted in
    Redis, as in production) but high enough for a load from one address."""
    high = "1000000"
    return {
        "ADUAN_ENV": "production",
        "SECRET_KEY": os.environ["SECRET_KEY"],
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        "ADUAN_DOTENV": "/nonexistent",
        "DB_CONN_MAX_AGE": "60",
        "API_RATE_LIMIT_PER_MINUTE": high,
        "API_RATE_LIMIT_PER_IP_PER_MINUTE": high,
        "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": high,
        "FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR": high,
        "FILING_RATE_LIMIT_PER_IP_PER_HOUR": high,
        "NIK_ENCRYPTION_KEYS": ",".join(niks.encryption_keys()),
        "NIK_HASH_KEY": "bench-nik-hash-" + "q4Zt" * 8,
    }


def access_log(cluster: Cluster) -> list[str]:
    path = cluster.dir / "nginx-access.log"
    return path.read_text(errors="replace").splitlines() if path.exists() else []


def outcome(load: FilingLoad, cluster: Cluster, log_from: int) -> dict:
    """What the clients saw, checked against the database; nginx's repeats from line
    `log_from` of its access log on."""
    from aduan.reports.models import Report

    codes = [ack[0] for ack in load.acknowledged]
    stored = set(Report.objects.filter(code__in=codes).values_list("code", flat=True))
    titles = list(
        Report.objects.filter(title__startswith=load.title).values_list("title", flat=True)
    )
    repeated = [
        line
        for line in access_log(cluster)[log_from:]
        if "POST /api/v1/reports" in line and ", " in line.split("upstream=")[-1]
    ]
    return {
        "acknowledged": len(codes),
        "lost": len(set(codes) - stored),
        "stored_twice": len(titles) - len(set(titles)),
        "client_errors": len(load.errors),
        "client_error_kinds": sorted({e[1] for e in load.errors}),
        "repeated_by_nginx": len(repeated),
    }


def rate(load: FilingLoad, start: float, end: float) -> float:
    n = sum(1 for ack in load.acknowledged if start <= ack[3] < end)
    return round(n / max(end - start, 0.001), 1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--filers", type=int, default=8, help="filing threads in 3 and 4")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument(
        "--pg", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args(argv)

    ensure_nginx()
    database_url = ensure_database(args.pg, f"aduan_scaleout_{args.reports}", args.reports)
    os.environ["DATABASE_URL"] = database_url
    # bench/load.py sets Django up on DATABASE_URL when imported
    import load

    from aduan.accounts import nik as niks
    from aduan.notifications.models import Notification
    from aduan.reports.models import Report

    results: dict = {
        "reports": Report.objects.count(),
        "clients": args.clients,
        "seconds": args.seconds,
        "workers_per_app_server": args.workers,
        "uptime_before": uptime(),
        "throughput": {},
    }
    env = server_env(niks)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )
    targets = load.endpoints()
    chosen = ["floor (trivial view)", "public report page", "API detail", "API create"]
    token = targets["API list"][2]["Authorization"].split()[1]

    with Cluster(database_url, env, workers=args.workers) as cluster:
        cluster.start_redis()
        cluster.start_apps(2, wait=False)
        cluster.start_consumers(2, wait=False)
        cluster.wait_apps()
        cluster.wait_consumers()

        # 2. One app server straight, through nginx, and two through nginx.
        layouts = {
            "one app server, direct": lambda: cluster.app_ports[0],
            "nginx → one app server": lambda: cluster.start_proxy([0]),
            "nginx → two app servers": lambda: cluster.start_proxy(),
        }
        for layout, port_of in layouts.items():
            port = port_of()
            rows = results["throughput"][layout] = {}
            for name in chosen:
                method, target, headers = targets[name]
                load.measure(port, method, target, headers, 2, 1.0)  # warm-up
                rows[name] = load.measure(port, method, target, headers, args.clients, args.seconds)
                print(layout, "|", name, rows[name], flush=True)

        # 3. An app server dies mid-load, and comes back.
        port = cluster.start_proxy()
        log_from = len(access_log(cluster))
        filing = FilingLoad(port, token, threads=args.filers, title="Skala: mati").start()
        try:
            started = time.monotonic()
            wait_for(lambda: len(filing.acknowledged) >= 50, 120, "50 filings before the kill")
            killed_at = time.monotonic()
            cluster.kill_app(0)
            wait_for(lambda: filing.acknowledged_since(killed_at) >= 100, 180, "100 after it")
            back_at = time.monotonic()
            cluster.restart_app(0)
            restarted_at = time.monotonic()
            home = f"127.0.0.1:{cluster.app_ports[0]}"
            wait_for(
                lambda: any(a[2] == home and a[3] > restarted_at for a in filing.acknowledged),
                120,
                "the restarted server to take filings again",
            )
            rejoined_at = time.monotonic()
        finally:
            filing.stop()
        results["kill"] = {
            **outcome(filing, cluster, log_from),
            "filings_per_s_before": rate(filing, started, killed_at),
            "filings_per_s_with_one": rate(filing, killed_at, back_at),
            "errors_in_the_5_s_after_the_kill": sum(
                1 for e in filing.errors if killed_at <= e[0] < killed_at + 5
            ),
            "restart_to_first_filing_s": round(rejoined_at - back_at, 1),
            # when each client error happened, in seconds after the kill (the restart at ...)
            "error_times_s": [round(e[0] - killed_at, 1) for e in filing.errors],
            "restart_at_s": round(back_at - killed_at, 1),
        }
        print("kill", results["kill"], flush=True)

        # 4. Redis restarts mid-load (empty: no persistence).
        log_from = len(access_log(cluster))
        filing = FilingLoad(port, token, threads=args.filers, title="Skala: redis").start()
        try:
            started = time.monotonic()
            wait_for(lambda: len(filing.acknowledged) >= 50, 120, "50 filings with Redis")
            down_at = time.monotonic()
            cluster.stop_redis()
            wait_for(lambda: filing.acknowledged_since(down_at) >= 100, 180, "100 without it")
            up_at = time.monotonic()
            cluster.start_redis()
            wait_for(lambda: filing.acknowledged_since(up_at) >= 100, 180, "100 after it")
            ended = time.monotonic()
        finally:
            filing.stop()
        codes = [ack[0] for ack in filing.acknowledged]
        messages = Notification.objects.filter(report__code__in=codes)
        # The consumers' next tick (each scheduler's, once a minute), here at once.
        from huey.consumer import Scheduler
        from huey.contrib.djhuey import HUEY

        from aduan.ops.periodic import OncePerTickRedisHuey

        tick = OncePerTickRedisHuey("aduan", url=cluster.redis_url)
        tick._registry = HUEY._registry
        waiting = messages.exclude(state=Notification.State.SENT).count()
        ticked = time.monotonic()
        Scheduler(tick, None, 1, True).enqueue_periodic_tasks(None)
        wait_for(
            lambda: not messages.exclude(state=Notification.State.SENT).exists(),
            120,
            "every message of the acknowledged filings to be sent",
            step=0.5,
        )
        results["redis_restart"] = {
            **outcome(filing, cluster, log_from),
            "redis_down_s": round(up_at - down_at, 1),
            "filings_per_s_with_redis": rate(filing, started, down_at),
            "filings_per_s_without": rate(filing, down_at, up_at),
            "filings_per_s_after": rate(filing, up_at, ended),
            "messages": messages.count(),
            "messages_unsent_after_restart": waiting,
            "all_sent_within_s": round(time.monotonic() - ticked, 1),
        }
        print("redis", results["redis_restart"], flush=True)
    results["uptime_after"] = uptime()
    load.RESULTS.mkdir(parents=True, exist_ok=True)
    (load.RESULTS / "scaleout.json").write_text(json.dumps(results, indent=2))
    print_tables(results)


def print_tables(results: dict) -> None:
    print(f"\n{results['reports']:,} reports; {results['uptime_before']}")
    print("| endpoint | " + " | ".join(results["throughput"]) + " |")
    print("|---|" + "---:|" * len(results["throughput"]))
    names = next(iter(results["throughput"].values()))
    for name in names:
        cells = [
            f"{row[name].get('rps', 0)}/s, p95 {row[name].get('p95_ms', '–')} ms"
            + (f", {row[name]['errors']} errors" if row[name].get("errors") else "")
            for row in results["throughput"].values()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    for scenario in ("kill", "redis_restart"):
        print(f"\n{scenario}: " + json.dumps(results[scenario]))
    print(results["uptime_after"])


if __name__ == "__main__":
    main()

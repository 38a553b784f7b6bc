r"""The SQL of each load-test endpoint, slowest first, with the plan of the slowest: what to look
at when a read grows with the data (issue 18: 10M against 1M).

    DATABASE_URL=... .venv/bin/python bench/queries.py [--only "dispatcher queue"] [--explain 2]

Each endpoint is requested in-process (production settings, as `profile_requests.py`) once to
warm up, then again with every cache emptied (the path a filing's invalidation leaves the next
reader), recording its queries and their times; the `--explain` slowest are then run under
EXPLAIN (ANALYZE, BUFFERS) and their plans printed. Only the GET endpoints are run; like
`load.py`, it completes the bench citizen's profile and issues a token and an Open311 key.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profile_requests
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

load = profile_requests.load


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--explain", type=int, default=1, help="plans of the N slowest queries")
    parser.add_argument("--show", type=int, default=5, help="queries listed per endpoint")
    args = parser.parse_args(argv)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=profile_requests.ROOT,
        check=True,
    )
    # The filing citizen's profile is completed as `load.py` does it (development keys); in this
    # process's production settings it could not be.
    subprocess.run(
        [sys.executable, "-c", "import load; load.endpoints()"],
        cwd=Path(__file__).resolve().parent,
        env={**os.environ, "ADUAN_ENV": "development", "SECRET_KEY": load.BENCH_SECRET},
        check=True,
    )
    targets = {k: v for k, v in load.endpoints().items() if v[0] == "GET"}
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only}
    for name, (method, target, headers) in targets.items():
        client = Client(HTTP_HOST="127.0.0.1")
        profile_requests.request(client, method, target, headers)  # warm-up
        for alias in caches:
            caches[alias].clear()
        timings = []
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = profile_requests.request(client, method, target, headers).status_code
            total = (time.perf_counter() - started) * 1000
        for q in captured.captured_queries:
            timings.append((float(q["time"]) * 1000, q["sql"]))
        timings.sort(key=lambda t: -t[0])
        sql_ms = sum(t for t, _ in timings)
        print(
            f"===== {name}: {total:.0f} ms uncached (status {status}), {len(timings)} queries, "
            f"{sql_ms:.0f} ms in SQL ====="
        )
        for ms, sql in timings[: args.show]:
            print(f"  {ms:7.1f} ms  {sql[:300]}")
        for _ms, sql in timings[: args.explain]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print("\n".join("    " + row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()

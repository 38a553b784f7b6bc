r"""Single-request latency of each load-test endpoint: one client, requests one after another, so
that the figure is the cost of the request itself, not of queueing (usable on a busy machine,
where the 20-client figures of `load.py` are not).

    ADUAN_ENV=development DATABASE_URL=... \
        .venv/bin/python bench/single.py --label pg-1000000 [--repeat 9]

Starts gunicorn like `load.py` (one worker), sends each endpoint `--repeat` times after one
warm-up request and prints the median and the minimum in milliseconds (and the warm-up's own
time: for the dashboard, the figures computed before they are cached); `--json FILE` also writes
them. Results are not added to the README table (that is `load.py`'s).
"""

import argparse
import http.client
import json
import os
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load


def timed(port: int, method: str, target, headers: dict) -> tuple[float, int]:
    if callable(target):
        path, body, extra = target()
    else:
        path, body, extra = target, None, {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    conn.request(method, path, body=body, headers={**headers, **extra})
    response = conn.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed * 1000, response.status


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--port", type=int, default=8391)
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    targets = load.endpoints()
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only}
    server = load.start_server(args.port, 1)
    out = {}
    try:
        for name, (method, target, headers) in targets.items():
            first_ms, _status = timed(
                args.port, method, target, headers
            )  # warm-up: caches, connections
            samples, statuses = [], set()
            for _ in range(args.repeat):
                ms, status = timed(args.port, method, target, headers)
                samples.append(ms)
                statuses.add(status)
            out[name] = {
                "median_ms": round(statistics.median(samples), 1),
                "min_ms": round(min(samples), 1),
                "first_ms": round(first_ms, 1),
                "status": sorted(statuses),
            }
            print(
                f"{args.label:>18} {name:<24} median {out[name]['median_ms']:>8} ms  "
                f"min {out[name]['min_ms']:>8} ms  first {out[name]['first_ms']:>8} ms  "
                f"{out[name]['status']}",
                flush=True,
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    if args.json:
        Path(args.json).write_text(json.dumps({"label": args.label, "endpoints": out}, indent=2))


if __name__ == "__main__":
    main()

r"""Where a request's time goes: each load-test endpoint run in-process under cProfile, with the
production settings the load runner's server uses.

    DATABASE_URL=... .venv/bin/python bench/profile_requests.py [--only "public feed"] \
        [--repeat 20] [--top 25]

Prints, per endpoint, the mean wall time of a request through the whole Django stack (middleware,
view, templates; no HTTP server) and the functions with the most cumulative time. Run
`bench/generate.py` on the same database first. Nothing is written.
"""

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
PRODUCTION = {
    "ADUAN_ENV": "production",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "SECURE_HSTS_SECONDS": "0",
    "LOG_LEVEL": "WARNING",
    "API_RATE_LIMIT_PER_MINUTE": "0",
    "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": "0",
    "FILING_RATE_LIMIT_PER_IP_PER_HOUR": "0",
    "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
    "OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR": "0",
    "OPEN311_RATE_LIMIT_PER_IP_PER_HOUR": "0",
}
os.environ.update(PRODUCTION)

import load  # noqa: E402  (sets Django up with the environment above and the bench's SECRET_KEY)
from django.test import Client  # noqa: E402


def request(client: Client, method: str, target, headers: dict):
    if callable(target):
        path, body, extra = target()
    else:
        path, body, extra = target, None, {}
    meta = {}
    for name, value in {**headers, **extra}.items():
        if name == "Cookie":
            key, _, val = value.partition("=")
            client.cookies[key] = val
        elif name == "Content-Type":
            meta["content_type"] = value
        else:
            meta["HTTP_" + name.upper().replace("-", "_")] = value
    if method == "GET":
        return client.get(path, **meta)
    return client.generic(method, path, body or b"", **meta)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative")
    args = parser.parse_args(argv)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True
    )
    targets = load.endpoints()
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only}
    for name, (method, target, headers) in targets.items():
        client = Client(HTTP_HOST="127.0.0.1")
        status = request(client, method, target, headers).status_code  # warm-up
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(args.repeat):
            request(client, method, target, headers)
        profiler.disable()
        mean = (time.perf_counter() - started) / args.repeat * 1000
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(f"===== {name}: {mean:.1f} ms per request under the profiler (status {status}) =====")
        print("\n".join(line for line in out.getvalue().splitlines()[6:] if line.strip()))


if __name__ == "__main__":
    main()

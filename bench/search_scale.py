r"""Search latency at scale: builds N reports (default 100,000) quickly and times queries.

    ADUAN_ENV=development DATABASE_URL=sqlite:///var/bench.sqlite3 \
        .venv/bin/python bench/search_scale.py
    ADUAN_ENV=development DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench \
        .venv/bin/python bench/search_scale.py

Use a database of its own: the script migrates it and, when it holds fewer reports than asked,
adds reports with bulk inserts (not through the actions: this measures search, not filing) and
indexes them with `aduan.search.index.index_new`, the bulk path of the real index.
Texts are made by recombining sentences of the development file (never printed); without that
file, from a small built-in vocabulary. Prints the median milliseconds per query kind.
"""

import argparse
import csv
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_ENV", "development")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from aduan.accounts.models import Role, User  # noqa: E402
from aduan.directory import loading  # noqa: E402
from aduan.directory.models import Agency, Category, Region  # noqa: E402
from aduan.reports.models import Report, Status  # noqa: E402
from aduan.search import index  # noqa: E402
from aduan.search.backends import search  # noqa: E402

DEV_FILE = ROOT.parent / "shared" / "data" / "complaints" / "laporgub_dev.csv"
FALLBACK = [
    "jalan",
    "rusak",
    "berlubang",
    "desa",
    "lampu",
    "penerangan",
    "mati",
    "air",
    "bersih",
    "pdam",
    "sekolah",
    "guru",
    "gaji",
    "bantuan",
    "sosial",
    "puskesmas",
    "pelayanan",
    "sampah",
    "banjir",
    "drainase",
    "jembatan",
    "pungutan",
    "liar",
    "kantor",
    "camat",
    "listrik",
    "sinyal",
]
NAMES = [
    "Wayan",
    "Sudarsana",
    "Baiq",
    "Nurhasanah",
    "Lalu",
    "Ahmad",
    "Siti",
    "Aminah",
    "Made",
    "Karya",
    "Hasan",
    "Basri",
    "Dewi",
    "Lestari",
]
QUERIES = {
    "one common word": ["jalan", "sekolah", "bantuan", "listrik", "air"],
    "two words": ["jalan rusak", "lampu mati", "guru honorer", "air bersih", "pelayanan puskesmas"],
    "three words, rarer": [
        "perbaikan jembatan desa",
        "pungutan liar sekolah",
        "sertifikat tanah warga",
    ],
    "no match": ["zzzyx qqqv"],
}


def sentences() -> list[str]:
    if not DEV_FILE.is_file():
        rng = random.Random(1)
        return [" ".join(rng.choices(FALLBACK, k=12)) + "." for _ in range(3000)]
    with open(DEV_FILE, newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    return [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t) if len(s.strip()) > 20]


def build(n: int) -> None:
    have = Report.objects.count()
    if have >= n:
        return
    rng = random.Random(42)
    pool = sentences()
    villages = list(Region.objects.filter(level=4, code__startswith="52.04."))
    agencies, categories = list(Agency.objects.all()), list(Category.objects.all())
    reporter = User.objects.get_or_create(username="bench-warga", defaults={"role": Role.CITIZEN})[
        0
    ]
    start = dt.datetime(2023, 1, 1, tzinfo=dt.UTC)
    statuses = (
        [Status.CLOSED] * 5 + [Status.IN_PROGRESS] * 2 + [Status.SUBMITTED] * 2 + [Status.ARCHIVED]
    )
    batch = 5000
    for first in range(have, n, batch):
        rows = []
        for i in range(first, min(n, first + batch)):
            text = " ".join(rng.sample(pool, rng.randint(2, 6)))
            village = rng.choice(villages)
            rows.append(
                Report(
                    code=f"BEN-{i:07d}",
                    secret_hash="-",
                    title=text[:80],
                    description=text,
                    submitted_at=start + dt.timedelta(minutes=17 * i),
                    status=rng.choice(statuses),
                    confidential=rng.random() < 0.1,
                    anonymous=rng.random() < 0.1,
                    village=village,
                    district_id=village.parent_id,
                    agency=rng.choice(agencies),
                    category=rng.choice(categories),
                    reporter=reporter if rng.random() < 0.5 else None,
                    reporter_name=f"{rng.choice(NAMES)} {rng.choice(NAMES)}",
                    reporter_phone=f"0813{i:08d}",
                )
            )
        with transaction.atomic():
            made = Report.objects.bulk_create(rows)
            index.index_new([(r.pk, index.source_text(r), index.signature(r)) for r in made])
        print(f"{first + len(rows)} reports", file=sys.stderr)


def timed(user, query, repeat) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        page = search(user, query)
        _ = [hit.snippet for hit in page.hits]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code__startswith="52.04.", level=4).exists():
        loading.load_regions(("52.04",))
        loading.load_agencies()
        loading.load_categories()
    build(args.reports)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    dispatcher = User.objects.get_or_create(
        username="bench-dispatcher", defaults={"role": Role.DISPATCHER}
    )[0]
    print(
        f"{connection.vendor}, {Report.objects.count()} reports, median of {args.repeat} runs, ms:"
    )
    results = {}
    for kind, queries in QUERIES.items():
        for who, user in (("public", AnonymousUser()), ("dispatcher", dispatcher)):
            results[f"{kind} ({who})"] = statistics.median(
                timed(user, q, args.repeat) for q in queries
            )
    results["tracking code (dispatcher)"] = timed(dispatcher, "BEN-0050000", args.repeat)
    results["reporter phone (dispatcher)"] = timed(dispatcher, "081300050000", args.repeat)
    results["reporter name (dispatcher)"] = timed(dispatcher, "Nurhasanah", args.repeat)
    for name, ms in results.items():
        print(f"  {name:40s} {ms:8.1f}")


if __name__ == "__main__":
    main()

"""Realistic data at scale for the load benchmark: N reports over two years, every status, the
32 agencies, every kecamatan and desa of the regency, dispositions, timelines and attachment rows.

    ADUAN_ENV=development DATABASE_URL=... .venv/bin/python bench/generate.py --reports 100000

Reports are bulk-inserted (this measures reading at scale, not filing: filing is measured by the
load runner through the real API). Texts recombine sentences of the development complaints
(../shared/data, never printed) or, without that file, a small built-in vocabulary. Running it
again tops the database up to N; it never deletes, and a database that already holds N reports is
only migrated (so that `make bench` reuses it). Batches of 5,000 reports, each in one transaction
with its events, dispositions, attachment rows and search documents: memory stays bounded.
Measured on the shared 2-core machine (PostgreSQL): 100,000 reports in about a minute; 1,000,000
in about an hour while the machine was loaded by other work (see README.md).
"""

import argparse
import csv
import datetime as dt
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
os.environ.setdefault("ADUAN_ENV", "development")
os.environ.setdefault("DEBUG", "0")  # DEBUG would keep the last 9,000 (huge) bulk INSERTs in memory

import django  # noqa: E402

django.setup()

from allauth.mfa.totp.internal.auth import generate_totp_secret  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from aduan.accounts.mfa import give_totp, has_totp  # noqa: E402
from aduan.accounts.models import Role, User  # noqa: E402
from aduan.directory import loading  # noqa: E402
from aduan.directory.models import Agency, Category, Region  # noqa: E402
from aduan.reports.models import (  # noqa: E402
    Attachment,
    Audience,
    Channel,
    Classification,
    Disposition,
    EventKind,
    Report,
    Status,
    TimelineEvent,
)

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
    "sekolah",
    "guru",
    "bantuan",
    "sosial",
    "puskesmas",
    "pelayanan",
    "sampah",
    "banjir",
    "drainase",
    "jembatan",
    "pungutan",
    "kantor",
    "camat",
    "listrik",
    "sinyal",
    "pasar",
]
# Share of reports in each status, roughly as in a regency's year of LAPOR!.
STATUS_SHARE = [
    (Status.CLOSED, 0.55),
    (Status.ARCHIVED, 0.10),
    (Status.RESPONDED, 0.06),
    (Status.IN_PROGRESS, 0.14),
    (Status.DISPOSITIONED, 0.06),
    (Status.SUBMITTED, 0.07),
    (Status.RETURNED, 0.02),
]
BATCH = 5000
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def sentences(rng) -> list[str]:
    if not DEV_FILE.is_file():
        return [" ".join(rng.choices(FALLBACK, k=14)) + "." for _ in range(3000)]
    with open(DEV_FILE, newline="", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f)]
    parts = [
        s.strip()
        for t in texts
        for s in re.split(r"(?<=[.!?])\s+", t)
        if 30 <= len(s.strip()) <= 300
    ]
    return parts


def cast():
    """Citizens, a dispatcher and one officer per agency (the load runner logs in as them)."""
    users = {}
    for username, role, agency in [
        ("bench-dispatcher", Role.DISPATCHER, None),
        ("bench-supervisor", Role.SUPERVISOR, None),
        ("bench-officer", Role.OFFICER, "pupr"),
    ]:
        users[username], _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "full_name": username,
                "agency": Agency.objects.get(code=agency) if agency else None,
            },
        )
        if not has_totp(users[username]):
            # Staff without an authenticator app reach nothing (STAFF_MFA_REQUIRED); the load runner
            # logs in by making sessions, so the secret itself is never needed.
            give_totp(users[username], generate_totp_secret())
    citizens = list(User.objects.filter(username__startswith="bench-warga-"))
    if len(citizens) < 2000:
        User.objects.bulk_create(
            [
                User(
                    username=f"bench-warga-{i}",
                    full_name=f"Warga Uji {i}",
                    phone=f"+62813{i:08d}",
                    email=f"warga{i}@bench.invalid",
                )
                for i in range(len(citizens), 2000)
            ],
            batch_size=BATCH,
        )
        citizens = list(User.objects.filter(username__startswith="bench-warga-"))
    return users, citizens


def bench_code(seq: int) -> str:
    """The tracking code of the seq-th generated report: unique by construction (random codes of
    8 letters collide about once in a million reports, which would abort a batch)."""
    digits = []
    for _ in range(8):
        seq, d = divmod(seq, len(CODE_ALPHABET))
        digits.append(CODE_ALPHABET[d])
    return "BN-" + "".join(reversed(digits))


def generate(total: int, seed: int = 5204) -> int:
    """Add reports until the database holds `total`. Memory stays bounded: one batch of BATCH
    reports (and their events, dispositions, attachments, search documents) at a time, each in
    its own transaction; reports get their ids back from the bulk insert, so nothing is re-read."""
    users, citizens = cast()  # also on a reused database: its staff may predate the MFA requirement
    have = Report.objects.count()
    if have >= total:
        return 0
    rng = random.Random(seed + have)
    agencies = list(Agency.objects.filter(is_active=True))
    categories = list(Category.objects.filter(is_active=True))
    villages = list(
        Region.objects.filter(level=4, code__startswith="52.04.").select_related("parent")
    )
    parts = sentences(rng)
    statuses = [s for s, _ in STATUS_SHARE]
    weights = [w for _, w in STATUS_SHARE]
    # Codes continue after the highest one already generated (a top-up never reuses one).
    last = (
        Report.objects.filter(code__startswith="BN-")
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    seq = _code_number(last) + 1 if last else 0
    now = timezone.now()
    made = 0
    while have + made < total:
        n = min(BATCH, total - have - made)
        with transaction.atomic():
            reports = []
            for _ in range(n):
                status = rng.choices(statuses, weights)[0]
                submitted = now - dt.timedelta(minutes=rng.randint(10, 2 * 365 * 24 * 60))
                village = rng.choice(villages)
                agency = (
                    rng.choice(agencies)
                    if status
                    in (Status.DISPOSITIONED, Status.IN_PROGRESS, Status.RESPONDED, Status.CLOSED)
                    else None
                )
                open_ = status not in (Status.CLOSED, Status.ARCHIVED)
                answered = status in (Status.RESPONDED, Status.CLOSED)
                due = (now + dt.timedelta(days=rng.randint(-10, 20))) if open_ else None
                reports.append(
                    Report(
                        code=bench_code(seq),
                        secret_hash="-",
                        classification=rng.choices(Classification.values, [0.8, 0.15, 0.05])[0],
                        category=rng.choice(categories),
                        title=" ".join(rng.choice(parts).split()[:9])[:200],
                        description=" ".join(rng.sample(parts, 3)),
                        district=village.parent,
                        village=village,
                        address=f"Dusun {village.name}",
                        channel=rng.choice([Channel.WEB, Channel.MOBILE, Channel.SMS]),
                        anonymous=rng.random() < 0.1,
                        confidential=rng.random() < 0.05,
                        reporter=rng.choice(citizens),
                        status=status,
                        agency=agency,
                        submitted_at=submitted,
                        due_step="answer" if open_ else "",
                        due_at=due,
                        warn_at=due - dt.timedelta(days=1) if due else None,
                        dispositioned_at=submitted + dt.timedelta(days=1) if agency else None,
                        responded_at=submitted + dt.timedelta(days=8) if answered else None,
                        closed_at=submitted + dt.timedelta(days=12) if not open_ else None,
                        rating=rng.randint(1, 5)
                        if status == Status.CLOSED and rng.random() < 0.6
                        else None,
                        reopen_count=1 if rng.random() < 0.05 else 0,
                    )
                )
                seq += 1
            Report.objects.bulk_create(reports, batch_size=1000)
            events, dispositions, attachments = [], [], []
            for r in reports:
                events.append(
                    TimelineEvent(
                        report=r,
                        kind=EventKind.SUBMITTED,
                        actor_id=r.reporter_id,
                        to_status=Status.SUBMITTED,
                        created_at=r.submitted_at,
                    )
                )
                if r.agency_id:
                    at = r.dispositioned_at
                    dispositions.append(
                        Disposition(
                            report=r,
                            agency_id=r.agency_id,
                            created_at=at,
                            created_by=users["bench-dispatcher"],
                            accepted_at=at + dt.timedelta(hours=20),
                        )
                    )
                    events.append(
                        TimelineEvent(
                            report=r,
                            kind=EventKind.DISPOSITIONED,
                            from_status=Status.SUBMITTED,
                            to_status=Status.DISPOSITIONED,
                            created_at=at,
                            actor=users["bench-dispatcher"],
                        )
                    )
                    events.append(
                        TimelineEvent(
                            report=r,
                            kind=EventKind.NOTE,
                            audience=Audience.INTERNAL,
                            text=rng.choice(parts),
                            created_at=at + dt.timedelta(days=2),
                        )
                    )
                if r.responded_at:
                    events.append(
                        TimelineEvent(
                            report=r,
                            kind=EventKind.ANSWERED,
                            text=rng.choice(parts),
                            created_at=r.responded_at,
                        )
                    )
                if rng.random() < 0.3:
                    attachments.append(
                        Attachment(
                            report=r,
                            file=f"attachments/bench/{r.code}.jpg",
                            original_name="foto.jpg",
                            content_type="image/jpeg",
                            size=rng.randint(80_000, 900_000),
                        )
                    )
            TimelineEvent.objects.bulk_create(events, batch_size=1000)
            Disposition.objects.bulk_create(dispositions, batch_size=1000)
            Attachment.objects.bulk_create(attachments, batch_size=1000)
            _index(reports)
        made += n
        print(f"  {have + made:>9,} reports", flush=True)
    return made


def _code_number(code: str) -> int:
    number = 0
    for ch in code[3:]:
        number = number * len(CODE_ALPHABET) + CODE_ALPHABET.index(ch)
    return number


def _index(reports) -> None:
    """Keep the search index in step through its bulk path (the real index, not a copy)."""
    from aduan.search import index

    index.index_new([(r.pk, index.source_text(r), index.signature(r)) for r in reports])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args(argv)
    call_command("migrate", verbosity=0)
    loading.load_all()
    started = time.perf_counter()
    made = generate(args.reports)
    if made:
        _analyze()
    else:
        print(f"reusing the existing data ({Report.objects.count():,} reports >= {args.reports:,})")
    print(
        f"{made:,} reports added in {time.perf_counter() - started:.0f} s; "
        f"{Report.objects.count():,} in the database, {_size()}"
    )


def _analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL, a visibility map for index-only scans), as
    autovacuum would give a database that grew slowly."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _size() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return f"{cursor.fetchone()[0]} on disk"
    path = Path(connection.settings_dict["NAME"])
    return f"{path.stat().st_size / 2**20:,.0f} MB on disk"


if __name__ == "__main__":
    main()

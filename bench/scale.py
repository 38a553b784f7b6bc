"""National scale: multiply a generated base inside PostgreSQL, set-wise, up to N reports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_base_100000 \\
        .venv/bin/python bench/generate.py --reports 100000       # the base, ~2 min
    .venv/bin/python bench/scale.py --base aduan_bench_base_100000 --to 10000000

`bench/generate.py` makes realistic reports one by one in Python (about an hour for a million);
this copies its base set-wise with INSERT … SELECT over generate_series, so that PostgreSQL does
the work. The target database is made from the base as a template (a file copy) when it does not
exist; the base's reports (every `BN-` report with an id ≤ --stride) and their timeline events,
dispositions, attachment rows and search documents are moved into the tables `bench_base_*`
(kept: they say what the database was made from), and the database is filled with N / base
copies of them:

- time: SP4N-LAPOR!'s national volume, about a million reports a year, from the newest back:
  copy k covers the k-th --step (36.5 days) before the base's newest report, its two years of
  filing times pressed into that step; every other time of a report (disposition, answer, close,
  events, attachment, search document) keeps its distance to the filing. 1M reports are one
  year, 10M ten years; deadlines of open reports stay where the generator put them (near now);
- ids: the newest copy has the highest ids (copy k: id + (copies − 1 − k) × --stride), so that
  ids grow with time across copies as in a live database; tracking codes are the generator's
  `bench_code(new id)`; attachment file names follow the new code; the search vector is the
  table's generated column (PostgreSQL computes it from the copied content);
- statuses: only the newest --open-reports (default 1,000,000: one year) keep the statuses the
  generator gave them; an older copy's open reports are closed (those with an agency: answered
  at +8 days with an `answered` event, closed at +12 days) or archived (those without). So 1M
  and 10M databases hold the same current work (~350,000 open reports: queue, inboxes, the last
  year's figures) and differ by nine years of history: what a 10M/1M ratio is meant to measure.

Secondary indexes of the five tables are dropped before the copies and built again after, --jobs
at a time (their definitions wait in `bench_scale_index`, so an interrupted run builds them on the
next); foreign keys are not checked during the copies (`session_replication_role = replica`: the
rows are consistent by construction). Copies are made in chunks of --chunk, --jobs chunks at a
time, each chunk one transaction; a copy whose id range already holds reports is skipped, so a
rerun finishes an interrupted load and is a no-op on a complete one. Then VACUUM ANALYZE. The
reporters are the base's 2,000 bench citizens (each holds N / 2,000 reports). The bench reports
are not in the audit chain, as `generate.py`'s are not: they are bench data, not filings.
"""

import argparse
import os
import shutil
import sys
import threading
import time
from urllib.parse import urlparse, urlunparse

import psycopg

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # bench/generate.py's
TABLES = [
    "reports_report",
    "reports_timelineevent",
    "reports_disposition",
    "reports_attachment",
    "search_searchdocument",
]
KEEP_TIMES = ("due_at", "warn_at")  # an open report's deadline is relative to now


def code_sql(number: str) -> str:
    """SQL for generate.bench_code(number): 'BN-' and 8 base-31 digits, most significant first."""
    n = len(CODE_ALPHABET)
    digits = [
        f"substr('{CODE_ALPHABET}', mod(({number}) / {n**i}, {n})::int + 1, 1)"
        for i in reversed(range(8))
    ]
    return "'BN-' || " + " || ".join(digits)


def columns(cur, table: str) -> list[tuple[str, str]]:
    cur.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position",
        [table],
    )
    return cur.fetchall()


def insert_sql(cur, table: str, overrides: dict, source: str) -> str:
    """INSERT INTO table SELECT every column of x, each time moved by the report's `delta`,
    `overrides` as given; the id column is left to its identity (except for reports)."""
    names, exprs = [], []
    for name, kind in columns(cur, table):
        if name in overrides:
            expr = overrides[name]
        elif name == "id":
            continue
        elif kind.startswith("timestamp") and name not in KEEP_TIMES:
            expr = f"x.{name} + d.delta"
        else:
            expr = f"x.{name}"
        names.append(name)
        exprs.append(expr)
    return f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}"


def statements(cur, stride: int, copies: int, open_copies: int) -> list[tuple[str, str]]:
    """The INSERTs of copies %(k0)s..%(k1)s (k = 0 the newest)."""
    slot = f"({copies - 1} - g.k)"
    new_id = f"r.id + {slot} * {stride}"
    # The copy's filing time: the base's span pressed into one step, k steps back from the newest.
    series = (
        "CROSS JOIN generate_series(%(k0)s::bigint, %(k1)s::bigint) AS g(k) "
        "CROSS JOIN LATERAL (SELECT %(ref)s::timestamptz - (%(ref)s::timestamptz - r.submitted_at)"
        " * %(factor)s::float8 - g.k * %(step)s::interval - r.submitted_at AS delta) d"
    )
    # An open report of a copy older than the newest `open_copies` is closed or archived.
    conv = f"(g.k >= {open_copies} AND r.status NOT IN ('closed', 'archived'))"
    reports = insert_sql(
        cur,
        "reports_report",
        {
            "id": new_id,
            "code": code_sql(new_id),
            "status": f"CASE WHEN {conv} THEN CASE WHEN r.agency_id IS NULL THEN 'archived' "
            "ELSE 'closed' END ELSE r.status END",
            "due_step": f"CASE WHEN {conv} THEN '' ELSE r.due_step END",
            "due_at": f"CASE WHEN {conv} THEN NULL ELSE r.due_at END",
            "warn_at": f"CASE WHEN {conv} THEN NULL ELSE r.warn_at END",
            "responded_at": f"CASE WHEN {conv} AND r.agency_id IS NOT NULL THEN "
            "coalesce(r.responded_at, r.submitted_at + interval '8 days') + d.delta "
            "ELSE r.responded_at + d.delta END",
            "closed_at": f"CASE WHEN {conv} THEN r.submitted_at + interval '12 days' + d.delta "
            "ELSE r.closed_at + d.delta END",
        },
        f"FROM bench_base_report r {series}",
    ).replace("x.", "r.")

    def child(table: str, overrides: dict) -> str:
        return insert_sql(
            cur,
            table,
            {"report_id": f"x.report_id + {slot} * {stride}", **overrides},
            f"FROM bench_base_{table.split('_', 1)[1]} x "
            f"JOIN bench_base_report r ON r.id = x.report_id {series}",
        )

    # The answer of an open report closed by its age (the generator's closed reports have one).
    answers = (
        "INSERT INTO reports_timelineevent (kind, from_status, to_status, audience, text, data, "
        "created_at, actor_id, report_id) "
        "SELECT 'answered', '', '', 'public', "
        "(ARRAY(SELECT text FROM bench_base_timelineevent WHERE kind = 'answered' "
        "AND text <> '' ORDER BY id LIMIT 500))[1 + (r.id %% 500)::int], '{}'::jsonb, "
        f"r.submitted_at + interval '8 days' + d.delta, NULL, {new_id} "
        f"FROM bench_base_report r {series} WHERE {conv} "
        "AND r.agency_id IS NOT NULL AND r.responded_at IS NULL"
    )
    return [
        ("reports", reports),
        ("events", child("reports_timelineevent", {})),
        ("answers", answers),
        ("dispositions", child("reports_disposition", {})),
        (
            "attachments",
            child(
                "reports_attachment",
                {
                    "file": "'attachments/bench/' || "
                    f"{code_sql(f'x.report_id + {slot} * {stride}')} || '.jpg'"
                },
            ),
        ),
        ("search documents", child("search_searchdocument", {})),
    ]


def stage(cur, stride: int, copies: int) -> None:
    """Move the base out of the live tables into bench_base_* (once), and record the layout."""
    cur.execute("SELECT to_regclass('bench_scale') IS NOT NULL")
    if cur.fetchone()[0]:
        cur.execute("SELECT copies, stride FROM bench_scale")
        have = cur.fetchone()
        if have != (copies, stride):
            raise SystemExit(
                f"this database was laid out for {have[0]} copies (stride {have[1]}), not "
                f"{copies}: make another one (--database)"
            )
        return
    cur.execute(
        "CREATE TABLE bench_base_report AS SELECT * FROM reports_report "
        "WHERE id <= %s AND code LIKE 'BN-%%'",
        [stride],
    )
    cur.execute("ALTER TABLE bench_base_report ADD PRIMARY KEY (id)")
    for table in TABLES[1:]:
        short = table.split("_", 1)[1]
        cur.execute(
            f"CREATE TABLE bench_base_{short} AS SELECT x.* FROM {table} x "
            "JOIN bench_base_report r ON r.id = x.report_id"
        )
        cur.execute(f"DELETE FROM {table} WHERE report_id IN (SELECT id FROM bench_base_report)")
    cur.execute("DELETE FROM reports_report WHERE id IN (SELECT id FROM bench_base_report)")
    cur.execute("CREATE TABLE bench_scale (copies int, stride bigint)")
    cur.execute("INSERT INTO bench_scale VALUES (%s, %s)", [copies, stride])


def drop_indexes(cur) -> None:
    """Drop the secondary indexes (not those of a primary key or unique constraint), keeping
    their definitions in bench_scale_index until `build_indexes` has made them again."""
    cur.execute(
        "CREATE TABLE IF NOT EXISTS bench_scale_index "
        "(name text PRIMARY KEY, tablename text, definition text)"
    )
    cur.execute(
        "INSERT INTO bench_scale_index SELECT i.indexname, i.tablename, i.indexdef "
        "FROM pg_indexes i WHERE i.schemaname = 'public' AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) "
        "ON CONFLICT DO NOTHING",
        [TABLES],
    )
    cur.execute("SELECT name FROM bench_scale_index")
    for (name,) in cur.fetchall():
        cur.execute(f'DROP INDEX IF EXISTS "{name}"')


def build_indexes(url: str, jobs: int) -> None:
    """Make the indexes kept in bench_scale_index again, `jobs` at a time (the largest, the GIN
    index of the search vectors, first), then forget them."""
    with psycopg.connect(url) as conn:
        if not conn.execute("SELECT to_regclass('bench_scale_index') IS NOT NULL").fetchone()[0]:
            return
        todo = conn.execute(
            "SELECT name, definition FROM bench_scale_index "
            "ORDER BY definition LIKE '%%USING gin%%' DESC, tablename, name"
        ).fetchall()
    queue = list(todo)
    lock = threading.Lock()
    failed: list[BaseException] = []

    def work():
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '512MB'")
            while True:
                with lock:
                    if not queue or failed:
                        return
                    name, definition = queue.pop(0)
                started = time.perf_counter()
                try:
                    if not conn.execute("SELECT to_regclass(%s)", [f'public."{name}"']).fetchone()[
                        0
                    ]:
                        conn.execute(definition)
                except BaseException as error:  # reported once every worker stopped
                    failed.append(error)
                    return
                print(f"  index {name}: {time.perf_counter() - started:.0f} s", flush=True)

    workers = [threading.Thread(target=work) for _ in range(max(1, jobs))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failed:
        raise failed[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_scale_index")


def ensure_database(url: str, name: str, base: str) -> str:
    """The target's URL; made from the base as a template when it does not exist yet."""
    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            started = time.perf_counter()
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
            print(f"{name}: copied from {base} in {time.perf_counter() - started:.0f} s")
    return urlunparse(parts._replace(path=f"/{name}"))


def session(url: str):
    conn = psycopg.connect(url)
    conn.execute("SET session_replication_role = replica")  # no FK triggers: rows consistent
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET work_mem = '256MB'")
    return conn


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", type=int, required=True, help="reports wanted (copies of the base)")
    parser.add_argument("--base", default="aduan_bench_base_100000", help="made by generate.py")
    parser.add_argument("--database", help="target database (default aduan_bench_<to>)")
    parser.add_argument(
        "--url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--stride", type=int, default=1_000_000, help="id distance between copies")
    parser.add_argument("--step", default="876 hours", help="the time one copy covers")
    parser.add_argument("--open-reports", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=5, help="copies per transaction")
    parser.add_argument("--jobs", type=int, default=2, help="chunks (then indexes) at a time")
    parser.add_argument("--min-free-gb", type=float, default=15.0)
    args = parser.parse_args(argv)

    url = ensure_database(args.url, args.database or f"aduan_bench_{args.to}", args.base)
    started = time.perf_counter()
    with session(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT to_regclass('bench_base_report') IS NOT NULL")
        if cur.fetchone()[0]:
            cur.execute("SELECT count(*) FROM bench_base_report")
        else:
            cur.execute(
                "SELECT count(*) FROM reports_report WHERE id <= %s AND code LIKE 'BN-%%'",
                [args.stride],
            )
        base_count = cur.fetchone()[0]
        if not base_count:
            raise SystemExit(f"no base (BN- reports with ids <= {args.stride}) in the target")
        copies = -(-args.to // base_count)
        open_copies = -(-args.open_reports // base_count)
        stage(cur, args.stride, copies)
        conn.commit()
        cur.execute(
            "SELECT max(submitted_at), extract(epoch FROM %s::interval) "
            "/ extract(epoch FROM max(submitted_at) - min(submitted_at)) FROM bench_base_report",
            [args.step],
        )
        ref, factor = cur.fetchone()
        missing = []
        for k in range(copies):
            slot = copies - 1 - k
            cur.execute(
                "SELECT count(*) FROM reports_report WHERE id > %s AND id <= %s",
                [slot * args.stride, (slot + 1) * args.stride],
            )
            have = cur.fetchone()[0]
            if have == 0:
                missing.append(k)
            elif have < base_count:
                raise SystemExit(f"copy {k} holds {have} reports, not {base_count}: not a copy")
        print(
            f"base {base_count:,} reports; {copies} copies for {args.to:,}, one per {args.step} "
            f"back from {ref:%Y-%m-%d %H:%M}; {len(missing)} to make; the newest {open_copies} "
            "keep their open statuses",
            flush=True,
        )
        todo = statements(cur, args.stride, copies, open_copies)
        if missing:
            drop_indexes(cur)
            conn.commit()
    chunks = []
    while missing:
        chunk = [missing.pop(0)]
        while missing and missing[0] == chunk[-1] + 1 and len(chunk) < args.chunk:
            chunk.append(missing.pop(0))
        chunks.append(chunk)
    lock = threading.Lock()
    made: list[int] = []
    failed: list[BaseException] = []

    def work():
        with session(url) as conn, conn.cursor() as cur:
            while True:
                with lock:
                    if not chunks or failed:
                        return
                    chunk = chunks.pop(0)
                    free = shutil.disk_usage("/").free / 2**30
                    # ~2 GB a million reports without the secondary indexes, ~1 GB more for them
                    if free < args.min_free_gb + 3 * len(chunk) * base_count / 1e6:
                        print(f"stopping: {free:.0f} GB free", flush=True)
                        chunks.clear()
                        return
                t0 = time.perf_counter()
                times = []
                params = {
                    "k0": chunk[0],
                    "k1": chunk[-1],
                    "step": args.step,
                    "ref": ref,
                    "factor": factor,
                }
                try:
                    for label, statement in todo:
                        t1 = time.perf_counter()
                        cur.execute(statement, params)
                        times.append(f"{label} {time.perf_counter() - t1:.0f}s")
                    conn.commit()
                except BaseException as error:  # reported once every worker stopped
                    failed.append(error)
                    return
                made.append(len(chunk) * base_count)
                print(
                    f"  copies {chunk[0]}–{chunk[-1]}: {time.perf_counter() - t0:.0f} s "
                    f"({', '.join(times)}); {free:.0f} GB free before",
                    flush=True,
                )

    workers = [threading.Thread(target=work) for _ in range(max(1, args.jobs))]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if failed:
        raise failed[0]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('reports_report', 'id'), "
            "(SELECT max(id) FROM reports_report))"
        )
        print(f"copies made in {time.perf_counter() - started:.0f} s", flush=True)
        t0 = time.perf_counter()
        build_indexes(url, args.jobs)
        print(f"indexes built in {time.perf_counter() - t0:.0f} s", flush=True)
        if made:
            t0 = time.perf_counter()
            conn.execute("VACUUM ANALYZE")
            print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s", flush=True)
        total = conn.execute("SELECT count(*) FROM reports_report").fetchone()[0]
        size = conn.execute(
            "SELECT pg_size_pretty(pg_database_size(current_database()))"
        ).fetchone()[0]
    print(
        f"{sum(made):,} reports made in {time.perf_counter() - started:.0f} s; "
        f"{total:,} in the database, {size} on disk; "
        f"{shutil.disk_usage('/').free / 2**30:.0f} GB free"
    )


if __name__ == "__main__":
    sys.exit(main())

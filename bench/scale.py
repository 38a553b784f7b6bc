"""National scale: multiply a generated base inside PostgreSQL, set-wise, up to N reports.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aduan_bench_base_100000 \\
        .venv/bin/python bench/generate.py --reports 100000       # the base, ~3 min
    .venv/bin/python bench/scale.py --base aduan_bench_base_100000 --to 10000000

`bench/generate.py` makes realistic reports one by one in Python (about an hour for a million);
this copies its base (every report with a `BN-` code and an id ≤ --stride, with its timeline
events, dispositions, attachment rows and search document) with INSERT … SELECT over
generate_series, so that PostgreSQL does the work: copy k gets the ids `id + k × stride`, the
tracking code `bench_code(new id)` (the generator's own numbering, so never one of the base's and
a later `generate.py` top-up continues after it), every timestamp moved k × --step back (default
36.5 days: 100,000 reports per 36.5 days is SP4N-LAPOR!'s national volume, about a million a year;
10M reports then reach ~12 years back), and attachment file names after the new code. The search
vector is the table's generated column: PostgreSQL recomputes it from the copied content.

Only the newest --open-reports (default 1,000,000) keep the statuses the generator gave them; an
older copy's open reports are closed (those with an agency: answered at +8 days, closed at +12, an
`answered` event added) or archived (those without), as a national archive would hold them. So a
1M and a 10M database have the same current work (the same ~350,000 open reports, queue, inboxes)
and differ by nine million reports of history: what the 10M/1M ratio is meant to measure.

The target database is made from the base as a template when it does not exist (a file copy).
Secondary indexes of the five tables are dropped before the copies and built again after (their
definitions are kept in the table `bench_scale_index` meanwhile, so an interrupted run builds them
on the next one); foreign keys are not checked during the copies (`session_replication_role =
replica`: the rows are consistent by construction). Each chunk of copies is one transaction, and a
copy whose id range already holds reports is skipped: rerunning finishes an interrupted load and
is a no-op on a complete one. Then VACUUM ANALYZE. The bench reports are not in the audit chain,
as `generate.py`'s are not: they are bench data, not filings.
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
BASE = "x.id <= {stride} AND x.code LIKE 'BN-%%'"


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


def insert_sql(cur, table: str, overrides: dict, source: str, keep_times=()) -> str:
    """INSERT INTO table SELECT every column of x, timestamps moved back by the copy's shift,
    `overrides` as given; the id column is left to its identity (except for reports)."""
    names, exprs = [], []
    for name, kind in columns(cur, table):
        if name in overrides:
            expr = overrides[name]
        elif name == "id":
            continue
        elif kind.startswith("timestamp") and name not in keep_times:
            expr = f"x.{name} - g.k * %(step)s::interval"
        else:
            expr = f"x.{name}"
        if expr is None:
            continue
        names.append(name)
        exprs.append(expr)
    return f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} {source}"


def statements(cur, stride: int, open_copies: int) -> list[tuple[str, str]]:
    new_id = f"x.id + g.k * {stride}"
    new_report = f"x.report_id + g.k * {stride}"
    # An open report of a copy older than the newest `open_copies` is closed or archived.
    conv = f"(g.k >= {open_copies} AND x.status NOT IN ('closed', 'archived'))"
    shift = "g.k * %(step)s::interval"
    series = "CROSS JOIN generate_series(%(k0)s::bigint, %(k1)s::bigint) AS g(k)"
    base = BASE.format(stride=stride)
    reports = insert_sql(
        cur,
        "reports_report",
        {
            "id": new_id,
            "code": code_sql(new_id),
            "status": f"CASE WHEN {conv} THEN CASE WHEN x.agency_id IS NULL THEN 'archived' "
            "ELSE 'closed' END ELSE x.status END",
            "due_step": f"CASE WHEN {conv} THEN '' ELSE x.due_step END",
            # A deadline of an open report is relative to now (as the generator makes it).
            "due_at": f"CASE WHEN {conv} THEN NULL ELSE x.due_at END",
            "warn_at": f"CASE WHEN {conv} THEN NULL ELSE x.warn_at END",
            "responded_at": f"CASE WHEN {conv} AND x.agency_id IS NOT NULL THEN "
            f"coalesce(x.responded_at, x.submitted_at + interval '8 days') - {shift} "
            f"ELSE x.responded_at - {shift} END",
            "closed_at": f"CASE WHEN {conv} THEN x.submitted_at + interval '12 days' - {shift} "
            f"ELSE x.closed_at - {shift} END",
        },
        f"FROM reports_report x {series} WHERE {base}",
    )
    base_r = base.replace("x.", "r.")
    of_base = f"JOIN reports_report r ON r.id = x.report_id AND {base_r}"
    events = insert_sql(
        cur,
        "reports_timelineevent",
        {"report_id": new_report},
        f"FROM reports_timelineevent x {of_base} {series}",
    )
    # The answer of an open report closed by its age (the generator's closed reports have one).
    conv_r = conv.replace("x.", "r.")
    answers = (
        "INSERT INTO reports_timelineevent (kind, from_status, to_status, audience, text, data, "
        "created_at, actor_id, report_id) "
        "SELECT 'answered', '', '', 'public', "
        "(ARRAY(SELECT text FROM reports_timelineevent WHERE kind = 'answered' AND text <> '' "
        "ORDER BY id LIMIT 500))[1 + (r.id %% 500)::int], '{}'::jsonb, "
        f"r.submitted_at + interval '8 days' - {shift}, NULL, r.id + g.k * {stride} "
        f"FROM reports_report r {series} WHERE {base_r} AND {conv_r} "
        "AND r.agency_id IS NOT NULL AND r.responded_at IS NULL"
    )
    dispositions = insert_sql(
        cur,
        "reports_disposition",
        {"report_id": new_report},
        f"FROM reports_disposition x {of_base} {series}",
    )
    attachments = insert_sql(
        cur,
        "reports_attachment",
        {
            "report_id": new_report,
            "file": f"'attachments/bench/' || {code_sql(new_report)} || '.jpg'",
        },
        f"FROM reports_attachment x {of_base} {series}",
    )
    documents = insert_sql(
        cur,
        "search_searchdocument",
        {"report_id": new_report},
        f"FROM search_searchdocument x {of_base} {series}",
    )
    return [
        ("reports", reports),
        ("events", events),
        ("answers", answers),
        ("dispositions", dispositions),
        ("attachments", attachments),
        ("search documents", documents),
    ]


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--to", type=int, required=True, help="reports wanted (a multiple of the base)"
    )
    parser.add_argument(
        "--base", default="aduan_bench_base_100000", help="database made by generate.py"
    )
    parser.add_argument("--database", help="target database (default aduan_bench_<to>)")
    parser.add_argument(
        "--url", default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--stride", type=int, default=1_000_000, help="id distance between copies")
    parser.add_argument("--step", default="876 hours", help="how far back each copy is moved")
    parser.add_argument("--open-reports", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=5, help="copies per transaction")
    parser.add_argument("--jobs", type=int, default=2, help="indexes built at a time")
    parser.add_argument("--min-free-gb", type=float, default=15.0)
    args = parser.parse_args(argv)

    url = ensure_database(args.url, args.database or f"aduan_bench_{args.to}", args.base)
    started = time.perf_counter()
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers: rows consistent
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET work_mem = '256MB'")
        base = BASE.format(stride=args.stride).replace("%%", "%")
        cur.execute(f"SELECT count(*), max(x.id) FROM reports_report x WHERE {base}")
        base_count, base_max = cur.fetchone()
        if not base_count or base_max > args.stride:
            raise SystemExit(f"no base (BN- reports with ids <= {args.stride}) in the target")
        copies = -(-args.to // base_count)  # copy 0 is the base itself
        open_copies = -(-args.open_reports // base_count)
        missing = []
        for k in range(1, copies):
            cur.execute(
                "SELECT count(*) FROM reports_report WHERE id > %s AND id <= %s",
                [k * args.stride, (k + 1) * args.stride],
            )
            have = cur.fetchone()[0]
            if have == 0:
                missing.append(k)
            elif have < base_count:
                raise SystemExit(f"copy {k} holds {have} reports, not {base_count}: not a copy")
        print(
            f"base {base_count:,} reports; {copies} copies for {args.to:,}; "
            f"{len(missing)} to make; the newest {open_copies} keep their open statuses",
            flush=True,
        )
        todo = statements(cur, args.stride, open_copies)
        if missing:
            drop_indexes(cur)
            conn.commit()
        made = 0
        while missing:
            chunk = [missing.pop(0)]
            while missing and missing[0] == chunk[-1] + 1 and len(chunk) < args.chunk:
                chunk.append(missing.pop(0))
            free = shutil.disk_usage("/").free / 2**30
            # ~2 GB a million reports without the secondary indexes, ~1 GB more for them
            if free < args.min_free_gb + 3 * len(chunk) * base_count / 1e6:
                conn.commit()
                print(f"stopping: {free:.0f} GB free", flush=True)
                break
            t0 = time.perf_counter()
            times = []
            for label, statement in todo:
                t1 = time.perf_counter()
                cur.execute(statement, {"k0": chunk[0], "k1": chunk[-1], "step": args.step})
                times.append(f"{label} {time.perf_counter() - t1:.0f}s")
            conn.commit()
            made += len(chunk) * base_count
            print(
                f"  copies {chunk[0]}–{chunk[-1]}: {time.perf_counter() - t0:.0f} s "
                f"({', '.join(times)}); {free:.0f} GB free before",
                flush=True,
            )
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('reports_report', 'id'), "
            "(SELECT max(id) FROM reports_report))"
        )
        conn.commit()
        print(f"copies made in {time.perf_counter() - started:.0f} s", flush=True)
        t0 = time.perf_counter()
        build_indexes(url, args.jobs)
        print(f"indexes built in {time.perf_counter() - t0:.0f} s", flush=True)
        if made:
            t0 = time.perf_counter()
            conn.autocommit = True
            cur.execute("VACUUM ANALYZE")
            print(f"VACUUM ANALYZE in {time.perf_counter() - t0:.0f} s", flush=True)
        cur.execute("SELECT count(*) FROM reports_report")
        total = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(
        f"{made:,} reports added in {time.perf_counter() - started:.0f} s; "
        f"{total:,} in the database, {size} on disk; "
        f"{shutil.disk_usage('/').free / 2**30:.0f} GB free"
    )


if __name__ == "__main__":
    sys.exit(main())

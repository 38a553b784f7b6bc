"""What each life-cycle action costs, as the tests call them: SQL statements and CPU per action.

    .venv/bin/python bench/actions_cost.py [N]            # N reports (default 30)
    .venv/bin/python bench/actions_cost.py 30 --profile filing   # cProfile of one action
    .venv/bin/python bench/actions_cost.py 5 --sql disposition    # its statements (the last)

The test settings (`ADUAN_ENV=test`, SQLite): a copy of the test template (migrated, with the
master data, tests/template_db.py) in `var/bench-actions.sqlite3`, the tests' cast of users
(tests/conftest.py `Cast`), then N reports each filed (as `file_report` files them) and taken
through disposition, accept, answer (with a result photo) and the reporter's acceptance (close),
the way `report_in` does.
Everything runs in one transaction rolled back at the end, as a test's does, so the outbox's
on-commit deliveries never run (they do not in the tests either). Statements leave out savepoints
and transaction control (as tests/test_filing_cost.py counts them); CPU is `time.process_time`,
the median over the N reports, the first two left out (warm-up).
"""

import cProfile
import datetime as dt
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["ADUAN_ENV"] = "test"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
DB = ROOT / "var" / "bench-actions.sqlite3"
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tests import template_db  # noqa: E402

SKIP = ("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")
WARM_UP = 2


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv and argv[0].isdigit() else 30
    profiled = argv[argv.index("--profile") + 1] if "--profile" in argv else None
    shown_sql = argv[argv.index("--sql") + 1] if "--sql" in argv else None
    last_sql: list[str] = []
    assert connection.vendor == "sqlite", "the test settings' database: SQLite"
    template_db.sqlite_copy(str(DB))
    from aduan.directory.models import Category, Region
    from aduan.reports import actions
    from tests.conftest import Cast, result_photo

    def filing_fields(cast) -> dict:
        """What `tests.conftest.file_report` passes, read before the clock starts: its master
        data lookups are the test's, not the action's."""
        village = Region.objects.select_related("parent").get(code="52.04.08.1004")
        return {
            "reporter": cast.citizen,
            "title": "Jalan berlubang di Seketeng",
            "description": "Kemarin sore jalan di depan SD Seketeng berlubang besar.",
            "category": Category.objects.get(code="infrastruktur-jalan"),
            "district": village.parent,
            "village": village,
            "address": "Jalan Garuda",
            "parties_involved": "Dinas PUPR",
            "incident_date": dt.date(2026, 3, 2),
            "extra_answers": {"status-jalan": "kabupaten"},
        }

    steps = {
        "filing": lambda cast, fields: actions.do_file_report(**fields)[0],
        "disposition": lambda cast, r: actions.do_disposition(
            r, cast.agency_a, actor=cast.dispatcher, instruction="Segera tangani."
        ),
        "accept": lambda cast, r: actions.do_accept(r, actor=cast.officer_a),
        "answer": lambda cast, r: actions.do_answer(
            r, actor=cast.officer_a, text="Sudah diperbaiki.", attachments=[result_photo()]
        ),
        "close": lambda cast, r: actions.do_accept_answer(r, actor=cast.citizen, rating=5),
    }
    counts: dict[str, list[int]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    profile = cProfile.Profile()
    with transaction.atomic():
        cast = Cast()
        for i in range(n):
            report = filing_fields(cast)
            for name, step in steps.items():
                with CaptureQueriesContext(connection) as captured:
                    if name == profiled and i >= WARM_UP:
                        profile.enable()
                    started = time.process_time()
                    result = step(cast, report)
                    spent = time.process_time() - started
                    profile.disable()
                report = result if name == "filing" else report
                if name == shown_sql:
                    last_sql = [q["sql"] for q in captured.captured_queries]
                counts[name].append(
                    sum(not q["sql"].startswith(SKIP) for q in captured.captured_queries)
                )
                if i >= WARM_UP:
                    cpu[name].append(spent * 1000)
        transaction.set_rollback(True)
    print(f"{n} reports, SQLite, test settings; CPU: median (ms), first {WARM_UP} left out")
    print(f"{'action':<12} {'statements':>10} {'cpu_ms':>8}")
    for name in steps:
        low, high = min(counts[name]), max(counts[name])
        shown = str(low) if low == high else f"{low}-{high}"
        print(f"{name:<12} {shown:>10} {statistics.median(cpu[name]):8.1f}")
    total = sum(statistics.median(cpu[name]) for name in steps)
    print(f"{'all':<12} {sum(max(c) for c in counts.values()):>10} {total:8.1f}")
    for sql in last_sql:
        print(" ", sql[:220])
    if profiled:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Run by test_migrations: on an empty database, migrate every app to its first migration, fill
it with data through the historical models, then migrate to the latest state and check the data.

    DATABASE_URL=... python tests/migrations_forward.py
"""

import datetime as dt
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402


def first_nodes(executor):
    graph = executor.loader.graph
    ours = {
        app
        for app, _ in graph.leaf_nodes()
        if app not in ("admin", "auth", "contenttypes", "sessions")
    }
    roots = {node for node in graph.root_nodes() if node[0] in ours}
    # An app added later (its first migration needs another app's later one) did not exist in
    # the first state: it is left out and created by the forward migration.
    first = {
        node
        for node in roots
        if all(step in roots or step[0] not in ours for step in graph.forwards_plan(node))
    }
    return sorted(first) + [node for node in graph.leaf_nodes() if node[0] not in ours]


def main():
    executor = MigrationExecutor(connection)
    targets = first_nodes(executor)
    executor.migrate(targets)
    apps = executor.loader.project_state(targets).apps
    Region, Agency = apps.get_model("directory", "Region"), apps.get_model("directory", "Agency")
    Category, User = apps.get_model("directory", "Category"), apps.get_model("accounts", "User")
    Report, Event = apps.get_model("reports", "Report"), apps.get_model("reports", "TimelineEvent")
    Region.objects.create(code="52", name="Nusa Tenggara Barat", level=1)
    Region.objects.create(code="52.04", name="Kabupaten Sumbawa", level=2, parent_id="52")
    agency = Agency.objects.create(code="pupr", name="Dinas PUPR", short_name="PUPR")
    category = Category.objects.create(code="jalan", name="Jalan", default_agency=agency)
    user = User.objects.create(username="warga-lama", full_name="Warga Lama", role="citizen")
    now = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    for i in range(20):
        report = Report.objects.create(
            code=f"OLD-{i:06d}",
            secret_hash="x",
            title=f"Laporan lama {i}",
            description="Isi laporan lama.",
            category=category,
            reporter=user,
            agency=agency if i % 2 else None,
            status="dispositioned" if i % 2 else "submitted",
            submitted_at=now,
        )
        Event.objects.create(report=report, kind="submitted", to_status="submitted", created_at=now)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from aduan.reports.models import Report as Current

    assert Current.objects.count() == 20, Current.objects.count()
    assert Current.objects.filter(agency__code="pupr").count() == 10
    assert all(r.events.count() == 1 for r in Current.objects.all())
    print("migrated forward:", len(executor.loader.graph.nodes), "migrations, 20 reports kept")


if __name__ == "__main__":
    main()

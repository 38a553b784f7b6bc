"""Keeping the search documents in step with the reports.

Called inside the action's transaction (on `aduan.reports.signals.report_changed`, sent by
`aduan.reports.actions._core._finish`, `do_file_report` and `do_import_historical`), so that the
document changes exactly when the report does and rolls back with it; `rebuild` re-indexes
everything (the `rebuild_search_index` command, after an upgrade or a bulk load).
"""

import hashlib

from django.db import connection

from aduan.core import fragments
from aduan.reports.models import Report
from aduan.reports.visibility import shown_text

from .models import SearchDocument
from .text import document

BATCH = 1000


def source_text(report: Report) -> str:
    """What a report is found by: its words as the public reads them (`visibility.shown_text` for
    no viewer: the dispatcher's public version, numbers and e-mail addresses masked) and the names
    of its place, category and agency. Not the original words: the portal's search is public, and
    a search that matched a name or a number the public page hides would tell who wrote it."""
    _load_places(report)
    shown = shown_text(report, None)
    parts = [shown.title, shown.description, shown.address]
    for related in ("village", "district", "category", "agency"):
        if getattr(report, f"{related}_id", None):
            obj = getattr(report, related)
            parts.append(getattr(obj, "name", ""))
            parts.append(getattr(obj, "short_name", ""))
    return "\n".join(p for p in parts if p)


def _load_places(report: Report) -> None:
    """The desa and the kecamatan in one query where neither is loaded yet (an action's report:
    its lock does not read them)."""
    fields = [Report._meta.get_field(name) for name in ("village", "district")]
    wanted = {
        field: getattr(report, field.attname)
        for field in fields
        if getattr(report, field.attname) is not None and not field.is_cached(report)
    }
    if len(wanted) < 2:
        return  # one query either way: the one `source_text` makes reading it
    regions = fields[0].related_model.objects.in_bulk(set(wanted.values()))
    for field, code in wanted.items():
        if code in regions:
            setattr(report, field.name, regions[code])


def signature(report: Report) -> str:
    fields = (
        report.title,
        report.description,
        report.address,
        getattr(report, "public_title", ""),  # a migration's historical model may predate them
        getattr(report, "public_description", ""),
        report.village_id,
        report.district_id,
        report.category_id,
        report.agency_id,
    )
    return hashlib.sha256(repr(fields).encode()).hexdigest()


def index_report(report: Report, *, created: bool = False) -> None:
    """Write the report's search document; does nothing when the fields it is made of did not
    change (one query), as for most actions. `created`: the report was filed in this
    transaction, so it has no document yet and none is asked for."""
    sign = signature(report)
    current = (
        None
        if created
        else SearchDocument.objects.filter(report_id=report.pk)
        .values_list("signature", flat=True)
        .first()
    )
    if current == sign:
        return
    content = document(source_text(report))
    if current is None:
        SearchDocument.objects.create(report_id=report.pk, content=content, signature=sign)
    else:
        SearchDocument.objects.filter(report_id=report.pk).update(content=content, signature=sign)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts WHERE rowid = %s", [report.pk])
            cursor.execute(
                "INSERT INTO search_fts (rowid, content) VALUES (%s, %s)", [report.pk, content]
            )


def index_new(pairs: list[tuple[int, str, str]]) -> None:
    """Bulk-add documents of reports that have none yet: [(report id, source text, signature)]."""
    docs = [
        SearchDocument(report_id=pk, content=document(text), signature=sign)
        for pk, text, sign in pairs
    ]
    SearchDocument.objects.bulk_create(docs, batch_size=BATCH)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, content) VALUES (%s, %s)",
                [(d.report_id, d.content) for d in docs],
            )


def rebuild() -> int:
    """Index every report from scratch; returns how many."""
    SearchDocument.objects.all().delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")
    reports = Report.objects.select_related("village", "district", "category", "agency").order_by(
        "pk"
    )
    done, batch = 0, []
    for report in reports.iterator(chunk_size=BATCH):
        batch.append((report.pk, source_text(report), signature(report)))
        if len(batch) == BATCH:
            index_new(batch)
            done, batch = done + len(batch), []
    index_new(batch)
    fragments.changed()  # search results listed from the old index are out of date
    return done + len(batch)

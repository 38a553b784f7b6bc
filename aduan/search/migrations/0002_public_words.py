"""The search documents hold the words the public reads (`index.source_text`): a report's public
version, masked, rather than its original words. Every existing document is written again, so
that an upgraded instance stops finding reports by a name or a number their public page hides."""

from django.db import migrations

BATCH = 1000


def reindex(apps, schema_editor):
    from aduan.search.index import signature, source_text
    from aduan.search.text import document

    Report = apps.get_model("reports", "Report")
    SearchDocument = apps.get_model("search", "SearchDocument")
    sqlite = schema_editor.connection.vendor == "sqlite"
    SearchDocument.objects.all().delete()
    if sqlite:
        schema_editor.execute("DELETE FROM search_fts")
    reports = Report.objects.select_related("village", "district", "category", "agency")
    batch = []
    for report in reports.order_by("pk").iterator(chunk_size=BATCH):
        content = document(source_text(report))
        batch.append(SearchDocument(report_id=report.pk, content=content, signature=signature(report)))
        if len(batch) == BATCH:
            _write(schema_editor, SearchDocument, batch, sqlite)
            batch = []
    _write(schema_editor, SearchDocument, batch, sqlite)


def _write(schema_editor, SearchDocument, docs, sqlite):
    SearchDocument.objects.bulk_create(docs)
    if docs and sqlite:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_fts (rowid, content) VALUES (%s, %s)",
                [(d.report_id, d.content) for d in docs],
            )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
        ("reports", "0028_report_reporter_submitted"),
    ]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]

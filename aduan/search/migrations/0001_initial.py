import django.db.models.deletion
from django.db import migrations, models


def create_index(apps, schema_editor):
    """The full-text index, per database (see models.py)."""
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(content, tokenize='unicode61 remove_diacritics 2')"
        )
    elif schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE search_searchdocument ADD COLUMN vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple', content)) STORED"
        )
        schema_editor.execute("CREATE INDEX search_document_vector ON search_searchdocument USING GIN (vector)")


def index_existing_reports(apps, schema_editor):
    """Reports made before the search app was installed get their documents now, so that an
    upgraded instance finds them without running `rebuild_search_index`."""
    from aduan.search.index import signature, source_text
    from aduan.search.text import document

    Report = apps.get_model("reports", "Report")
    SearchDocument = apps.get_model("search", "SearchDocument")
    reports = Report.objects.select_related("village", "district", "category", "agency").order_by("pk")
    batch = []
    for report in reports.iterator(chunk_size=1000):
        batch.append(SearchDocument(report_id=report.pk, content=document(source_text(report)),
                                    signature=signature(report)))
        if len(batch) == 1000:
            _write(schema_editor, SearchDocument, batch)
            batch = []
    _write(schema_editor, SearchDocument, batch)


def _write(schema_editor, SearchDocument, docs):
    SearchDocument.objects.bulk_create(docs)
    if docs and schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany("INSERT INTO search_fts (rowid, content) VALUES (%s, %s)",
                               [(d.report_id, d.content) for d in docs])


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("report", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True,
                                                related_name="search_document", serialize=False,
                                                to="reports.report")),
                ("content", models.TextField()),
                ("signature", models.CharField(blank=True, max_length=64)),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.RunPython(create_index, drop_index),
        migrations.RunPython(index_existing_reports, migrations.RunPython.noop),
    ]

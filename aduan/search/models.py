"""The search document of a report: its words, stemmed, in one row per report.

The full-text index over `content` depends on the database and is made by the migration:
- SQLite: an FTS5 table `search_fts` (rowid = report id) beside this one;
- PostgreSQL: a generated `tsvector` column `vector` on this table with a GIN index.
`aduan.search.backends` reads both; `aduan.search.index` writes both.
"""

from django.db import models


class SearchDocument(models.Model):
    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    # Stemmed words of the title, description, address, place, category and agency; never the
    # reporter's identity (staff find reporters through exact fields, see `backends`).
    content = models.TextField()
    # Hash of the report fields the content is made from: an action that changes none of them
    # (most do) costs one query and no re-indexing (`index.index_report`).
    signature = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"search document of report {self.report_id}"

"""Pages of report lists whose cost does not grow with the archive.

Django's `Paginator` counts every matching row (`COUNT(*)` over the whole public archive on each
view of the feed: 150 ms at a million reports) and lets a visitor ask for page 40,000, which the
database reaches by walking 800,000 rows (OFFSET). `BoundedPaginator` counts at most `max_rows`
rows and offers only the pages within them; past that, the list says "more than N" and asks for a
narrower filter or search. Used by the public feed and the back-office lists.
"""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

MAX_ROWS = 10_000


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, max_rows: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.max_rows = max_rows or MAX_ROWS

    @cached_property
    def found(self) -> int:
        """How many rows match, counted up to max_rows + 1 (one more says "more than")."""
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Only the ids: no joins, annotations or ordering inside the bounded count.
            return rows.order_by().values("pk")[: self.max_rows + 1].count()
        return min(len(rows), self.max_rows + 1)

    @cached_property
    def count(self) -> int:
        return min(self.found, self.max_rows)

    @property
    def capped(self) -> bool:
        return self.found > self.max_rows

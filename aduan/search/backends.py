"""`search(user, query)`: one interface over SQLite FTS5 and PostgreSQL full-text search.

1. The query is reduced to stems the way documents are (`text.terms`); every stem must match.
2. Only reports `user` may open take part (`visible_reports`: the public sees no confidential
   and no unverified report), and only through their search document, which holds no identity
   and only the words the public reads (`index.source_text`).
3. Staff also find a report by its tracking code, the reporter's name or phone, or NIK (through
   the keyed hash), but only where they may see the reporter's identity (`identity_scope`), so
   that searching a name never reveals who filed an anonymous report.
4. Exact finds (code, identity) come first, then text matches by relevance, then recency; the
   matching words are highlighted in the title and a snippet of the description.
"""

import re
from dataclasses import dataclass, field

from django.db import connection, connections
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from aduan.reports.models import Report
from aduan.reports.visibility import handled_q, shown_text, visible_reports

from .text import STOPWORDS, stem, terms

MAX_TERMS = 12
MAX_EXACT = 50
# Text matches ranked per search: the newest this many (see `_text_matches`).
MAX_CANDIDATES = 1000
# The first id range searched, newest reports first (see `_text_matches`).
WINDOW = 5_000
SNIPPET_WORDS = 30
WORD_SPAN = re.compile(r"[0-9A-Za-z]+")


@dataclass
class Hit:
    report: Report
    score: float
    matched: str  # "text", "code", "reporter" or "nik"
    title: SafeString = field(default_factory=lambda: mark_safe(""))
    snippet: SafeString = field(default_factory=lambda: mark_safe(""))


@dataclass
class Page:
    query: str
    hits: list[Hit]
    total: int
    capped: bool = False  # more text matches exist than the MAX_CANDIDATES newest that were ranked


@dataclass
class Ranking:
    """Every result of one search in order, as (report id, score, how found); `page` loads a
    window."""

    query: str
    stems: list[str]
    order: list[tuple[int, float, str]]
    capped: bool
    viewer: object = None  # whose words the hits show (`visibility.shown_text`)

    @property
    def total(self) -> int:
        return len(self.order)

    def page(self, offset: int = 0, limit: int = 20) -> Page:
        window = self.order[offset : offset + limit]
        reports = (
            Report.objects.select_related("category", "agency", "district", "village").in_bulk(
                [pk for pk, _s, _h in window]
            )
            if window
            else {}
        )
        wanted = set(self.stems)
        shown = {pk: shown_text(report, self.viewer) for pk, report in reports.items()}
        hits = [
            Hit(
                report=reports[pk],
                score=score,
                matched=how,
                title=highlight(shown[pk].title, wanted),
                snippet=snippet(shown[pk].description, wanted),
            )
            for pk, score, how in window
            if pk in reports
        ]
        return Page(query=self.query, hits=hits, total=self.total, capped=self.capped)


def search(
    user, query: str, *, limit: int = 20, offset: int = 0, within: QuerySet | None = None
) -> Page:
    """Reports `user` may see that match `query`; `within` narrows further (feed filters)."""
    return rank(user, query, within=within).page(offset, limit)


def rank(user, query: str, *, within: QuerySet | None = None) -> Ranking:
    """The order of every result (one query for the text, one more for staff's exact finds)."""
    query = (query or "").strip()[:200]
    stems = list(dict.fromkeys(terms(query)))[:MAX_TERMS]
    visible = visible_reports(user)
    if within is not None:
        # One WHERE clause over both (not `pk IN (subquery)`), so that the planner can walk the
        # newest reports and stop early (`_text_matches`).
        visible = visible & within
    exact = _exact_matches(user, query, visible)
    ranked, capped = _text_matches(stems, visible) if stems else ([], False)
    order, seen = [], set()
    for pk, score, how in [(pk, 1e9, how) for pk, how in exact] + [
        (pk, s, "text") for pk, s in ranked
    ]:
        if pk not in seen:
            seen.add(pk)
            order.append((pk, score, how))
    return Ranking(query=query, stems=stems, order=order, capped=capped, viewer=user)


# --- text -------------------------------------------------------------------------------------


def _text_matches(stems: list[str], visible: QuerySet) -> tuple[list, bool]:
    """([(report id, score)] best first, whether there were more), on the current database.

    Only the MAX_CANDIDATES most recently filed matching reports are ranked: ranking every match
    makes a common word cost time in proportion to the whole archive (50,000 matches for "jalan
    rusak" in a million reports). So the matches are gathered newest first, one range of report
    ids at a time (WINDOW ids, then 4 times as many, and so on), until more than MAX_CANDIDATES
    are found or the oldest report is reached; the database intersects the full-text index with
    the id range before it reads any document. A common word costs one range; a rare one a few
    more, each reading only the index.
    """
    newest = Report.objects.order_by("-id").values_list("id", flat=True).first() or 0
    found: list = []
    high, window = newest, WINDOW
    while len(found) <= MAX_CANDIDATES and high > 0:
        low = max(0, high - window)
        more = _candidates(stems, visible, low, high)
        found += more
        # The next range: as wide as the matches seen so far say is needed for the rest (a
        # quarter more), at most 8 times the last one.
        needed = MAX_CANDIDATES + 1 - len(found)
        high, window = (
            low,
            (min(window * 8, needed * window * 5 // (4 * len(more)) + 100) if more else window * 8),
        )
    capped = len(found) > MAX_CANDIDATES
    found = found[:MAX_CANDIDATES]
    ranked = sorted(found, key=lambda row: (row[1], row[2], row[0]), reverse=True)
    return [(pk, float(score)) for pk, score, _submitted in ranked], capped


def _candidates(
    stems: list[str], visible: QuerySet, low: int, high: int
) -> list[tuple[int, float, object]]:
    """[(report id, score, submitted_at)] of the visible matches with low < id <= high, newest
    first."""
    if connection.vendor == "postgresql":
        match = " & ".join(stems)  # stems are [0-9a-z]+ only: nothing to escape
        # The matches of the range first (MATERIALIZED: the full-text index ANDed with the id range
        # of the documents' key), then only those reports are read to check visibility.
        matches = (
            "WITH m AS MATERIALIZED "
            "(SELECT report_id, ts_rank(vector, to_tsquery('simple', %s)) AS score "
            "FROM search_searchdocument WHERE vector @@ to_tsquery('simple', %s) "
            "AND report_id > %s AND report_id <= %s) "
        )
        shown = (
            visible.filter(id__gt=low, id__lte=high)
            .extra(where=["reports_report.id IN (SELECT report_id FROM m)"])
            .order_by()
            .values_list("id", "submitted_at")
        )
        shown_sql, shown_params = shown.query.sql_with_params()
        # Scores and visible reports come back as two lists in one answer, joined here: the
        # planner underestimates the matches and joined them by comparing every pair.
        sql = (
            f"{matches}SELECT report_id, score, NULL FROM m "
            f"UNION ALL SELECT c.id, NULL, c.submitted_at FROM ({shown_sql}) c"
        )
        params = [match, match, low, high, *shown_params]
        with connections[visible.db].cursor() as cursor:  # where `visible` reads (a replica)
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        scores = {pk: score for pk, score, submitted in rows if submitted is None}
        shown_rows = sorted(
            (
                (pk, scores[pk], submitted)
                for pk, _score, submitted in rows
                if submitted is not None
            ),
            reverse=True,
        )
        return shown_rows
    else:
        # A dispatcher or supervisor sees every report: then the visibility clause is left out.
        restricted = bool(visible.query.where)
        visible_sql, visible_params = (
            visible.values("pk").query.sql_with_params() if restricted else ("", ())
        )
        match = " ".join(f'"{s}"' for s in stems)
        # The matches are computed first (MATERIALIZED): left to itself SQLite may walk the reports
        # and probe the full-text index once per report, which takes seconds at 100,000 reports.
        # bm25() is lower for better matches; negated so that both backends mean "higher is better".
        sql = (
            "SELECT m.id, m.score, r.submitted_at FROM (WITH m AS MATERIALIZED "
            "(SELECT rowid AS id, -bm25(search_fts) AS score FROM search_fts "
            "WHERE search_fts MATCH %s AND rowid > %s AND rowid <= %s) SELECT * FROM m) AS m "
            "JOIN reports_report r ON r.id = m.id"
        )
        if restricted:
            sql += f" WHERE m.id IN ({visible_sql})"
        sql += " ORDER BY m.id DESC"
        params = [match, low, high, *visible_params]
    with connections[visible.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- exact finds ------------------------------------------------------------------------------


def identity_scope(user) -> Q | None:
    """Reports whose reporter `user` may find by identity; mirrors `visibility.may_see_identity`."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_dispatcher:
        return Q()
    if user.is_supervisor:
        return Q(anonymous=False)
    if user.is_officer:
        return Q(anonymous=False) & handled_q(user)
    return None


def _exact_matches(user, query: str, visible: QuerySet) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    code = query.upper()
    if re.fullmatch(r"[A-Z]{2,5}-[0-9A-Z]{4,10}", code):
        found += [(pk, "code") for pk in visible.filter(code=code).values_list("pk", flat=True)]
    scope = identity_scope(user)
    if scope is None:
        return found
    scoped = visible.filter(scope)
    digits = re.sub(r"\D", "", query)
    condition = None
    if len(digits) == 16 and len(digits) == len(query.replace(" ", "")):
        condition, how = nik_condition(digits), "nik"
    elif len(digits) >= 6 and len(digits) >= len(
        query.replace(" ", "").replace("+", "").replace("-", "")
    ):
        tail = digits[2:] if digits.startswith("62") else digits.lstrip("0")
        condition, how = (
            Q(reporter_phone__contains=tail) | Q(reporter__phone__contains=tail),
            "reporter",
        )
    elif len(query) >= 3 and not digits and query.lower() not in STOPWORDS:
        condition, how = (
            Q(reporter_name__icontains=query) | Q(reporter__full_name__icontains=query),
            "reporter",
        )
    if condition is not None:
        pks = (
            scoped.filter(condition)
            .order_by("-submitted_at")
            .values_list("pk", flat=True)[:MAX_EXACT]
        )
        found += [(pk, how) for pk in pks]
    return found


def nik_condition(nik: str) -> Q | None:
    """Reports of the person with this NIK, through the keyed hash of the accounts app: an
    account's NIK, or a resident's given by the RT/RW who filed for them."""
    from aduan.accounts.nik import lookup_hashes

    digests = lookup_hashes(nik)  # more than one only while the hash key rotates
    return Q(reporter__nik_hash__in=digests) | Q(reporter_nik_hash__in=digests)


# --- highlighting -----------------------------------------------------------------------------


def highlight(text: str, stems: set[str]) -> SafeString:
    """`text` escaped, with each word whose stem was searched for in <mark>."""
    out, last = [], 0
    for m in WORD_SPAN.finditer(text or ""):
        if stems and stem(m.group()) in stems:
            out.append(escape(text[last : m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            last = m.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))


def snippet(text: str, stems: set[str]) -> SafeString:
    """About SNIPPET_WORDS words of `text` around its first match, highlighted."""
    spans = list(WORD_SPAN.finditer(text or ""))
    if len(spans) <= SNIPPET_WORDS:
        return highlight(text, stems)
    first = next((i for i, m in enumerate(spans) if stems and stem(m.group()) in stems), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    end = min(len(spans), start + SNIPPET_WORDS)
    piece = text[spans[start].start() : spans[end - 1].end()]
    return mark_safe(
        ("… " if start else "") + highlight(piece, stems) + (" …" if end < len(spans) else "")
    )

"""`search(user, query)`: one interface over SQLite FTS5 and PostgreSQL full-text search.

1. The query is reduced to stems the way documents are (`text.terms`); every stem must match.
2. Only reports `user` may open take part (`visible_reports`: the public sees no confidential
   and no unverified report), and only through their search document, which holds no identity.
3. Staff also find a report by its tracking code, the reporter's name or phone, or NIK (through
   the keyed hash), but only where they may see the reporter's identity (`identity_scope`), so
   that searching a name never reveals who filed an anonymous report.
4. Exact finds (code, identity) come first, then text matches by relevance, then recency; the
   matching words are highlighted in the title and a snippet of the description.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from aduan.reports.models import Report
from aduan.reports.visibility import visible_reports

from .text import STOPWORDS, stem, terms

MAX_TERMS = 12
MAX_EXACT = 50
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


def search(user, query: str, *, limit: int = 20, offset: int = 0, within: QuerySet | None = None) -> Page:
    """Reports `user` may see that match `query`; `within` narrows further (feed filters)."""
    query = (query or "").strip()[:200]
    stems = list(dict.fromkeys(terms(query)))[:MAX_TERMS]
    visible = visible_reports(user)
    if within is not None:
        visible = visible.filter(pk__in=within.values("pk"))
    exact = _exact_matches(user, query, visible)
    text_total, ranked = (0, [])
    if stems:
        text_total, ranked = _text_matches(stems, visible, limit=offset + limit + len(exact), offset=0)
    order, seen = [], set()
    for pk, score, how in [(pk, 1e9, how) for pk, how in exact] + [(pk, s, "text") for pk, s in ranked]:
        if pk not in seen:
            seen.add(pk)
            order.append((pk, score, how))
    total = text_total + sum(1 for pk, _how in exact if pk not in {p for p, _s in ranked})
    window = order[offset:offset + limit]
    reports = Report.objects.select_related("category", "agency", "district", "village").in_bulk(
        [pk for pk, _s, _h in window])
    wanted = set(stems)
    hits = [
        Hit(report=reports[pk], score=score, matched=how, title=highlight(reports[pk].title, wanted),
            snippet=snippet(reports[pk].description, wanted))
        for pk, score, how in window if pk in reports
    ]
    return Page(query=query, hits=hits, total=total)


# --- text -------------------------------------------------------------------------------------

def _text_matches(stems: list[str], visible: QuerySet, *, limit: int, offset: int) -> tuple[int, list]:
    """(number of matches, [(report id, score)]) best first, on the current database."""
    # A dispatcher or supervisor sees every report: then the visibility clause is left out.
    restricted = bool(visible.query.where)
    visible_sql, visible_params = visible.values("pk").query.sql_with_params() if restricted else ("", ())
    if connection.vendor == "postgresql":
        match = " & ".join(stems)  # stems are [0-9a-z]+ only: nothing to escape
        base = (f"FROM search_searchdocument d JOIN reports_report r ON r.id = d.report_id "
                f"WHERE d.vector @@ to_tsquery('simple', %s)")
        if restricted:
            base += f" AND d.report_id IN ({visible_sql})"
        ranked = (f"SELECT d.report_id, ts_rank(d.vector, to_tsquery('simple', %s)) AS score, "
                  f"count(*) OVER () {base} ORDER BY score DESC, r.submitted_at DESC LIMIT %s OFFSET %s")
        params = [match, match, *visible_params, limit, offset]
    else:
        match = " ".join(f'"{s}"' for s in stems)
        # The matches are computed first (MATERIALIZED): left to itself SQLite may walk the reports
        # and probe the full-text index once per report, which takes seconds at 100,000 reports.
        # bm25() is lower for better matches; negated so that both backends mean "higher is better".
        base = (f"FROM (WITH m AS MATERIALIZED (SELECT rowid AS id, -bm25(search_fts) AS score FROM search_fts "
                f"WHERE search_fts MATCH %s) SELECT * FROM m) AS m JOIN reports_report r ON r.id = m.id")
        if restricted:
            base += f" WHERE m.id IN ({visible_sql})"
        ranked = (f"SELECT m.id, m.score, count(*) OVER () {base} "
                  f"ORDER BY m.score DESC, r.submitted_at DESC LIMIT %s OFFSET %s")
        params = [match, *visible_params, limit, offset]
    with connection.cursor() as cursor:
        # One pass: the window count gives the number of matches along with the page.
        cursor.execute(ranked, params)
        fetched = cursor.fetchall()
        if fetched:
            total = fetched[0][2]
        else:  # past the last page: count separately
            cursor.execute(f"SELECT count(*) {base}", [match, *visible_params])
            total = cursor.fetchone()[0]
    return total, [(pk, float(score)) for pk, score, _total in fetched]


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
        return Q(anonymous=False, agency_id=user.agency_id)
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
    elif len(digits) >= 6 and len(digits) >= len(query.replace(" ", "").replace("+", "").replace("-", "")):
        tail = digits[2:] if digits.startswith("62") else digits.lstrip("0")
        condition, how = Q(reporter_phone__contains=tail) | Q(reporter__phone__contains=tail), "reporter"
    elif len(query) >= 3 and not digits and query.lower() not in STOPWORDS:
        condition, how = Q(reporter_name__icontains=query) | Q(reporter__full_name__icontains=query), "reporter"
    if condition is not None:
        pks = scoped.filter(condition).order_by("-submitted_at").values_list("pk", flat=True)[:MAX_EXACT]
        found += [(pk, how) for pk in pks]
    return found


def nik_condition(nik: str) -> Q | None:
    """Reports of the person with this NIK, through the keyed hash of the accounts app: an
    account's NIK, or a resident's given by the RT/RW who filed for them."""
    from aduan.accounts.nik import lookup_hashes  # noqa: PLC0415 (accounts imports search indirectly)

    digests = lookup_hashes(nik)  # more than one only while the hash key rotates
    return Q(reporter__nik_hash__in=digests) | Q(reporter_nik_hash__in=digests)


# --- highlighting -----------------------------------------------------------------------------

def highlight(text: str, stems: set[str]) -> SafeString:
    """`text` escaped, with each word whose stem was searched for in <mark>."""
    out, last = [], 0
    for m in WORD_SPAN.finditer(text or ""):
        if stems and stem(m.group()) in stems:
            out.append(escape(text[last:m.start()]))
            out.append(f"<mark>{escape(m.group())}</mark>")
            last = m.end()
    out.append(escape((text or "")[last:]))
    return mark_safe("".join(out))  # noqa: S308 (every piece escaped above)


def snippet(text: str, stems: set[str]) -> SafeString:
    """About SNIPPET_WORDS words of `text` around its first match, highlighted."""
    spans = list(WORD_SPAN.finditer(text or ""))
    if len(spans) <= SNIPPET_WORDS:
        return highlight(text, stems)
    first = next((i for i, m in enumerate(spans) if stems and stem(m.group()) in stems), 0)
    start = max(0, first - SNIPPET_WORDS // 3)
    end = min(len(spans), start + SNIPPET_WORDS)
    piece = text[spans[start].start():spans[end - 1].end()]
    return mark_safe(("… " if start else "") + highlight(piece, stems) + (" …" if end < len(spans) else ""))  # noqa: S308

"""Likely duplicates of a report: near-identical or paraphrased text about the same place, sent
recently. Shown when a report is filed and when the dispatcher opens it, leading to the merge
action (`actions.do_merge`).

1. Candidates: reports sent within `WINDOW_DAYS` before or after it, not archived, not the report
   itself, at most `MAX_CANDIDATES` (the nearest in time); only those `viewer` may see when given.
2. Text similarity: the mean of two cosines that need no training — character 3–5-grams of the
   raw text (survives misspellings and reordered sentences) and stemmed words (survives
   "diperbaiki"/"perbaikan" and other inflections of a paraphrase).
3. Place: same village raises it, a different district (both known) halves it.
4. Kept when similarity ≥ `THRESHOLD`, best first.
`bench/duplicates.py` measures precision and recall on real complaints.
"""

import datetime as dt

from aduan.reports.models import Report, Status
from aduan.reports.visibility import visible_reports

from .similarity import text_similarity

WINDOW_DAYS = 60
MAX_CANDIDATES = 1500
THRESHOLD = 0.45
SAME_VILLAGE_BONUS = 0.1
OTHER_DISTRICT_FACTOR = 0.5


def _text(report: Report) -> str:
    return f"{report.title}\n{report.description}"


def find_duplicates(
    report: Report,
    *,
    viewer=None,
    limit: int = 5,
    threshold: float = THRESHOLD,
    window_days: int = WINDOW_DAYS,
    within=None,
) -> list[tuple[Report, float]]:
    """[(report, similarity)] best first. `within`: a narrower set of candidates (already limited
    to what the viewer may see), for the filing form's live suggestions."""
    base = visible_reports(viewer) if viewer is not None else Report.objects.all()
    if within is not None:
        base = within
    window = dt.timedelta(days=window_days)
    candidates = list(
        base.exclude(pk=report.pk)
        .exclude(status=Status.ARCHIVED)
        .filter(
            submitted_at__gte=report.submitted_at - window,
            submitted_at__lte=report.submitted_at + window,
        )
        .select_related("category", "agency", "district", "village")
        .order_by("-submitted_at")[:MAX_CANDIDATES]
    )
    scores = text_similarity(_text(report), [_text(c) for c in candidates])
    found = []
    for candidate, score in zip(candidates, scores, strict=True):
        score = float(score)
        if report.village_id and candidate.village_id == report.village_id:
            score += SAME_VILLAGE_BONUS
        elif (
            report.district_id
            and candidate.district_id
            and candidate.district_id != report.district_id
        ):
            score *= OTHER_DISTRICT_FACTOR
        if score >= threshold:
            found.append((candidate, round(min(score, 1.0), 3)))
    found.sort(key=lambda pair: (-pair[1], -pair[0].submitted_at.timestamp()))
    return found[:limit]

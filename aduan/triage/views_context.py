"""What `triage/_suggestions.html` needs, in one call for the back-office views."""

from .duplicates import find_duplicates
from .suggestions import suggest


def triage_context(report, viewer, **urls) -> dict:
    """{"suggestion", "duplicates", **urls}: pass `merge_action=` / `disposition_action=` URLs."""
    return {
        "suggestion": suggest(report, viewer=viewer),
        "duplicates": find_duplicates(report, viewer=viewer),
        **urls,
    }

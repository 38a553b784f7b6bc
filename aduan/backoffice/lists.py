"""The rows of each back-office list, for the list page and for its map (issue 13), so that the
two can never show different reports: both call the same function with the same query string.

Each starts from `access.workspace_reports(user)` (what the user may open in the back office)
and applies the list's own scope and the shared filters (`aduan.stats.filters.filter_reports`).
Ordering, annotations and related rows are left to the caller: a page orders by urgency, a map
draws the newest pins.
"""

from django.db.models import QuerySet
from django.http import QueryDict

from aduan.reports.models import Report, Status
from aduan.stats.filters import filter_reports

from .access import workspace_reports


def queue_params(query: QueryDict) -> QueryDict:
    """The dispatcher's queue shows the reports waiting for verification unless a status is
    chosen."""
    params = query.copy()
    params.setdefault("status", Status.SUBMITTED)
    return params


def queue_reports(user, params: QueryDict) -> QuerySet[Report]:
    """The dispatcher's queue (`params` from `queue_params`)."""
    return filter_reports(workspace_reports(user), params)


def inbox_reports(user, params: QueryDict) -> QuerySet[Report]:
    """What the officer's agency holds now (or, with a status chosen, every report of that status
    it holds); `mine=1`: only those assigned to the officer."""
    qs = workspace_reports(user)
    if not params.get("status"):
        qs = qs.agency_inbox(user.agency_id)
    if params.get("mine"):
        qs = qs.filter(assigned_to=user)
    return filter_reports(qs, params)


def all_reports(user, params: QueryDict) -> QuerySet[Report]:
    """Any filtered list of the reports the user may open (the "Semua laporan" page)."""
    return filter_reports(workspace_reports(user), params)

"""Who may enter the back office, and which reports each staff member may open there.

The back office is narrower than `visibility.visible_reports`: an officer sees public reports on
the portal like anyone, but here only the reports their agency holds now, so that an officer of
agency B gets 404 on agency A's report in every page, list, search and export of the back office,
and an officer of one of A's sub-units (issue 16) on every report of A not passed down to it.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from aduan.accounts.access import is_staff_member
from aduan.reports.models import Report
from aduan.reports.visibility import handled_reports, staff_reports


def workspace_reports(user) -> QuerySet[Report]:
    """Every report `user` may open in the back office."""
    if not is_staff_member(user):
        return Report.objects.none()
    if user.is_dispatcher or user.is_supervisor:
        return staff_reports()  # not the reports waiting for their author's profile (issue 13)
    # The agency's officers: what it holds; a sub-unit's officers: what was passed down to it.
    return handled_reports(user)


def get_workspace_report(user, code: str) -> Report:
    try:
        return (
            workspace_reports(user)
            .select_related(
                "category",
                "agency",
                "sub_unit",
                "district",
                "village",
                "reporter",
                "filed_by",
                "assigned_to",
                "merged_into",
            )
            .get(code=code)
        )
    except Report.DoesNotExist:
        raise Http404(_("Laporan tidak ditemukan.")) from None

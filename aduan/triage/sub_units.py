"""Which sub-unit of the agency holding a report should handle it (issue 16): the routing rules
(`directory.SubUnitRule`) are data, edited in the admin. The proposal is shown pre-selected in the
agency's "Teruskan ke sub-unit" form; the officer decides (`actions.do_pass_down`)."""

from django.db.models import Q

from aduan.directory.models import SubUnit, SubUnitRule
from aduan.reports.models import Report


def proposed_sub_unit(report: Report) -> SubUnit | None:
    """The active sub-unit of the most specific rule of the report's agency that matches it
    (category + desa > category + kecamatan > category > desa > kecamatan > a catch-all); on a
    tie, the oldest rule. None when no rule matches, or the report is held by no agency."""
    if report.agency_id is None:
        return None
    matching = (
        SubUnitRule.objects.filter(agency_id=report.agency_id, sub_unit__is_active=True)
        .filter(Q(category__isnull=True) | Q(category_id=report.category_id))
        .filter(Q(district__isnull=True) | Q(district_id=report.district_id))
        .filter(Q(village__isnull=True) | Q(village_id=report.village_id))
        .select_related("sub_unit")
        .order_by("pk")
    )
    best = max(matching, key=lambda rule: rule.specificity, default=None)
    return best.sub_unit if best is not None else None

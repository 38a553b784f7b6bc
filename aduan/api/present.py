"""Reports as a given caller may see them. Identity goes only through `present_reporter`; the
timeline, the files and the point only through `visible_events`, `visible_attachments` and
`shown_coordinates`."""

import datetime as dt

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from aduan.directory.models import PRIORITY_CODES
from aduan.reports import sla
from aduan.reports.models import Attachment, Report, Support, TimelineEvent
from aduan.reports.transitions import available_actions
from aduan.reports.visibility import (
    is_own,
    may_see_internal,
    report_parts,
    reporter_seen,
    shown_actor,
    shown_coordinates,
    shown_text,
    surviving_report,
    visible_attachments,
    visible_events,
)

LIST_RELATED = ("category", "agency", "district", "village")


def _ref(obj, name_attr: str = "name"):
    return {"code": obj.code, "name": getattr(obj, name_attr)} if obj else None


def _utc(moment):
    """As read from the database (UTC), also for a deadline just computed in WITA."""
    return moment.astimezone(dt.UTC) if moment is not None else None


def summary(report: Report, viewer=None) -> dict:
    """`viewer`: whose words the title is in (`shown_text`); None is the public."""
    return {
        "code": report.code,
        "title": shown_text(report, viewer).title,
        "status": report.status,
        "status_label": str(report.get_status_display()),
        "classification": report.classification,
        "category": _ref(report.category),
        "agency": _ref(report.agency, "short_name"),
        "district": _ref(report.district),
        "village": _ref(report.village),
        "channel": report.channel,
        "anonymous": report.anonymous,
        "confidential": report.confidential,
        "submitted_at": report.submitted_at,
        "updated_at": report.updated_at,
        "due_at": _utc(report.due_at),
        "zone": sla.zone(report),
        "priority": PRIORITY_CODES[report.priority],
        "version": report.version,
    }


def detail_queryset(queryset):
    # The support count as a correlated subquery (the index on report_id), not a GROUP BY of the
    # report joined with its six relations (most of a detail's database time).
    supports = (
        Support.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        queryset.select_related(*LIST_RELATED, "reporter", "filed_by", "assigned_to")
        .prefetch_related(*detail_prefetches())
        .annotate(support_count=Coalesce(Subquery(supports), 0))
    )


def detail_prefetches() -> tuple:
    return (
        Prefetch("events", queryset=TimelineEvent.objects.select_related("actor")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
    )


def detail(report: Report, viewer) -> dict:
    insider = may_see_internal(report, viewer)
    party = insider or is_own(report, viewer)
    reporter = reporter_seen(report, viewer, seen_on="api")
    text = shown_text(report, viewer)
    events = [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": str(e.get_kind_display()),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "audience": e.audience,
            "actor": shown_actor(e, report, viewer, reporter) or "Sistem",
            "text": e.text,
            "created_at": e.created_at,
        }
        for e in visible_events(report, viewer)
    ]
    attachments = [
        {
            "id": a.pk,
            "name": a.shown_name,  # type: ignore[attr-defined]  # set by visible_attachments
            "content_type": a.content_type,
            "size": a.size,
            "created_at": a.created_at,
            "proof_flags": a.proof_flags if insider else [],
        }
        for a in visible_attachments(report, viewer)
    ]
    point = shown_coordinates(report, viewer)
    merged_into = surviving_report(report, viewer)
    supports = getattr(report, "support_count", None)
    return {
        **summary(report, viewer),
        "description": text.description,
        "incident_date": report.incident_date,
        "address": text.address,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "parties_involved": text.parties_involved,
        "extra_answers": report.extra_answers if party else {},
        "reporter": {
            "name": reporter.name,
            "phone": reporter.phone,
            "email": reporter.email,
            "nik_masked": reporter.nik_masked,
            "hidden": reporter.hidden,
        },
        "assigned_to": report.assigned_to.display_name if insider and report.assigned_to else None,
        "ombudsman_at": report.ombudsman_at if party else None,
        "rating": report.rating,
        "answer_outcome": report.answer_outcome,
        "follow_up_on": report.follow_up_on,
        "supports": supports if supports is not None else report.supports.count(),
        "timeline": events,
        "attachments": attachments,
        "merged_into": {
            "code": merged_into.code,
            "status": merged_into.status,
            "status_label": merged_into.status_label,
        }
        if merged_into
        else None,
        "parts": [part.__dict__ for part in report_parts(report, viewer)],
        # Only its author ever sees a waiting report (issue 13).
        "awaiting_profile": report.awaiting_profile_since is not None,
        "actions": [str(a) for a in available_actions(report, viewer)]
        if viewer is not None
        else [],
    }

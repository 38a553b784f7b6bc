"""Reports as a given caller may see them. Identity goes only through `present_reporter`; the
timeline only shows what the event's audience allows."""

import datetime as dt

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce

from aduan.reports import sla
from aduan.reports.models import Attachment, Audience, Report, Support, TimelineEvent
from aduan.reports.transitions import available_actions
from aduan.reports.visibility import attachment_name, is_own, may_see_internal, present_reporter

LIST_RELATED = ("category", "agency", "district", "village")


def _ref(obj, name_attr: str = "name"):
    return {"code": obj.code, "name": getattr(obj, name_attr)} if obj else None


def _utc(moment):
    """As read from the database (UTC), also for a deadline just computed in WITA."""
    return moment.astimezone(dt.UTC) if moment is not None else None


def summary(report: Report) -> dict:
    return {
        "code": report.code,
        "title": report.title,
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
    audiences = (
        {Audience.PUBLIC}
        | ({Audience.PARTIES} if party else set())
        | ({Audience.INTERNAL} if insider else set())
    )
    reporter = present_reporter(report, viewer)
    events = [
        {
            "id": e.pk,
            "kind": e.kind,
            "kind_label": str(e.get_kind_display()),
            "from_status": e.from_status,
            "to_status": e.to_status,
            "audience": e.audience,
            "actor": _actor(e, report, viewer, reporter),
            "text": e.text,
            "created_at": e.created_at,
        }
        for e in report.events.all()
        if e.audience in audiences
    ]
    attachments = [
        {
            "id": a.pk,
            "name": attachment_name(report, a, viewer),
            "content_type": a.content_type,
            "size": a.size,
            "created_at": a.created_at,
        }
        for a in report.attachments.all()
        if party or a.public
    ]
    supports = getattr(report, "support_count", None)
    return {
        **summary(report),
        "description": report.description,
        "incident_date": report.incident_date,
        "address": report.address,
        "latitude": float(report.latitude) if report.latitude is not None else None,
        "longitude": float(report.longitude) if report.longitude is not None else None,
        "parties_involved": report.parties_involved,
        "extra_answers": report.extra_answers if party else {},
        "reporter": {
            "name": reporter.name,
            "phone": reporter.phone,
            "email": reporter.email,
            "nik_masked": reporter.nik_masked,
            "hidden": reporter.hidden,
        },
        "assigned_to": report.assigned_to.display_name if insider and report.assigned_to else None,
        "rating": report.rating,
        "supports": supports if supports is not None else report.supports.count(),
        "timeline": events,
        "attachments": attachments,
        "actions": [str(a) for a in available_actions(report, viewer)]
        if viewer is not None
        else [],
    }


def _actor(event: TimelineEvent, report: Report, viewer, reporter_view) -> str:
    """The reporter's own events carry the reporter as this viewer may see them (an anonymous
    reporter stays "Anonim"); staff appear by name to staff and by role to everyone else."""
    actor = event.actor
    if actor is None:
        return "Sistem"
    if actor.pk in (report.reporter_id, report.filed_by_id):
        return reporter_view.name
    if (
        viewer is not None
        and viewer.is_authenticated
        and (may_see_internal(report, viewer) or viewer.pk == actor.pk)
    ):
        return actor.display_name
    if actor.is_officer and actor.agency_id:
        return (
            str(report.agency.short_name)
            if report.agency_id == actor.agency_id
            else str(actor.get_role_display())
        )
    return str(actor.get_role_display())

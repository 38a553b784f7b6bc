"""What goes into the feed: the public state changes of public reports, as the public may see them.

`publish` is connected to `reports.signals.event_recorded` (sent by `actions._core._event` inside
the action's transaction): an event the public may see (audience public) of a report the public may
see after the change (verified, not confidential) becomes one `FeedEvent`, and one outbox row per
active subscription. Nothing here names a reporter: the payload is built from the public fields
only, anonymous or not makes no difference to it, and the one free text it carries (the
event's public text: a public note, an answer) is masked as the public page masks it. Each
subscription receives only the kinds it chose (`Subscription.kinds`; empty: all).
"""

import json

from django.db.models import QuerySet

from aduan.notifications import outbox
from aduan.reports import visibility
from aduan.reports.models import Audience

from .models import FeedEvent, Subscription


def payload(event) -> dict:
    report = event.report
    data = event.data or {}
    return {
        "report": {
            "code": report.code,
            "status": report.status,
            "status_label": str(report.get_status_display()),
            "classification": report.classification,
            "category": report.category.code if report.category_id else None,
            "agency": report.agency.code if report.agency_id else None,
            # A region's code is its key: read without loading it.
            "district": report.district_id,
            "village": report.village_id,
            "submitted_at": report.submitted_at.isoformat(),
            "due_at": report.due_at.isoformat() if report.due_at else None,
        },
        "kind": event.kind,
        "from_status": event.from_status or None,
        "to_status": event.to_status or None,
        # As the public reads it (no viewer: no party): phone numbers, e-mail addresses and
        # NIK-like numbers masked (`reports.masking`).
        "text": visibility.shown_event_text(event, report, None),
        "outside_body": data.get("outside_body"),
        "agency_name": data.get("agency_name"),
        "occurred_at": event.created_at.isoformat(),
    }


def publish(event) -> FeedEvent | None:
    report = event.report
    if event.audience != Audience.PUBLIC or not report.is_public:
        return None
    item = FeedEvent.objects.create(
        report_code=report.code,
        kind=event.kind,
        payload=payload(event),
        created_at=event.created_at,
    )
    body = envelope(item)
    for subscription in Subscription.objects.filter(is_active=True).order_by("pk"):
        if not subscription.wants(item.kind):
            continue
        outbox.send_to(
            "webhook",
            subscription.url,
            body,
            kind="feed_event",
            report=report,
            subject=item.event_id,
            extra={"subscription": subscription.pk, "event": item.pk},
        )
    return item


def still_public(items: QuerySet[FeedEvent]) -> QuerySet[FeedEvent]:
    """The events whose report the public may still see (`visibility.public_reports`). An event
    is published while its report is public, but a report can later become confidential (a
    reporter under threat, a private category) or be erased: from then on no replay and no export
    gives its events again, to a receiver that missed them or registers later."""
    return items.filter(report_code__in=visibility.public_reports().values("code"))


def as_dict(item: FeedEvent) -> dict:
    return {
        "id": item.pk,
        "event_id": item.event_id,
        "type": f"report.{item.kind}",
        "created_at": item.created_at.isoformat(),
        "data": item.payload,
    }


def envelope(item: FeedEvent) -> str:
    return json.dumps(as_dict(item), ensure_ascii=False, separators=(",", ":"), sort_keys=True)

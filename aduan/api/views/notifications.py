"""The caller's in-app notifications (rows of the outbox)."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from aduan.notifications.models import Channel, Notification

from ..auth import ANY
from ..pagination import page
from ..schemas import NotificationOut, NotificationPage
from .accounts import ERRORS

router = Router(tags=["Notifikasi"])


class NotificationFilter(Schema):
    unread: bool = False
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(25, ge=1, le=100)


def _out(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "report": n.report.code if n.report else None,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


def _mine(user):
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP)


@router.get(
    "/notifications",
    response={200: NotificationPage, **ERRORS},
    auth=ANY,
    summary="Notifikasi saya",
)
def notifications(request, filters: Query[NotificationFilter]):
    rows = _mine(request.auth).select_related("report")
    if filters.unread:
        rows = rows.filter(read_at__isnull=True)
    items, next_cursor = page(rows, cursor=filters.cursor, limit=filters.limit, field="created_at")
    return {"items": [_out(n) for n in items], "next_cursor": next_cursor}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    auth=ANY,
    summary="Tandai sudah dibaca",
)
def mark_read(request, notification_id: int = Path(..., ge=1, le=2**62)):
    notification = get_object_or_404(
        _mine(request.auth).select_related("report"), pk=notification_id
    )
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return _out(notification)

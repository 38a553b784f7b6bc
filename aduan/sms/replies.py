"""SMS replies are rows of the outbox (channel SMS), delivered by its worker through the gateway."""

import logging

from django.db import transaction
from django.utils import timezone

from aduan.notifications.models import Channel, Notification

log = logging.getLogger(__name__)


def queue_reply(phone: str, text: str, *, report=None) -> Notification:
    notification = Notification.objects.create(
        address=phone,
        channel=Channel.SMS,
        kind="sms_reply",
        report=report,
        subject="SMS",
        body=text[:480],
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _deliver([notification.pk]))
    return notification


def _deliver(ids):
    from aduan.notifications.tasks import deliver_notifications

    try:
        deliver_notifications(ids)
    except Exception:  # the periodic sweep of the outbox sends it later
        log.exception("could not schedule SMS replies %s", ids)

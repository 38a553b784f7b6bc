"""Queue messages in the outbox (inside the caller's transaction) and deliver them (worker).

`queue()` is called by the report actions; it renders the message at once, so what is sent is
what was true when the change was made, and nothing is sent if that change rolls back.
`deliver()` is called by the huey tasks; it claims a row by compare-and-swap so that several
workers on several machines never send the same message twice.
"""

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Channel, DeliveryAttempt, Notification

log = logging.getLogger(__name__)

# A message claimed longer ago than this was left by a worker that died; it is tried again.
STALE_CLAIM = dt.timedelta(minutes=10)


def render(kind: str, context: dict) -> tuple[str, str]:
    """Subject (first line of the template) and body of a message, in Indonesian."""
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        **context,
    }
    with translation.override("id"):
        text = render_to_string(f"notifications/{kind}.txt", context).strip()
    subject, _, body = text.partition("\n")
    # One line, short: header injection is impossible and clients show it whole.
    subject = " ".join(subject.split())[:200]
    return subject, body.strip() + "\n"


def queue(
    kind: str,
    *,
    report=None,
    users: Iterable = (),
    addresses: Iterable[str] = (),
    phones: Iterable[str] = (),
    context=None,
) -> list[Notification]:
    """Write in-app and e-mail notifications for `users`, e-mail for bare `addresses`, and a short
    SMS (the subject and the link) for bare `phones` when an SMS gateway is configured."""
    context = {"report": report, **(context or {})}
    subject, body = render(kind, context)
    now = timezone.now()
    rows, seen_emails = [], set()
    for user in {u.pk: u for u in users if u is not None}.values():
        rows.append(
            Notification(
                recipient=user,
                channel=Channel.IN_APP,
                kind=kind,
                report=report,
                subject=subject,
                body=body,
                state=Notification.State.SENT,
                sent_at=now,
            )
        )
        if user.email and user.email.lower() not in seen_emails:
            seen_emails.add(user.email.lower())
            rows.append(
                Notification(
                    recipient=user,
                    address=user.email,
                    channel=Channel.EMAIL,
                    kind=kind,
                    report=report,
                    subject=subject,
                    body=body,
                    next_attempt_at=now,
                )
            )
    for address in addresses:
        if address and address.lower() not in seen_emails:
            seen_emails.add(address.lower())
            rows.append(
                Notification(
                    address=address,
                    channel=Channel.EMAIL,
                    kind=kind,
                    report=report,
                    subject=subject,
                    body=body,
                    next_attempt_at=now,
                )
            )
    if settings.SMS_GATEWAY_URL:
        link = context_link(report) if report is not None else ""
        for phone in dict.fromkeys(p for p in phones if p):
            rows.append(
                Notification(
                    address=phone,
                    channel=Channel.SMS,
                    kind=kind,
                    report=report,
                    subject=subject,
                    body=f"{subject} {link}".strip()[:320],
                    next_attempt_at=now,
                )
            )
    created = Notification.objects.bulk_create(rows)
    to_send = [n.pk for n in created if n.state == Notification.State.PENDING]
    if to_send:
        transaction.on_commit(lambda: _schedule(to_send))
    return created


def context_link(report) -> str:
    return f"{settings.SITE_URL.rstrip('/')}/laporan/{report.code}/"


def _schedule(ids: list[int]) -> None:
    from .tasks import deliver_notifications

    try:
        deliver_notifications(ids)
    except Exception:  # the periodic sweep picks them up; the change itself is already committed
        log.exception("could not schedule delivery of notifications %s", ids)


def claim(notification_id: int) -> bool:
    """Take a pending message for this worker. Compare-and-swap: of several workers that try at
    once, exactly one changes the row and sends; the others see 0 rows and skip it."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).update(
            state=Notification.State.SENDING, claimed_at=now
        )
    )


def deliver(notification_id: int) -> bool:
    """Send one message if it is due and nobody else has it; record the attempt. True if sent."""
    if not claim(notification_id):
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        _send(notification)
    except Exception as exc:  # any gateway failure: record it and retry with backoff
        _record_failure(notification, exc)
        return False
    notification.attempts += 1
    notification.state = Notification.State.SENT
    notification.sent_at = timezone.now()
    notification.save(update_fields=["attempts", "state", "sent_at"])
    DeliveryAttempt.objects.create(notification=notification, ok=True)
    return True


def _send(notification: Notification) -> None:
    if notification.channel == Channel.EMAIL:
        EmailMessage(
            notification.subject,
            notification.body,
            settings.DEFAULT_FROM_EMAIL,
            [notification.address],
        ).send(fail_silently=False)
    elif notification.channel == Channel.SMS:
        from aduan.sms import gateway  # the HTTP gateway configured by SMS_GATEWAY_URL

        gateway.send(notification.address, notification.body)
    else:
        raise ValueError(f"no delivery for channel {notification.channel}")


def _record_failure(notification: Notification, exc: Exception) -> None:
    notification.attempts += 1
    if notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        notification.state = Notification.State.FAILED
        notification.next_attempt_at = None
    else:
        notification.state = Notification.State.PENDING
        delay = settings.OUTBOX_BACKOFF_SECONDS * 2 ** (notification.attempts - 1)
        notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
    notification.save(update_fields=["attempts", "state", "next_attempt_at"])
    DeliveryAttempt.objects.create(
        notification=notification, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000]
    )
    log.warning(
        "delivery of notification %s failed (attempt %s): %s",
        notification.pk,
        notification.attempts,
        exc,
    )


def due_ids(limit: int = 500) -> list[int]:
    """Pending messages whose time has come, after releasing claims of workers that died."""
    now = timezone.now()
    Notification.objects.filter(
        state=Notification.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(state=Notification.State.PENDING)
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )

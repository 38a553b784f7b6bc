"""The outbox transport of channel "push" (registered in `PushConfig.ready()`): one encrypted,
VAPID-signed POST per subscribed browser, with pywebpush.

- `addresses_for`: each subscription of the account is an address (its id), so a report's change
  writes one outbox row per phone, each delivered and retried on its own.
- `compose`: the payload, small JSON in Indonesian: the tracking code and what changed, never the
  report's text or anyone's name (a phone's lock screen shows it to whoever holds the phone).
- `send_notification`: a 404 or 410 from the push service means the browser unsubscribed or the
  subscription expired: the row is deleted and the message given up (`Undeliverable`); any other
  failure raises, and the outbox retries with its backoff.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.notifications.transports import Undeliverable

from . import subscriptions
from .models import PushSubscription

if TYPE_CHECKING:
    from py_vapid import Vapid

# Messages that ask the citizen to act: the push service may wake a sleeping phone for them.
URGENT_KINDS = {"info_requested", "report_answered", "report_returned", "verdict_reminder"}
MAX_PAYLOAD_BYTES = 3000


class PushError(Exception):
    pass


def enabled() -> bool:
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def addresses_for(user) -> list[str]:
    return [
        str(pk) for pk in PushSubscription.objects.filter(user=user).values_list("pk", flat=True)
    ]


def compose(*, kind: str, subject: str, body: str, link: str, context: dict) -> str:
    """{"title", "body", "url", "tag"} as JSON: the subject without its "[code]" prefix, then the
    report's status; the page to open (a path of this site); one tag per report, so a newer
    change replaces the older one on the phone instead of piling up."""
    report = context.get("report")
    with translation.override("id"):
        if report is None:
            title, text, tag = settings.SITE_NAME, subject, "aduan"
        else:
            title = _("Laporan %(code)s") % {"code": report.code}
            text = subject.removeprefix(f"[{report.code}]").strip()
            status = _("Status: %(status)s") % {"status": report.get_status_display()}
            text = f"{text}. {status}" if text else status
            tag = report.code
    payload = {"title": title, "body": text[:400], "url": urlsplit(link).path or "/", "tag": tag}
    # Well under MAX_PAYLOAD_BYTES: a subject is at most 200 characters, the body 400.
    return json.dumps(payload, ensure_ascii=False)


@lru_cache(maxsize=4)
def _vapid(private_key: str) -> Vapid:
    from py_vapid import Vapid

    return Vapid.from_string(private_key=private_key)


def send_notification(notification) -> str:
    # pywebpush (and aiohttp under it: a tenth of a second) is loaded by the first push sent, not
    # by every process that starts Django.
    from pywebpush import WebPushException, webpush

    subscription = PushSubscription.objects.filter(
        pk=int(notification.address or 0), user_id=notification.recipient_id
    ).first()
    if subscription is None:
        raise Undeliverable("the push subscription was removed")
    if not enabled():
        raise PushError("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are not set")
    try:
        subscriptions.check_endpoint(subscription.endpoint)
    except subscriptions.SubscriptionRefused:
        raise Undeliverable("the endpoint is not a public https address") from None
    try:
        response = webpush(
            subscription.info(),
            data=notification.body,
            vapid_private_key=_vapid(settings.VAPID_PRIVATE_KEY),
            # A fresh dict each time: pywebpush writes the audience and expiry into it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=settings.WEB_PUSH_TTL,
            headers={"Urgency": "high" if notification.kind in URGENT_KINDS else "normal"},
            timeout=settings.WEB_PUSH_TIMEOUT,
        )
    except WebPushException as exc:
        status = getattr(exc.response, "status_code", None)
        if status in (404, 410):
            subscription.delete()
            raise Undeliverable(
                f"push service answered {status}: subscription gone, deleted"
            ) from None
        _failed(subscription)
        raise PushError(f"push service answered {status}") from None
    except requests.RequestException as exc:
        _failed(subscription)
        raise PushError(f"push service unreachable: {type(exc).__name__}") from None
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=timezone.now(), failures=0
    )
    # The push service's id of the message (RFC 8030 §5: the Location header).
    return response.headers.get("Location", "")


def _failed(subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)

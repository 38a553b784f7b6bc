"""The outbox transport of channel "webhook": one signed POST per (event, subscription).

Called by `outbox.deliver`, which claims the row first (compare-and-swap: one worker sends it),
records the attempt and retries a failure with exponential backoff. A 2xx from the receiver is its
acknowledgement: the row is then sent and never delivered again. The timestamp is that of this
attempt, so a receiver can refuse old replays; the event id stays the same on every attempt.
"""

import time
import urllib.error
import urllib.request

from django.conf import settings

from . import signing
from .models import Subscription


class DeliveryFailed(Exception):
    pass


def send(notification) -> str:
    subscription = Subscription.objects.filter(
        pk=notification.extra.get("subscription"), is_active=True
    ).first()
    if subscription is None:
        raise DeliveryFailed("subscription removed or deactivated")
    body = notification.body.encode()
    headers = signing.headers(subscription.secret, int(time.time()), body, notification.subject)
    request = urllib.request.Request(subscription.url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.FEED_TIMEOUT_SECONDS) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"receiver answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryFailed(f"receiver unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise DeliveryFailed(f"receiver answered {status}")
    return notification.subject

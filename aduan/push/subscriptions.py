"""Subscribing a browser to Web Push and unsubscribing it: the rules, whatever the door (the
portal's button posts here through views.py).

A subscription is what the browser's `PushSubscription.toJSON()` gives:
`{"endpoint": "https://…", "keys": {"p256dh": "…", "auth": "…"}}`. The server later POSTs to the
endpoint, so it must be a push service's public https address, never one on the server's own
network (`WEB_PUSH_ALLOW_LOCAL_ENDPOINTS` lifts that for development and the tests)."""

import base64
import binascii
import ipaddress
import json
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aduan.notifications import outbox
from aduan.notifications.models import Channel

from .models import PushSubscription

# Browsers and phones one account may keep subscribed; subscribing one more drops the oldest.
MAX_PER_USER = 10
MAX_ENDPOINT_LENGTH = 1000


class SubscriptionRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64url(value: str) -> bytes:
    value = value.strip()
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def _local_host(host: str) -> bool:
    if host in ("localhost", "") or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def check_endpoint(endpoint: str) -> str:
    """The endpoint if the server may POST to it; SubscriptionRefused otherwise. Also checked by
    the sender before each push (a row written before a setting changed)."""
    parts = urlsplit(endpoint)
    allow_local = settings.WEB_PUSH_ALLOW_LOCAL_ENDPOINTS
    if (
        len(endpoint) > MAX_ENDPOINT_LENGTH
        or parts.scheme not in (("https", "http") if allow_local else ("https",))
        or not parts.hostname
        or parts.username
        or parts.password
        or (_local_host(parts.hostname) and not allow_local)
    ):
        raise SubscriptionRefused(_("Alamat layanan push dari peramban tidak dapat diterima."))
    return endpoint


def parse(body: bytes) -> dict:
    """The subscription in a request's JSON body, checked: the endpoint, and keys that are a
    point on the P-256 curve and a 16-byte secret (a message encrypted to anything else could
    never be read, and would fail on every try)."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise SubscriptionRefused(_("Data langganan harus berupa JSON.")) from None
    if not isinstance(data, dict):
        raise SubscriptionRefused(_("Data langganan harus berupa JSON."))
    endpoint = data.get("endpoint")
    keys = data.get("keys")
    if not isinstance(endpoint, str) or not isinstance(keys, dict):
        raise SubscriptionRefused(_("Data langganan tidak lengkap: endpoint dan keys diperlukan."))
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise SubscriptionRefused(_("Data langganan tidak lengkap: endpoint dan keys diperlukan."))
    point, secret = _b64url(p256dh), _b64url(auth)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        point = b""
    if len(point) != 65 or len(secret) != 16:
        raise SubscriptionRefused(_("Kunci langganan dari peramban tidak valid."))
    return {"endpoint": check_endpoint(endpoint.strip()), "p256dh": p256dh, "auth": auth}


def _keep_push_chosen(user, *, on: bool) -> None:
    """Subscribing a phone is choosing push: it joins the account's channels; the last phone
    unsubscribed takes it out again, so that the settings page says what happens."""
    chosen = outbox.channels_for(user)
    if on == (Channel.PUSH in chosen):
        return
    channels = [c for c in chosen if c != Channel.PUSH]
    outbox.set_channels(user, [*channels, Channel.PUSH] if on else channels)


@transaction.atomic
def do_subscribe(user, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""):
    """Keep the subscription for `user` (a browser subscribing again refreshes its keys; one that
    another account had on the same phone now wakes for this one only). Returns (row, created)."""
    subscription, created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:300],
            "failures": 0,
        },
    )
    kept = PushSubscription.objects.filter(user=user).order_by("-created_at", "-id")
    stale = list(kept.values_list("pk", flat=True)[MAX_PER_USER:])
    if stale:
        PushSubscription.objects.filter(pk__in=stale).delete()
    _keep_push_chosen(user, on=True)
    return subscription, created


@transaction.atomic
def do_unsubscribe(user, *, endpoint: str) -> int:
    """Forget this browser for `user` (only a subscription of theirs). Returns how many went."""
    removed, _per_model = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    if not PushSubscription.objects.filter(user=user).exists():
        _keep_push_chosen(user, on=False)
    return removed

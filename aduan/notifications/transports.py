"""How each outbox channel is delivered: a registry of transports, one per channel.

The outbox knows nothing of gateways: `outbox.deliver()` looks up the row's channel here and calls
its transport. Apps above `notifications` register their own at start-up (`AppConfig.ready()`):
the SMS app its HTTP gateway, the WhatsApp app the Cloud API, the portal's Web Push its sender.
E-mail and in-app are registered here, since this layer owns them.

A transport is:
- `send(notification)`: deliver one row or raise (the outbox records the failure and retries with
  backoff). It may return the gateway's message id, stored on the row so that delivery receipts
  (sent / delivered / read / failed) can find it again.
- `enabled()`: whether the channel is configured; `outbox.queue` writes no row for a channel that
  is switched off (no SMS without `SMS_GATEWAY_URL`, as before).
- `immediate`: the row is complete when written (in-app: the row *is* the message), so it is
  created as sent and never handed to a worker.
- `address_for(user)`: where this channel reaches an account ("" if it cannot: no e-mail, no
  verified phone); None for a channel that only answers bare addresses.
- `addresses_for(user)`: for a channel that reaches one account at several addresses, each its
  own message (Web Push: one per subscribed phone or browser); used instead of `address_for`.
- `compose(*, kind, subject, body, link, context)`: the text sent, for channels that need it
  shorter than the e-mail body (SMS: the subject and the link); None sends the body as rendered.

`send` raises `Undeliverable` when retrying cannot help (the push service says the subscription
is gone): the outbox records the attempt and gives the row up at once instead of backing off.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage

from aduan.core import qr

if TYPE_CHECKING:
    from .models import Notification


class Undeliverable(Exception):
    """The address is gone for good; the outbox marks the row failed without retrying."""


@dataclass(frozen=True)
class Transport:
    channel: str
    send: Callable[[Notification], str | None]
    enabled: Callable[[], bool] = lambda: True
    immediate: bool = False
    address_for: Callable[[Any], str] | None = None
    compose: Callable[..., str] | None = None
    addresses_for: Callable[[Any], list[str]] | None = None

    @property
    def reaches_accounts(self) -> bool:
        return self.immediate or self.address_for is not None or self.addresses_for is not None

    def addresses(self, user) -> list[str]:
        """Every address of `user` on this channel (none: the channel cannot reach them)."""
        if self.addresses_for is not None:
            return [a for a in self.addresses_for(user) if a]
        if self.address_for is not None and (address := self.address_for(user)):
            return [address]
        return []


_registry: dict[str, Transport] = {}


def register(
    channel: str,
    send: Callable[[Notification], str | None],
    *,
    enabled: Callable[[], bool] = lambda: True,
    immediate: bool = False,
    address_for: Callable[[Any], str] | None = None,
    compose: Callable[..., str] | None = None,
    addresses_for: Callable[[Any], list[str]] | None = None,
) -> Transport:
    """Register (or replace: tests swap a transport for a fake) the delivery of one channel."""
    transport = Transport(
        str(channel), send, enabled, immediate, address_for, compose, addresses_for
    )
    _registry[transport.channel] = transport
    return transport


def get(channel: str) -> Transport:
    """The transport of a channel; LookupError if no app registered one (the outbox records it
    as a failed attempt, so a row of an uninstalled channel is visible, not silently dropped)."""
    try:
        return _registry[str(channel)]
    except KeyError:
        raise LookupError(f"no transport registered for channel {channel!r}") from None


def is_enabled(channel: str) -> bool:
    transport = _registry.get(str(channel))
    return transport is not None and transport.enabled()


def registered() -> list[str]:
    return sorted(_registry)


def _send_email(notification: Notification) -> None:
    message = EmailMessage(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [notification.address],
    )
    if (notification.extra or {}).get("qr"):
        message.attach("kode-qr.png", qr.png(notification.extra["qr"]), "image/png")
    message.send(fail_silently=False)


def _send_in_app(notification: Notification) -> None:
    """Nothing to send: the row is what the notification list shows."""


def register_builtin() -> None:
    """Called by `NotificationsConfig.ready()`."""
    register("email", _send_email, address_for=lambda user: user.email or "")
    register("in_app", _send_in_app, immediate=True)

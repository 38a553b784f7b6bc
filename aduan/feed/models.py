"""The signed event feed for integrators (issue 16): every public state change of a report,
numbered, and the subscriptions it is delivered to (a bridge to SP4N-LAPOR!, a dashboard).

A `FeedEvent` is written in the transaction of the change (`events.publish`), with an id that
only grows (the replay cursor) and an `event_id` that never changes (receivers deduplicate on
it). Each subscription gets one outbox row per event (channel "webhook"), delivered with
retries; the outbox records every attempt.
"""

import secrets
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from aduan.ops import sealing

SECRET_PURPOSE = "aduan.feed.secret"
KEY_PURPOSE = "aduan.feed.key"


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class FeedEvent(models.Model):
    event_id = models.CharField(max_length=40, unique=True, default=new_event_id, editable=False)
    report_code = models.CharField(max_length=20, db_index=True)
    kind = models.CharField(max_length=20)
    payload = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.report_code} {self.kind}"


class Subscription(models.Model):
    """A receiver: its URL, the secret its deliveries are signed with (kept sealed: it must be
    read to sign) and the key it replays missed events with (kept only as a keyed hash)."""

    name = models.CharField(_("nama"), max_length=100)
    url = models.URLField(_("URL penerima"), max_length=500)
    secret_sealed = models.TextField(editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    # The event kinds (`reports.models.EventKind` values) this receiver wants; empty: all. A
    # LAPOR! bridge may want only the status changes, a dashboard everything.
    kinds = models.JSONField(
        _("jenis peristiwa"),
        default=list,
        blank=True,
        help_text=_("Kosongkan untuk menerima semua jenis peristiwa publik."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("langganan umpan peristiwa")
        verbose_name_plural = _("langganan umpan peristiwa")

    def __str__(self) -> str:
        return self.name

    def set_credentials(self) -> tuple[str, str]:
        """New signing secret and replay key; returned once, for the sysadmin to hand over."""
        secret, key = "whsec_" + secrets.token_urlsafe(32), "feedkey_" + secrets.token_urlsafe(32)
        self.secret_sealed = sealing.seal_text(secret, SECRET_PURPOSE)
        self.key_hash = sealing.digest(key, KEY_PURPOSE)
        return secret, key

    def wants(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds

    @property
    def secret(self) -> str:
        return sealing.unseal_text(self.secret_sealed, SECRET_PURPOSE) or ""

    @classmethod
    def for_key(cls, key: str):
        return cls.objects.filter(key_hash=sealing.digest(key, KEY_PURPOSE), is_active=True).first()

"""Personal access tokens (one per device) and the idempotency ledger of the JSON API."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

TOKEN_PREFIX = "adn_"


def hash_token(raw: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough to make a stolen table useless
    (a slow password hash would only slow down every request)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A Bearer token for one device of one user; only its hash is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    device_name = models.CharField(_("perangkat"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so that a user can tell their tokens apart; not enough to use one.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} · {self.device_name} ({self.hint}…)"

    @classmethod
    def issue(cls, user, device_name: str) -> tuple["ApiToken", str]:
        raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            device_name=device_name,
            key_hash=hash_token(raw),
            hint=raw[: len(TOKEN_PREFIX) + 4],
        )
        return token, raw


class IdempotencyRecord(models.Model):
    """The first response to a POST that carried an `Idempotency-Key`, replayed to retries.

    `status_code` is None while the first request is still running: a concurrent retry gets 409
    instead of running the action a second time.
    """

    owner = models.CharField(max_length=80)  # "user:<id>" or "ip:<address>"
    key = models.CharField(max_length=200)
    endpoint = models.CharField(max_length=300)  # "POST /api/v1/reports"
    body_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="one_idempotency_key_per_owner")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"

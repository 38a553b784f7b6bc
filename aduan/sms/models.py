"""Replay protection of the SMS webhook, and phone numbers proven to belong to an account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookNonce(models.Model):
    """A nonce the gateway already used. The unique constraint refuses a replay even when two
    copies arrive at once; rows older than the timestamp tolerance are pruned (a replay that old
    is refused by its timestamp anyway)."""

    nonce = models.CharField(max_length=100, unique=True)
    received_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.nonce


class VerifiedPhone(models.Model):
    """A phone number proven to be an account's, so that SMS from it file reports for that
    account."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="verified_phones"
    )
    phone = models.CharField(
        _("nomor telepon"), max_length=20, unique=True, help_text=_("Format +62…")
    )
    verified_at = models.DateTimeField(_("diverifikasi"))

    class Meta:
        verbose_name = _("nomor telepon terverifikasi")
        verbose_name_plural = _("nomor telepon terverifikasi")

    def __str__(self) -> str:
        return f"{self.phone} → {self.user}"


class PhoneChallenge(models.Model):
    """A one-time code sent by SMS to prove that a number is the account holder's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_challenges"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.phone}"

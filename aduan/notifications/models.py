"""The outbox: every message is a row written in the same transaction as the change it reports,
then delivered by the worker with retries; every delivery attempt is recorded."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    IN_APP = "in_app", _("Dalam aplikasi")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PUSH = "push", _("Notifikasi push")
    WEBHOOK = "webhook", _("Webhook integrasi")


class Notification(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    address = models.CharField(max_length=254, blank=True)  # e-mail or phone when no account
    channel = models.CharField(max_length=10, choices=Channel.choices)
    kind = models.CharField(max_length=40)  # template name, e.g. "report_dispositioned"
    report = models.ForeignKey(
        "reports.Report",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The gateway's id of the sent message (returned by the transport), and the last delivery
    # receipt it reported for it (e.g. WhatsApp's sent / delivered / read / failed).
    external_id = models.CharField(max_length=128, blank=True, db_index=True)
    receipt = models.CharField(max_length=20, blank=True)
    receipt_at = models.DateTimeField(null=True, blank=True)
    # What a transport needs beyond the text (WhatsApp: the template and its parameters used
    # outside the 24-hour window, reply buttons).
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["recipient", "channel", "read_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} → {self.recipient_id or self.address}"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"notification {self.notification_id}: {'ok' if self.ok else 'failed'}"


class Preference(models.Model):
    """The channels one account chose to hear about its reports on (`outbox.channels_for`).
    No row: the default, from how the person files."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.channels)}"

"""The state of one chat with one number, kept in the database (it survives a restart and is
shared by every worker), and the messages already received (a gateway delivers some twice)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Conversation(models.Model):
    """One number on one channel. `step` is where the guided exchange stands ("" when idle),
    `draft` what it has gathered so far; both are reset when the exchange ends or expires."""

    channel = models.CharField(max_length=10)  # notifications.Channel: sms, whatsapp
    phone = models.CharField(max_length=20)
    step = models.CharField(max_length=20, blank=True)
    draft = models.JSONField(default=dict, blank=True)
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()
    # The citizen's last message: WhatsApp allows free text for 24 hours after it.
    last_inbound_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "phone"], name="one_conversation_per_number")
        ]
        verbose_name = _("percakapan")
        verbose_name_plural = _("percakapan")

    def __str__(self) -> str:
        return f"{self.channel} {self.phone} {self.step or '-'}"


def _pending_path(instance, filename: str) -> str:
    import secrets

    return f"messaging/{instance.conversation_id}/{secrets.token_hex(16)}"


class PendingFile(models.Model):
    """A photo or document sent during an exchange, already checked and cleaned, waiting for the
    report (or the answer to an information request) it will be attached to."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_pending_path)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class ReceivedMessage(models.Model):
    """A message id the channel already delivered. The unique constraint makes a second delivery
    (a retry of the gateway, or the same body replayed) a no-op even when both arrive at once."""

    channel = models.CharField(max_length=10)
    external_id = models.CharField(max_length=200)
    received_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="message_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.external_id}"

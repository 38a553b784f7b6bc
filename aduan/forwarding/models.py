"""Outside parties (issue 16): bodies beyond the regency (PDAM, PLN, BPN, a desa, the province)
and the links through which a report is forwarded to them.

A link is a bearer token sent to the body; only its SHA-256 hash is stored (`links.token_hash`).
It opens one forwarding of one report, and nothing else (single purpose); it stops working when
the forwarding is answered, declined, recalled or expires, or when the report leaves the
forwarded status.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutsideContact(models.Model):
    """A registered outside body, kept by the sysadmin in the admin."""

    name = models.CharField(_("nama instansi"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    whatsapp = models.CharField(_("nomor WhatsApp"), max_length=20, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kontak pihak luar")
        verbose_name_plural = _("kontak pihak luar")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="", whatsapp=""), name="outside_contact_reachable"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Forwarding(models.Model):
    class State(models.TextChoices):
        SENT = "sent", _("Menunggu jawaban")
        ANSWERED = "answered", _("Dijawab")
        DECLINED = "declined", _("Ditolak")
        RECALLED = "recalled", _("Dibatalkan")
        EXPIRED = "expired", _("Kedaluwarsa")

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="forwardings"
    )
    contact = models.ForeignKey(OutsideContact, on_delete=models.PROTECT, related_name="+")
    # What the dispatcher chose to pass on: the body sees this text, never the report's own.
    text = models.TextField(_("teks untuk pihak luar"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.SENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "expires_at"], name="forwarding_open_expiry")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.contact}"

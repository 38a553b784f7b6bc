"""Outbound Open311 (issue 16): other GeoReport v2 servers a report can be forwarded to (another
regency's Aduan, the province, any Open311 back end), which of our categories is which of their
services, and the requests sent to them, followed until they close.

A server's api_key is kept sealed like the feed's signing secrets (`aduan.ops.sealing`): it must
be read to be sent. A `RemoteRequest` is at once the send queue (PENDING until the server accepts
it, retried with backoff) and the record of what was last seen there (status, status_notes).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.ops import sealing

KEY_PURPOSE = "aduan.federation.api_key"


class RemoteServer(models.Model):
    name = models.CharField(_("nama"), max_length=150, help_text=_("Tampil kepada pelapor."))
    base_url = models.URLField(
        _("alamat dasar GeoReport v2"),
        max_length=300,
        help_text=_("Mis. https://aduan.kabupaten.example/open311/v2/"),
    )
    jurisdiction_id = models.CharField(_("jurisdiction_id"), max_length=100, blank=True)
    api_key_sealed = models.TextField(editable=False, blank=True)
    tracking_attribute = models.CharField(
        _("atribut kode laporan asal"),
        max_length=60,
        blank=True,
        help_text=_(
            "Kode atribut layanan server itu yang menerima kode laporan kita; kosongkan bila "
            "server itu tidak memilikinya (kode tetap ditulis di akhir uraian)."
        ),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("server Open311 tujuan")
        verbose_name_plural = _("server Open311 tujuan")

    def __str__(self) -> str:
        return self.name

    @property
    def api_key(self) -> str:
        return sealing.unseal_text(self.api_key_sealed, KEY_PURPOSE) or ""

    def set_api_key(self, raw: str) -> None:
        self.api_key_sealed = sealing.seal_text(raw, KEY_PURPOSE) if raw else ""

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + "/" + path


class ServiceMapping(models.Model):
    """Our category → the server's service_code (from its services.json)."""

    server = models.ForeignKey(RemoteServer, on_delete=models.CASCADE, related_name="mappings")
    category = models.ForeignKey(
        "directory.Category", on_delete=models.CASCADE, related_name="+", verbose_name=_("kategori")
    )
    service_code = models.CharField(_("service_code tujuan"), max_length=100)

    class Meta:
        verbose_name = _("pemetaan layanan")
        verbose_name_plural = _("pemetaan layanan")
        constraints = [
            models.UniqueConstraint(fields=["server", "category"], name="one_mapping_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.service_code}"


class RemoteRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu terkirim")
        SENT = "sent", _("Diikuti")
        CLOSED = "closed", _("Selesai di server tujuan")
        FAILED = "failed", _("Gagal, laporan kembali")
        DETACHED = "detached", _("Tidak diikuti lagi")

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="remote_requests"
    )
    server = models.ForeignKey(RemoteServer, on_delete=models.PROTECT, related_name="requests")
    service_code = models.CharField(max_length=100)
    # The FORWARDED timeline event of this forwarding: a later one means the report was
    # forwarded again, and this request no longer speaks for it.
    forwarded_event_id = models.BigIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    remote_id = models.CharField(_("service_request_id"), max_length=100, blank=True)
    token = models.CharField(max_length=100, blank=True)
    remote_status = models.CharField(max_length=20, blank=True)
    remote_notes = models.TextField(blank=True)
    remote_updated = models.CharField(max_length=40, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # failures in a row
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("permintaan Open311 keluar")
        verbose_name_plural = _("permintaan Open311 keluar")
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="remote_request_due")]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.server_id} {self.remote_id or self.token or '-'}"

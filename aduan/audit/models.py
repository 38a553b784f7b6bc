"""The audit trail: every action on a report and every view of a reporter's identity, append-only
and chained by hashes (each row's hash covers the previous row's hash), so that a row edited or
deleted behind the application's back breaks the chain (`verify_audit_chain`)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly("audit entries are never changed")

    def delete(self):
        raise AppendOnly("audit entries are never deleted")


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        IDENTITY_VIEWED = "identity_viewed", _("Melihat identitas pelapor")
        EXPORTED = "exported", _("Ekspor data")
        # Every other kind is the EventKind of the report action that wrote it.

    created_at = models.DateTimeField(_("waktu"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelaku"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )  # None: the system
    actor_name = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    action = models.CharField(_("tindakan"), max_length=40, db_index=True)
    report_code = models.CharField(_("kode laporan"), max_length=20, blank=True, db_index=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)
    # Which of the CHAINS this entry is linked in (`aduan.audit.trail`); covered by its hash.
    chain = models.PositiveSmallIntegerField(default=0)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["chain", "id"], name="audit_entry_chain")]
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} "
            f"{self.report_code}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("audit entries are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries are never deleted")


class AuditHead(models.Model):
    """One row per chain (pk = chain + 1): its end. Locked by every writer of that chain, so that
    its entries are chained in the order of their ids even when many actions commit at once; it
    also lets the verifier notice that the newest rows were deleted."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"head {self.pk}: {self.count} entries, last id {self.last_id}"


class SignedHead(models.Model):
    """The audit chain's head as signed on one day (`aduan.audit.heads`), published with the
    public key on the public proof page: whoever keeps a copy can later show that the trail
    up to that day was changed, even by someone holding the database."""

    signed_at = models.DateTimeField(_("ditandatangani"), db_index=True)
    entry_count = models.BigIntegerField(_("jumlah entri"))
    digest = models.CharField(_("ringkasan (SHA-256)"), max_length=64)
    heads = models.JSONField()  # [[chain, last_id, count, last_hash], ...] in chain order
    statement = models.TextField()  # the exact bytes signed (canonical JSON)
    signature = models.CharField(max_length=100)  # base64 of the Ed25519 signature
    public_key = models.CharField(max_length=64)  # base64 of the raw Ed25519 public key
    key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("kepala rantai bertanda tangan")
        verbose_name_plural = _("kepala rantai bertanda tangan")

    def __str__(self) -> str:
        return f"{self.signed_at:%Y-%m-%d %H:%M} {self.digest[:12]}"


class Receipt(models.Model):
    """A filing receipt as given to the filer (`aduan.reports.receipts`). The signature alone
    proves it; the row lets the confirmation page, the e-mail and the report page show it again."""

    report_code = models.CharField(max_length=20, db_index=True)
    filed_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()
    text = models.TextField()

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.report_code} {self.issued_at:%Y-%m-%d %H:%M}"

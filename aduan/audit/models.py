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
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.report_code}"

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

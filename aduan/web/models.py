"""One-time tokens of the filing form: a double click or a resubmitted form never files twice."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class FilingToken(models.Model):
    """Issued with each filing form; the first POST that carries it files the report and records
    it here, in the same transaction. A second POST with the same token finds the report and
    shows it instead of filing again."""

    token = models.CharField(max_length=64, unique=True, default=new_token)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        "reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Said when a submit's token is unknown (never issued, or swept away after a day unused).
    EXPIRED = _("Formulir ini sudah kedaluwarsa. Periksa isian Anda lalu kirim sekali lagi.")

    def __str__(self) -> str:
        return f"{self.user_id} {self.token[:6]}…"

    @classmethod
    def claim(cls, token: str, user) -> "FilingToken | None":
        """Inside the filing's transaction: `user`'s token, locked until the transaction ends (a
        second submit of the same form waits here, then finds `report` set); None when unknown.
        The portal's filing form and the back office's intake both file through it."""
        # Not joined with its report: a submit that waited for the lock reads the token row as
        # the first one left it, but PostgreSQL's joined rows as they were when it started (no
        # report yet). `claim.report` is read afterwards, by a query of its own.
        return cls.objects.select_for_update().filter(token=token, user=user).first()


def pending_upload_path(instance: "PendingUpload", filename: str) -> str:
    # Random name, as for attachments: a stored file is never reachable by a guessable path.
    return f"pending/{instance.user_id}/{secrets.token_hex(16)}"


class PendingUpload(models.Model):
    """A file checked and cleaned (`aduan.reports.attachments`) before its report is filed.

    Two callers: the form without JavaScript keeps the files of a submit that failed (a missing
    field) so that nobody chooses them again; the device's outbox (outbox.js) sends each photo on
    its own, with its own key, so that one lost connection costs one file, not the whole report.
    The report claims them by key when it is filed; unclaimed ones go after PENDING_UPLOAD_DAYS.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    file = models.FileField(upload_to=pending_upload_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_pending_upload_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.original_name}"


class DigestSubscription(models.Model):
    """An e-mail digest of public reports (issue 15, "Follow and alerts"): a kepala desa, the BPD,
    an RT/RW or a journalist follows a kecamatan, a desa and/or a category without an account.
    Double opt-in: nothing is sent before the address confirms; every digest carries the link
    that stops it. The link's token is stored only as its hash."""

    email = models.EmailField()
    district = models.ForeignKey(
        "directory.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    village = models.ForeignKey(
        "directory.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        "directory.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["confirmed_at", "stopped_at"])]

    def __str__(self) -> str:
        return f"digest {self.pk}"

    @property
    def active(self) -> bool:
        return self.confirmed_at is not None and self.stopped_at is None

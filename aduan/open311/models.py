"""Applications allowed to file reports through Open311, and the requests they filed."""

import hashlib
import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class Application(models.Model):
    """A civic-tech tool registered by a sysadmin; it files reports with its `api_key`."""

    name = models.CharField(_("nama aplikasi"), max_length=150)
    contact_email = models.EmailField(_("e-mail pengelola"), blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("awal kunci"), max_length=12, editable=False)
    is_active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("aplikasi Open311")
        verbose_name_plural = _("aplikasi Open311")

    def __str__(self) -> str:
        return self.name

    def set_key(self, raw: str | None = None) -> str:
        """Give the application a new key; returns it (shown once, only its hash is kept)."""
        raw = raw or secrets.token_urlsafe(24)
        self.key_hash, self.hint = hash_key(raw), raw[:6]
        return raw

    @classmethod
    def for_key(cls, raw: str | None) -> "Application | None":
        if not raw or len(raw) > 200:
            return None
        return cls.objects.filter(key_hash=hash_key(raw), is_active=True).first()


class ServiceRequest(models.Model):
    """A report filed through Open311: which application filed it, its token and media URL."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="requests")
    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="open311"
    )
    token = models.CharField(max_length=40, unique=True)
    media_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token

"""Imported history, the routing models and the suggestions they made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRecord(models.Model):
    """One row of a previous system's export turned into a report (`import_reports`). The content
    hash makes a second import of the same file add nothing."""

    content_hash = models.CharField(max_length=64, unique=True)
    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="import_record"
    )
    source = models.CharField(_("berkas"), max_length=255)
    line = models.PositiveIntegerField(_("baris"))
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("laporan impor")
        verbose_name_plural = _("laporan impor")

    def __str__(self) -> str:
        return f"{self.source}:{self.line}"


class RoutingModel(models.Model):
    """A trained routing model. The newest active one makes the suggestions; older ones stay so
    that each recorded suggestion can name the model that made it."""

    version = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    trained_on = models.PositiveIntegerField(_("jumlah laporan latih"))
    # Cross-validated figures on the training data (see `training.train`).
    metrics = models.JSONField(default=dict)
    blob = models.BinaryField()  # zlib-compressed pickle of `model.Router`
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("model triase")
        verbose_name_plural = _("model triase")

    def __str__(self) -> str:
        return f"v{self.version}"


class SuggestionRecord(models.Model):
    """A suggestion shown for a report, kept to measure accuracy against the dispatcher's choice
    (`accuracy.production_accuracy`)."""

    report = models.ForeignKey(
        "reports.Report", on_delete=models.CASCADE, related_name="suggestions"
    )
    model = models.ForeignKey(RoutingModel, on_delete=models.CASCADE, related_name="suggestions")
    created_at = models.DateTimeField(auto_now_add=True)
    shown_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [[code, confidence], ...] best first; empty when the model was unsure (no suggestion).
    agencies = models.JSONField(default=list)
    categories = models.JSONField(default=list)
    abstained = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "model"], name="one_suggestion_per_model")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} v{self.model_id}"

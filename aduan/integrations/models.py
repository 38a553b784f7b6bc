"""The join between an Aduan report and its record on SP4N-LAPOR! (issue 16), and what the last
imported LAPOR! export said about it.

LAPOR!'s integration API is documented only to registered developers, so Aduan learns LAPOR!'s
view from the admin's exports (`lapor_import`, docs/lapor-mapping.md). One report has at most one
LAPOR! record and one LAPOR! record at most one report: both sides are unique.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LaporLink(models.Model):
    report = models.OneToOneField(
        "reports.Report",
        verbose_name=_("laporan"),
        on_delete=models.CASCADE,
        related_name="lapor_link",
    )
    lapor_id = models.CharField(_("nomor tracking LAPOR!"), max_length=40, unique=True)
    # LAPOR!'s view in the last export imported (as written there, and as Aduan reads it).
    lapor_status = models.CharField(_("status di LAPOR!"), max_length=60, blank=True)
    lapor_stage = models.CharField(_("tahap di LAPOR!"), max_length=20, blank=True)
    lapor_agency = models.CharField(_("instansi di LAPOR!"), max_length=200, blank=True)
    lapor_updated_at = models.DateTimeField(_("diperbarui di LAPOR!"), null=True, blank=True)
    imported_at = models.DateTimeField(_("diimpor"), auto_now=True)
    source = models.CharField(_("berkas sumber"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("tautan LAPOR!")
        verbose_name_plural = _("tautan LAPOR!")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.lapor_id} ↔ {self.report_id}"

"""Reusable texts for the back office: what a returned report lacks, dispositions' instructions and
agencies' answers. Edited by sysadmins in the Django admin."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TemplateKind(models.TextChoices):
    RETURN = "return", _("Pengembalian (yang perlu dilengkapi)")
    INSTRUCTION = "instruction", _("Instruksi disposisi")
    ANSWER = "answer", _("Tindak lanjut / jawaban")
    REQUEST_INFO = "request_info", _("Permintaan informasi")


class ResponseTemplate(models.Model):
    kind = models.CharField(_("jenis"), max_length=20, choices=TemplateKind.choices)
    # Empty: every agency may use it; otherwise only that agency's officers see it.
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("perangkat daerah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="response_templates",
    )
    title = models.CharField(_("judul"), max_length=120)
    body = models.TextField(_("isi"))
    is_active = models.BooleanField(_("aktif"), default=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["kind", "order", "title"]
        verbose_name = _("templat tanggapan")
        verbose_name_plural = _("templat tanggapan")

    def __str__(self) -> str:
        return self.title


def templates_for(kind: str, user) -> list[ResponseTemplate]:
    """The active templates of `kind` that `user` may use: shared ones and their agency's."""
    qs = ResponseTemplate.objects.filter(kind=kind, is_active=True)
    qs = (
        qs.filter(Q(agency__isnull=True) | Q(agency_id=user.agency_id))
        if user.agency_id
        else qs.filter(agency__isnull=True)
    )
    return list(qs)


class SavedFilter(models.Model):
    """A staff member's named filter of the report list (issue 17): the list's query string, kept
    for its owner only; opening it runs the list again under the owner's current rights."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_filters"
    )
    name = models.CharField(_("nama"), max_length=80)
    query = models.CharField(_("saringan"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_saved_filter_name_per_user")
        ]

    def __str__(self) -> str:
        return self.name

    def get_action_label(self) -> str:
        from aduan.reports.transitions import TRANSITIONS, Action

        try:
            return str(TRANSITIONS[Action(self.action)].label)
        except ValueError:
            return self.action


class Macro(models.Model):
    """A saved combination of an action, a reply template and an assignment (issue 17), applied
    to one report or to a selection of a list in one click (`aduan.backoffice.macros`). It only
    fills in an action's form: each report still goes through its own action and its checks.
    Without an agency it is the dispatchers'; with one, that agency's officers'."""

    name = models.CharField(_("nama"), max_length=80)
    action = models.CharField(_("tindakan"), max_length=30)
    template = models.ForeignKey(
        ResponseTemplate,
        verbose_name=_("templat"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Disposition: the agency it goes to. Accept/assign: the officer it is assigned to.
    target_agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("perangkat daerah tujuan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assignee = models.ForeignKey(
        "accounts.User",
        verbose_name=_("ditugaskan kepada"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("prioritas"), null=True, blank=True)
    archive_reason = models.CharField(_("alasan arsip"), max_length=20, blank=True)
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("milik perangkat daerah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("makro")
        verbose_name_plural = _("makro")

    def __str__(self) -> str:
        return self.name

    def get_action_label(self) -> str:
        from aduan.reports.transitions import TRANSITIONS, Action

        try:
            return str(TRANSITIONS[Action(self.action)].label)
        except ValueError:
            return self.action

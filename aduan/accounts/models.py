from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user does in the system (DESIGN §1). A representative is a citizen with a flag."""

    CITIZEN = "citizen", _("Masyarakat")
    DISPATCHER = "dispatcher", _("Admin Kabupaten")
    OFFICER = "officer", _("Petugas Perangkat Daerah")
    SUPERVISOR = "supervisor", _("Pengawas")
    SYSADMIN = "sysadmin", _("Super Admin")


STAFF_ROLES = frozenset({Role.DISPATCHER, Role.OFFICER, Role.SUPERVISOR, Role.SYSADMIN})


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    # An agency officer works for exactly one agency; nobody else has one.
    agency = models.ForeignKey(
        "directory.Agency", verbose_name=_("perangkat daerah"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="officers",
    )
    is_representative = models.BooleanField(
        _("RT/RW"), default=False, help_text=_("Boleh melapor atas nama warga."),
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_dispatcher(self) -> bool:
        return self.role == Role.DISPATCHER

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.agency_id is not None

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_sysadmin(self) -> bool:
        return self.role == Role.SYSADMIN

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


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


STAFF_ROLES = frozenset({Role.DISPATCHER, Role.OFFICER, Role.SUPERVISOR, Role.SYSADMIN})


class User(AbstractUser):
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    # An agency officer works for exactly one agency; nobody else has one.
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("perangkat daerah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    # An officer of a sub-unit of that agency (issue 16: a Puskesmas under Dinas Kesehatan) sees
    # and handles only the reports the agency passed down to it (`visibility.handles`).
    sub_unit = models.ForeignKey(
        "directory.SubUnit",
        verbose_name=_("sub-unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
        help_text=_("Kosongkan untuk petugas perangkat daerah induk."),
    )
    is_representative = models.BooleanField(
        _("RT/RW"),
        default=False,
        help_text=_("Boleh melapor atas nama warga."),
    )

    # The citizen's profile, as on the KTP (asked at sign-up, or before the first report when the
    # account came from a social log-in). The NIK is never stored in the clear: see `nik.py`.
    nik_encrypted = models.TextField(blank=True, editable=False)
    nik_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    occupation = models.CharField(_("pekerjaan"), max_length=100, blank=True)
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    district = models.ForeignKey(
        "directory.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = models.ForeignKey(
        "directory.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    def set_nik(self, nik: str) -> None:
        from . import nik as niks

        self.nik_encrypted, self.nik_hash = niks.encrypt(nik), niks.lookup_hash(nik)

    @property
    def nik(self) -> str:
        """The NIK in the clear: only for its owner's own profile page."""
        from . import nik as niks

        return niks.decrypt(self.nik_encrypted) if self.nik_encrypted else ""

    @property
    def nik_masked(self) -> str:
        from . import nik as niks

        return niks.mask(self.nik) if self.nik_encrypted else ""

    # What a citizen needs before filing a report (staff file through the back office), by field.
    PROFILE_FIELDS = ("full_name", "phone", "nik_hash", "birth_date", "sex")

    @property
    def profile_complete(self) -> bool:
        return not self.missing_profile_fields

    @property
    def missing_profile_fields(self) -> list[str]:
        return [name for name in self.PROFILE_FIELDS if not getattr(self, name)]

    @property
    def is_dispatcher(self) -> bool:
        return self.role == Role.DISPATCHER

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.agency_id is not None

    @property
    def is_sub_unit_officer(self) -> bool:
        return self.is_officer and self.sub_unit_id is not None

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR

    @property
    def is_sysadmin(self) -> bool:
        return self.role == Role.SYSADMIN


class ErasureRequest(models.Model):
    """A citizen's request to erase their personal data (UU 27/2022, `personal_data`). The
    citizen asks, a sysadmin executes it (`manage.py erasure_requests`) or refuses it with the
    legal reason; the citizen may withdraw it while it waits. The row stays after execution, tied
    to the pseudonymised account, as the record that the right was honoured."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu pelaksanaan")
        EXECUTED = "executed", _("Sudah dihapus")
        REFUSED = "refused", _("Ditolak")
        WITHDRAWN = "withdrawn", _("Dibatalkan pemohon")

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="erasure_requests", verbose_name=_("akun")
    )
    requested_at = models.DateTimeField(_("diajukan"))
    state = models.CharField(
        _("keadaan"), max_length=10, choices=State.choices, default=State.PENDING
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    # What the execution changed, in counts only (never the erased values).
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("permintaan penghapusan data")
        verbose_name_plural = _("permintaan penghapusan data")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(state="pending"),
                name="one_pending_erasure_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.state} {self.requested_at:%Y-%m-%d}"

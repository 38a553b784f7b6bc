"""Master data: regions, agencies, categories, the working-day calendar and SLA limits."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A Kemendagri administrative region: province, regency, district (kecamatan) or village."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Provinsi")
        REGENCY = 2, _("Kabupaten/Kota")
        DISTRICT = 3, _("Kecamatan")
        VILLAGE = 4, _("Desa/Kelurahan")

    code = models.CharField(_("kode"), max_length=13, primary_key=True)  # 52.04.08.1001
    name = models.CharField(_("nama"), max_length=100)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """A perangkat daerah (or the Inspektorat). Deactivated, never deleted: reports keep it."""

    class Kind(models.TextChoices):
        INSPECTORATE = "inspectorate", _("Inspektorat")
        DINAS = "dinas", _("Dinas")
        BADAN = "badan", _("Badan")
        SECRETARIAT = "sekretariat", _("Sekretariat")
        UNIT = "satuan", _("Satuan")
        HOSPITAL = "rsud", _("Rumah Sakit")
        EXTERNAL = "external", _("Instansi Luar")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=60)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.DINAS)
    email = models.EmailField(_("e-mail"), blank=True)
    head_email = models.EmailField(
        _("e-mail pimpinan"), blank=True, help_text=_("Menerima eskalasi.")
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    whatsapp_alerts = models.BooleanField(
        _("peringatan WhatsApp untuk petugas"),
        default=False,
        help_text=_(
            "Petugas penghubung menerima WhatsApp saat laporan didisposisikan, mendekati batas "
            "waktu (kuning) dan melewatinya (merah). Nomornya harus sudah terverifikasi."
        ),
    )
    whatsapp_alerts_head = models.BooleanField(
        _("juga kepada pimpinan"), default=False, help_text=_("Dikirim ke nomor pimpinan.")
    )
    head_phone = models.CharField(_("nomor WhatsApp pimpinan"), max_length=20, blank=True)
    # Answer approval (issue 17): an officer's answer waits as a draft, seen by the agency only,
    # until one of `answer_approvers` (the head, the complaints liaison) approves it.
    answers_need_approval = models.BooleanField(
        _("jawaban perlu persetujuan"),
        default=False,
        help_text=_("Jawaban petugas menjadi draf sampai disetujui pimpinan atau penghubung."),
    )
    answer_approvers = models.ManyToManyField(
        "accounts.User",
        verbose_name=_("penyetuju jawaban"),
        blank=True,
        related_name="approves_answers_of",
        limit_choices_to={"role": "officer"},
    )

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")

    def __str__(self) -> str:
        return self.short_name

    @property
    def is_inspectorate(self) -> bool:
        return self.kind == self.Kind.INSPECTORATE


class Priority(models.IntegerChoices):
    """How soon staff take a report up: the queue and the inbox sort by it, then by deadline.
    Stored as a number so that "most urgent first" is an ascending index walk."""

    URGENT = 1, _("Mendesak")
    HIGH = 2, _("Tinggi")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Rendah")


# The API's names of the priorities (`urgent`, `high`, `normal`, `low`).
PRIORITY_CODES = {p.value: p.name.lower() for p in Priority}


class Category(models.Model):
    """A LAPOR! category; `supervisory` marks complaints routed to the Inspektorat by default."""

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    supervisory = models.BooleanField(_("berkadar pengawasan"), default=False)
    # A problem one can see fixed (a road, a bridge, a street light, a drain, a school building):
    # an answer "selesai" needs a photo of the result (issue 15, `actions.do_answer`).
    physical = models.BooleanField(
        _("fisik (jawaban selesai wajib foto hasil)"),
        default=False,
        help_text=_("Tindak lanjut berstatus selesai harus menyertakan minimal satu foto hasil."),
    )
    # Reports that could expose the reporter or a victim (pungli, perundungan, pelecehan seksual)
    # stay out of the public feed unless a dispatcher publishes them (`visibility.public_reports`).
    private_by_default = models.BooleanField(
        _("tertutup dari publik secara bawaan"),
        default=False,
        help_text=_("Laporan kategori ini tidak tampil di publik kecuali diputuskan dispatcher."),
    )
    default_agency = models.ForeignKey(
        Agency,
        verbose_name=_("perangkat daerah bawaan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="default_categories",
    )
    default_priority = models.PositiveSmallIntegerField(
        _("prioritas bawaan"),
        choices=Priority.choices,
        default=Priority.NORMAL,
        help_text=_("Prioritas laporan baru dalam kategori ini; admin dapat mengubahnya."),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")

    def __str__(self) -> str:
        if self.parent_id:
            return f"{self.parent.display_name} › {self.display_name}"
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the page's language: the shipped categories have English entries in the
        catalogue (django.po); a name an administrator added stays as written."""
        return gettext(self.name)


class CategoryQuestion(models.Model):
    """An extra question a category asks (Open311 publishes these as service attributes)."""

    class Type(models.TextChoices):
        TEXT = "text", _("Teks")
        NUMBER = "number", _("Angka")
        DATE = "date", _("Tanggal")
        SINGLE = "single", _("Pilihan tunggal")
        MULTI = "multi", _("Pilihan ganda")

    # The bounds of an answer, one for every channel: the portal's form fields
    # (`question_fields`) and the rule every action applies (`reports.rules.clean_answers`).
    TEXT_LENGTH = 500
    NUMBER_DIGITS = 12  # in all, NUMBER_DECIMALS of them after the decimal point
    NUMBER_DECIMALS = 2

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("kode"), max_length=40)
    label = models.CharField(_("pertanyaan"), max_length=200)
    type = models.CharField(_("jenis"), max_length=10, choices=Type.choices, default=Type.TEXT)
    required = models.BooleanField(_("wajib"), default=False)
    # For single/multi: [{"key": "rusak-berat", "name": "Rusak berat"}, ...]
    choices = models.JSONField(_("pilihan"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        ordering = ["category", "order", "id"]
        unique_together = [("category", "code")]
        verbose_name = _("pertanyaan kategori")
        verbose_name_plural = _("pertanyaan kategori")

    def __str__(self) -> str:
        return self.label


class Holiday(models.Model):
    """A day off: national holidays and cuti bersama (seeded from `holidays`) or added by a
    sysadmin."""

    class Source(models.TextChoices):
        NATIONAL = "national", _("Libur nasional / cuti bersama")
        LOCAL = "local", _("Ditambahkan admin")

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)
    source = models.CharField(
        _("sumber"), max_length=10, choices=Source.choices, default=Source.LOCAL
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("hari libur")
        verbose_name_plural = _("hari libur")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class SlaStep(models.TextChoices):
    """The clocks of the life cycle (DESIGN §4)."""

    VERIFY = "verify", _("Verifikasi dan disposisi")
    ACCEPT = "accept", _("Penerimaan oleh perangkat daerah")
    ANSWER = "answer", _("Tindak lanjut")
    VERDICT = "verdict", _("Tanggapan pelapor")
    COMPLETE = "complete", _("Kelengkapan laporan")
    OUTSIDE = "outside", _("Jawaban pihak luar")
    HOLD = "hold", _("Penundaan verifikasi")


class SlaPolicy(models.Model):
    """A time limit for one step. The most specific matching row wins (category > supervisory
    flag > classification > default); see `aduan.reports.sla.limit_for`."""

    step = models.CharField(_("tahap"), max_length=10, choices=SlaStep.choices)
    days = models.PositiveSmallIntegerField(_("batas (hari)"))
    working_days = models.BooleanField(_("hari kerja"), default=True)
    classification = models.CharField(_("klasifikasi"), max_length=30, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.CASCADE)
    supervisory = models.BooleanField(_("berkadar pengawasan"), null=True, blank=True)
    # Yellow zone: due within one working day, or once this share of the limit is left.
    warn_share = models.FloatField(_("porsi peringatan"), default=0.2)

    class Meta:
        verbose_name = _("batas waktu")
        verbose_name_plural = _("batas waktu")

    def __str__(self) -> str:
        unit = _("hari kerja") if self.working_days else _("hari")
        return f"{self.get_step_display()}: {self.days} {unit}"

    @property
    def specificity(self) -> int:
        return (
            (4 if self.category_id else 0)
            + (2 if self.supervisory is not None else 0)
            + (1 if self.classification else 0)
        )


class SubUnit(models.Model):
    """A unit under an agency (issue 16): a UPT, a Puskesmas, a school, a kecamatan office, a
    desa. It has officers of its own (`accounts.User.sub_unit`); the agency passes a report down to
    it (`actions.do_pass_down`) and keeps the oversight: it sees everything, and the sub-unit's
    answers wait for its approval. Deactivated, never deleted: reports keep it."""

    class Kind(models.TextChoices):
        UPT = "upt", _("UPT")
        PUSKESMAS = "puskesmas", _("Puskesmas")
        SCHOOL = "sekolah", _("Sekolah")
        DISTRICT_OFFICE = "kecamatan", _("Kantor kecamatan")
        VILLAGE = "desa", _("Desa")
        OTHER = "lainnya", _("Lainnya")

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("perangkat daerah"),
        on_delete=models.PROTECT,
        related_name="sub_units",
    )
    name = models.CharField(_("nama"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=Kind.choices, default=Kind.UPT)
    district = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.DISTRICT},
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = _("sub-unit")
        verbose_name_plural = _("sub-unit")
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="sub_unit_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.short_name})"


class SubUnitRule(models.Model):
    """Routing is data (FixMyStreet's contacts): which sub-unit of `agency` a report it holds
    should go to, by category and place. Every condition left empty matches anything; the most
    specific matching rule wins (`aduan.triage.sub_units.proposed_sub_unit`). The rule only
    proposes: an officer of the agency passes the report down."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("perangkat daerah"),
        on_delete=models.CASCADE,
        related_name="sub_unit_rules",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("kategori"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    district = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": Region.Level.DISTRICT},
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    sub_unit = models.ForeignKey(
        SubUnit, verbose_name=_("sub-unit"), on_delete=models.CASCADE, related_name="rules"
    )

    class Meta:
        ordering = ["agency", "sub_unit"]
        verbose_name = _("aturan sub-unit")
        verbose_name_plural = _("aturan sub-unit")

    def __str__(self) -> str:
        return f"{self.agency.short_name} → {self.sub_unit.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.sub_unit_id and self.agency_id and self.sub_unit.agency_id != self.agency_id:
            raise ValidationError(
                {"sub_unit": gettext("Sub-unit harus berada di bawah perangkat daerah ini.")}
            )

    @property
    def specificity(self) -> int:
        """A village is more specific than a district; a place with a category beats either
        alone (category + desa > category > desa > kecamatan > nothing)."""
        place = 2 if self.village_id else 1 if self.district_id else 0
        return (3 if self.category_id else 0) + place

"""Forms of the citizen portal. Messages in Bahasa Indonesia, wrapped for translation."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aduan.accounts import nik as niks
from aduan.accounts.forms import regency_districts, village_choice_attrs
from aduan.accounts.phone import normalise_phone
from aduan.directory import question_fields as extra_questions
from aduan.directory.fields import KnownRegionField
from aduan.directory.models import Agency, Category, Region
from aduan.reports import rules
from aduan.reports.models import Classification, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Files are checked by `aduan.reports.attachments`, not here: this only collects them."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if not data:
            return []
        return list(data) if isinstance(data, (list, tuple)) else [data]


def _villages():
    return Region.objects.filter(
        level=Region.Level.VILLAGE, parent__parent_id=settings.REGENCY_CODE
    )


class LocationFields(forms.Form):
    """Where and when, as values (shape only): the date, the places and the point are checked
    by the action (`reports.rules`)."""

    incident_date = forms.DateField(
        label=_("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    district = KnownRegionField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— pilih kecamatan —"),
        level=Region.Level.DISTRICT,
    )
    village = KnownRegionField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("— pilih desa/kelurahan —"),
        level=Region.Level.VILLAGE,
    )
    address = forms.CharField(
        label=_("Alamat atau patokan lokasi"), max_length=rules.ADDRESS_LENGTH, required=False
    )
    latitude = forms.DecimalField(
        label=_("Lintang"),
        max_digits=9,
        decimal_places=6,
        required=False,
    )
    longitude = forms.DecimalField(
        label=_("Bujur"),
        max_digits=9,
        decimal_places=6,
        required=False,
    )
    parties_involved = forms.CharField(
        label=_("Pihak yang terlibat"),
        required=False,
        max_length=rules.PARTIES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].widget.attrs.update(village_choice_attrs())
        self.fields["district"].queryset = regency_districts()
        # Only the villages of the chosen kecamatan; none before one is chosen (htmx fills them in).
        district = self.data.get(self.add_prefix("district")) or (self.initial.get("district"))
        self.fields["village"].queryset = (
            _villages().filter(parent_id=getattr(district, "pk", district))
            if district
            else Region.objects.none()
        )


class ReportForm(LocationFields):
    """The filing form. `category` (unbound forms only) adds that category's extra questions."""

    field_order = [
        "classification",
        "category",
        "title",
        "description",
        "incident_date",
        "district",
        "village",
        "address",
        "latitude",
        "longitude",
        "parties_involved",
    ]

    classification = forms.ChoiceField(
        label=_("Jenis laporan"),
        choices=Classification.choices,
        initial=Classification.COMPLAINT,
        widget=forms.RadioSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("— pilih kategori (boleh dikosongkan) —"),
    )
    title = forms.CharField(label=_("Judul laporan"), max_length=rules.TITLE_LENGTH)
    description = forms.CharField(
        label=_("Isi laporan"),
        max_length=rules.DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Apa yang terjadi, di mana, kapan, dan siapa yang terlibat."),
    )
    attachments = MultipleFileField(label=_("Lampiran"), required=False)
    anonymous = forms.BooleanField(
        label=_("Anonim"),
        required=False,
        help_text=_(
            "Nama Anda disembunyikan dari perangkat daerah dan publik; "
            "hanya admin kabupaten yang melihatnya."
        ),
    )
    confidential = forms.BooleanField(
        label=_("Rahasia"),
        required=False,
        help_text=_(
            "Laporan tidak ditampilkan kepada publik; hanya Anda dan "
            "petugas yang menanganinya yang dapat membacanya."
        ),
    )

    def __init__(self, *args, category=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True).select_related("parent").order_by("name")
        )
        self.fields["category"].widget.attrs.update(
            {
                "hx-get": reverse("web:questions"),
                "hx-target": "#extra-questions",
                "hx-trigger": "change",
                "hx-swap": "innerHTML",
            }
        )
        self.fields["title"].widget.attrs["autocomplete"] = "off"
        # The chosen category's extra questions, so that they are validated with the rest.
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("category"))
            category = (
                Category.objects.filter(pk=chosen).first()
                if chosen and str(chosen).isdigit()
                else None
            )
        self.question_names = extra_questions.add_fields(self, category)

    @property
    def question_fields(self):
        return [self[name] for name in self.question_names]

    def extra_answers(self) -> dict:
        return extra_questions.answers(self.cleaned_data, self.question_names)


class OnBehalfForm(forms.Form):
    """A representative (RT/RW) filing for a resident (DESIGN §1): the consent is recorded."""

    on_behalf = forms.BooleanField(label=_("Melapor atas nama warga"), required=False)
    resident_name = forms.CharField(label=_("Nama warga"), max_length=150, required=False)
    resident_nik = forms.CharField(
        label=_("NIK warga (boleh dikosongkan)"), max_length=24, required=False
    )
    resident_phone = forms.CharField(label=_("Nomor telepon warga"), max_length=24, required=False)
    relationship = forms.CharField(
        label=_("Hubungan dengan warga"),
        max_length=100,
        required=False,
        help_text=_("Misalnya: Ketua RT 03 tempat warga tinggal."),
    )
    consent = forms.BooleanField(
        label=_("Warga telah menyetujui laporan ini dikirim atas namanya."), required=False
    )

    def clean(self):
        """The resident's phone and NIK as values. What a representative must give (the
        resident's name and phone, the relationship, the consent) is the action's rule
        (`reports.rules.check_on_behalf`), shown under these fields."""
        data = super().clean()
        if not data.get("on_behalf"):
            return data
        if data.get("resident_phone"):
            try:
                data["resident_phone"] = normalise_phone(data["resident_phone"])
            except forms.ValidationError as error:
                self.add_error("resident_phone", error)
        if data.get("resident_nik"):
            nik = niks.clean_nik(data["resident_nik"])
            try:
                niks.check_nik(nik)
                data["resident_nik"] = nik
            except forms.ValidationError as error:
                self.add_error("resident_nik", error)
        return data


class ResubmitForm(LocationFields):
    title = forms.CharField(label=_("Judul laporan"), max_length=rules.TITLE_LENGTH)
    description = forms.CharField(
        label=_("Isi laporan"),
        max_length=rules.DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    text = forms.CharField(
        label=_("Keterangan untuk admin"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachments = MultipleFileField(label=_("Lampiran tambahan"), required=False)


class AcceptAnswerForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Penilaian"),
        coerce=int,
        choices=[
            (5, _("Sangat puas")),
            (4, _("Puas")),
            (3, _("Cukup")),
            (2, _("Kurang puas")),
            (1, _("Sangat tidak puas")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Komentar (boleh dikosongkan)"),
        required=False,
        max_length=rules.PARTIES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectAnswerForm(forms.Form):
    """Not satisfied, with the reason; or the one-tap "Belum selesai" (`not_fixed`), whose reason
    is `actions.not_fixed_reason`, the same as an SMS or WhatsApp reply of BELUM SELESAI."""

    reason = forms.CharField(
        label=_("Mengapa Anda tidak puas?"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    not_fixed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class OmbudsmanForm(forms.Form):
    """ "Serahkan ke Ombudsman" (issue 16): the consent is the action's to require
    (`actions.do_hand_over_to_ombudsman`), so an unticked box is refused there, with its message,
    as on every channel."""

    consent = forms.BooleanField(
        label=_(
            "Saya setuju laporan ini beserta riwayat dan bukti jejak auditnya diserahkan kepada "
            "Ombudsman Republik Indonesia."
        ),
        required=False,
    )


class ProvideInfoForm(forms.Form):
    text = forms.CharField(
        label=_("Informasi tambahan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachments = MultipleFileField(label=_("Lampiran"), required=False)


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Kode pelacakan"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "SBW-7K3Q9M"}),
    )
    secret = forms.CharField(
        label=_("Kode rahasia"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class DigestForm(forms.Form):
    """A weekly e-mail of public reports of a kecamatan or desa and/or a category."""

    email = forms.EmailField(label=_("Alamat e-mail"), max_length=254)
    district = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Semua kecamatan"),
    )
    village = forms.CharField(
        label=_("Kode desa/kelurahan (boleh dikosongkan)"), required=False, max_length=13
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Semua kategori"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = regency_districts()
        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("name")

    def clean_village(self):
        code = self.cleaned_data["village"].strip()
        if not code:
            return None
        districts = regency_districts()
        village = Region.objects.filter(
            code=code, level=Region.Level.VILLAGE, parent__in=districts
        ).first()
        if village is None:
            raise forms.ValidationError(_("Kode desa/kelurahan tidak dikenal di kabupaten ini."))
        return village


class FeedFilterForm(forms.Form):
    q = forms.CharField(label=_("Cari"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Semua kategori"),
    )
    agency = forms.ModelChoiceField(
        label=_("Perangkat daerah"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("Semua perangkat daerah"),
    )
    district = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Semua kecamatan"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aduan.reports.models import VERIFIED_STATUSES

        self.fields["category"].queryset = (
            Category.objects.filter(is_active=True).select_related("parent").order_by("name")
        )
        self.fields["agency"].queryset = Agency.objects.filter(is_active=True)
        self.fields["district"].queryset = regency_districts()
        self.fields["status"].choices = [("", _("Semua status"))] + [
            (s.value, s.label) for s in Status if s in VERIFIED_STATUSES
        ]

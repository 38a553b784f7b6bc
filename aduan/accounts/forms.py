"""The citizen's profile (DESIGN §1, §9): asked at sign-up, and before the first report when the
account came from a social log-in."""

import datetime as dt

from allauth.account import app_settings
from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from aduan.directory.models import Region

from . import nik as niks
from .models import Sex, User
from .phone import normalise_phone


def village_choice_attrs() -> dict:
    """htmx: choosing a kecamatan reloads the desa/kelurahan list (the dependent choice)."""
    return {
        "hx-get": reverse("web:villages"),
        "hx-target": "#id_village",
        "hx-trigger": "change",
        "hx-swap": "innerHTML",
    }


def regency_districts():
    return Region.objects.filter(
        level=Region.Level.DISTRICT, parent_id=settings.REGENCY_CODE
    ).order_by("name")


class ProfileFields(forms.Form):
    # Registration does not refuse a taken NIK (that would tell a stranger the NIK has an
    # account): `actions.do_register` answers as for a new one and tells the NIK's holder.
    refuse_taken_nik = True

    full_name = forms.CharField(label=_("Nama lengkap (sesuai KTP)"), max_length=150)
    nik = forms.CharField(
        label=_("NIK"),
        max_length=24,
        help_text=_("16 angka, tertera pada KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    sex = forms.ChoiceField(label=_("Jenis kelamin"), choices=[("", "—"), *Sex.choices])
    birth_date = forms.DateField(
        label=_("Tanggal lahir"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    occupation = forms.CharField(label=_("Pekerjaan"), max_length=100)
    phone = forms.CharField(
        label=_("Nomor telepon/WhatsApp"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    district = forms.ModelChoiceField(
        label=_("Kecamatan"), queryset=Region.objects.none(), empty_label=_("— pilih kecamatan —")
    )
    village = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Region.objects.none(),
        empty_label=_("— pilih desa/kelurahan —"),
    )
    address = forms.CharField(label=_("Alamat (jalan, RT/RW, dusun)"), max_length=255)

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = user
        self.fields["district"].widget.attrs.update(village_choice_attrs())
        self.fields["district"].queryset = regency_districts()  # type: ignore[attr-defined]
        # Only the villages of the chosen kecamatan; none before one is chosen (htmx fills them in).
        district = self.data.get(self.add_prefix("district")) or self.initial.get("district")
        self.fields["village"].queryset = (  # type: ignore[attr-defined]
            Region.objects.filter(
                level=Region.Level.VILLAGE,
                parent__parent_id=settings.REGENCY_CODE,
                parent_id=district,
            )
            if district
            else Region.objects.none()
        )

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_nik(self):
        nik = niks.clean_nik(self.cleaned_data["nik"])
        niks.check_nik(nik)  # the parts that stand alone; date and sex are compared in clean()
        if not self.refuse_taken_nik:
            return nik
        taken = User.objects.filter(nik_hash__in=niks.lookup_hashes(nik))
        if self.owner is not None and self.owner.pk:
            taken = taken.exclude(pk=self.owner.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("NIK ini sudah terdaftar pada akun lain. Satu NIK hanya untuk satu akun."),
                code="taken",
            )
        return nik

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > dt.date.today():
            raise forms.ValidationError(_("Tanggal lahir tidak boleh di masa depan."))
        return birth_date

    def clean(self):
        data = super().clean() or self.cleaned_data
        if data.get("nik") and data.get("birth_date") and data.get("sex"):
            try:
                niks.check_nik(data["nik"], birth_date=data["birth_date"], sex=data["sex"])
            except forms.ValidationError as error:
                self.add_error("nik", error)
        if (
            data.get("district")
            and data.get("village")
            and data["village"].parent_id != data["district"].pk
        ):
            self.add_error("village", _("Desa/kelurahan tidak berada di kecamatan yang dipilih."))
        return data

    def profile(self) -> dict:
        """The KTP profile as `actions.do_register` and `do_change_profile` take it."""
        data = self.cleaned_data
        fields = ("nik", "sex", "birth_date", "occupation", "district", "village", "address")
        return {name: data[name] for name in fields}


class ProfileSignupForm(ProfileFields):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: its fields join the sign-up form; the account is
    made by `actions.do_register` (`signup.SignupForm.try_save`)."""

    refuse_taken_nik = False

    def signup(self, request, user):
        pass  # done in actions.do_register


class ProfileForm(ProfileFields):
    """Completing or correcting the profile of a logged-in user."""


class LoginForm(AllauthLoginForm):
    """allauth's log-in (username or e-mail). Whether the account must have verified its e-mail
    first is one rule for both doors, `aduan.accounts.login.must_verify_email`: everyone who
    registered (portal, API, social provider) must; accounts made by a sysadmin are not asked."""

    def _login_with_password(self, request, redirect_url, credentials):
        from .login import must_verify_email

        user = getattr(self, "user", None)
        if user is not None and not must_verify_email(user):
            self._login.email_verification = app_settings.EmailVerificationMethod.NONE
        return super()._login_with_password(request, redirect_url, credentials)


class EmailChangeForm(forms.Form):
    """`/akun/email/`: the new address and the current password (`actions.do_change_email`)."""

    email = forms.EmailField(label=_("Alamat e-mail baru"), max_length=254)
    password = forms.CharField(
        label=_("Kata sandi saat ini"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )


class PasswordConfirmForm(forms.Form):
    """The current password before the download of one's personal data (`personal_data`)."""

    password = forms.CharField(
        label=_("Kata sandi saat ini"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=128,
    )


class ErasureRequestForm(PasswordConfirmForm):
    """The request to erase one's personal data: the password and an explicit confirmation."""

    understood = forms.BooleanField(
        label=_(
            "Saya mengerti bahwa akun saya akan dinonaktifkan dan identitas saya dihapus, dan "
            "hal ini tidak dapat dibatalkan setelah dilaksanakan."
        ),
        required=True,
    )

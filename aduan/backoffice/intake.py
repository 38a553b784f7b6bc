"""Staff intake: the dispatcher records a complaint received on paper, by phone or at the desk."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.directory.models import Category, Region
from aduan.reports import actions, errors
from aduan.reports.models import Channel, Classification

from .access import staff_only

INTAKE_CHANNELS = [(c.value, c.label) for c in (Channel.PAPER, Channel.PHONE, Channel.WALK_IN)]


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(label=gettext_lazy("Diterima melalui"), choices=INTAKE_CHANNELS)
    reporter_name = forms.CharField(label=gettext_lazy("Nama pelapor"), max_length=150)
    reporter_phone = forms.CharField(
        label=gettext_lazy("Telepon pelapor"), max_length=20, required=False
    )
    reporter_email = forms.EmailField(
        label=gettext_lazy("E-mail pelapor"),
        required=False,
        error_messages={"invalid": gettext_lazy("Alamat e-mail tidak valid.")},
    )
    classification = forms.ChoiceField(
        label=gettext_lazy("Klasifikasi"), choices=Classification.choices
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Isi laporan (apa, kapan, kronologi)"), widget=forms.Textarea
    )
    incident_date = forms.DateField(
        label=gettext_lazy("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": gettext_lazy("Tanggal tidak valid.")},
    )
    district = forms.ModelChoiceField(
        label=gettext_lazy("Kecamatan"), required=False, queryset=Region.objects.none()
    )
    village = forms.ModelChoiceField(
        label=gettext_lazy("Desa/kelurahan"), required=False, queryset=Region.objects.none()
    )
    address = forms.CharField(label=gettext_lazy("Alamat lokasi"), max_length=255, required=False)
    parties_involved = forms.CharField(
        label=gettext_lazy("Pihak terkait"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonim: identitas tidak ditampilkan kepada perangkat daerah"),
        required=False,
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Rahasia: tidak tampil untuk publik"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regency = settings.REGENCY_CODE
        self.fields["district"].queryset = Region.objects.filter(
            level=Region.Level.DISTRICT, parent_id=regency
        )
        self.fields["village"].queryset = Region.objects.filter(
            level=Region.Level.VILLAGE, parent__parent_id=regency
        ).select_related("parent")
        self.fields["village"].label_from_instance = lambda r: f"{r.parent.name} › {r.name}"
        for name in ("title", "description", "reporter_name"):
            self.fields[name].error_messages["required"] = gettext_lazy("Kolom ini wajib diisi.")


@staff_only(roles=("dispatcher",))
def intake(request):
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, secret = actions.do_file_report(reporter=None, filed_by=request.user, **data)
        except errors.InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Laporan %(code)s tercatat. Berikan kode dan kata sandi pelacakan %(secret)s kepada pelapor; "
                    "kata sandi ini tidak ditampilkan lagi."
                )
                % {"code": report.code, "secret": secret},
            )
            return redirect("backoffice:workspace", code=report.code)
    return render(
        request,
        "backoffice/intake.html",
        {"form": form, "title": _("Catat pengaduan langsung")},
        status=422 if request.method == "POST" else 200,
    )

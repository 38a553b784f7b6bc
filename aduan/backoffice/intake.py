"""Staff intake: the dispatcher records a complaint received on paper, by phone or at the desk."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.accounts.access import staff_only
from aduan.accounts.phone import normalise_phone
from aduan.directory import question_fields
from aduan.directory.fields import KnownRegionField
from aduan.directory.models import Category, Region
from aduan.reports import actions, errors, rules
from aduan.reports.models import Channel, Classification
from aduan.web.models import FilingToken

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
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=rules.TITLE_LENGTH)
    description = forms.CharField(
        label=gettext_lazy("Isi laporan (apa, kapan, kronologi)"),
        max_length=rules.DESCRIPTION_LENGTH,
        widget=forms.Textarea,
    )
    incident_date = forms.DateField(
        label=gettext_lazy("Tanggal kejadian"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Tanggal tidak valid.")},
    )
    # Any kecamatan or desa as a value; where it lies is the action's rule (`reports.rules`).
    district = KnownRegionField(
        label=gettext_lazy("Kecamatan"),
        required=False,
        queryset=Region.objects.none(),
        level=Region.Level.DISTRICT,
    )
    village = KnownRegionField(
        label=gettext_lazy("Desa/kelurahan"),
        required=False,
        queryset=Region.objects.none(),
        level=Region.Level.VILLAGE,
    )
    address = forms.CharField(
        label=gettext_lazy("Alamat lokasi"), max_length=rules.ADDRESS_LENGTH, required=False
    )
    parties_involved = forms.CharField(
        label=gettext_lazy("Pihak terkait"),
        required=False,
        max_length=rules.PARTIES_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    anonymous = forms.BooleanField(
        label=gettext_lazy("Anonim: identitas tidak ditampilkan kepada perangkat daerah"),
        required=False,
    )
    confidential = forms.BooleanField(
        label=gettext_lazy("Rahasia: tidak tampil untuk publik"), required=False
    )

    def clean_reporter_phone(self):
        return normalise_phone(self.cleaned_data["reporter_phone"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The chosen category's extra questions: shown once it is chosen (after a submit without
        # JavaScript), answered and checked like on the portal (`reports.rules.clean_answers`).
        chosen = self.data.get("category", "") if self.is_bound else ""
        category = Category.objects.filter(pk=chosen).first() if str(chosen).isdigit() else None
        self.question_names = question_fields.add_fields(self, category)
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
    """A complaint taken by letter, telephone or at the desk. Each form carries a token of its
    own, claimed in the filing's transaction as the portal's filing form does (`FilingToken`): a
    second submit of the same form (a double click, the browser sending it again) shows the
    report the first one filed instead of filing it twice."""
    form = IntakeForm(request.POST or None)
    token = request.POST.get("form_token", "") if request.method == "POST" else ""
    if request.method == "POST" and form.is_valid():
        filed = _file(request, form, token)
        if filed is not None:
            return redirect("backoffice:workspace", code=filed.code)
    return render(
        request,
        "backoffice/intake.html",
        {
            "form": form,
            "form_token": token or FilingToken.objects.create(user=request.user).token,
            "title": _("Catat pengaduan langsung"),
        },
        status=422 if request.method == "POST" else 200,
    )


def _file(request, form: IntakeForm, token: str):
    """The report this form filed, now or by an earlier submit; None with the form's errors."""
    data = dict(form.cleaned_data)
    answers = question_fields.answers(data, form.question_names)
    for name in form.question_names:
        data.pop(name)
    with transaction.atomic():
        claim = FilingToken.claim(token, request.user)
        if claim is None:
            form.add_error(None, FilingToken.EXPIRED)
            return None
        if claim.report_id:
            return claim.report
        try:
            report, secret = actions.do_file_report(
                reporter=None, filed_by=request.user, extra_answers=answers, **data
            )
        except errors.InvalidInput as exc:
            for field, message in (exc.problems or {None: exc.message}).items():
                name = (field or "").replace(rules.ANSWER_FIELD, question_fields.PREFIX, 1)
                form.add_error(name if name in form.fields else None, message)
            return None
        claim.report = report
        claim.save(update_fields=["report"])
    messages.success(
        request,
        _(
            "Laporan %(code)s tercatat. Berikan kode dan kata sandi pelacakan %(secret)s "
            "kepada pelapor; kata sandi ini tidak ditampilkan lagi."
        )
        % {"code": report.code, "secret": secret},
    )
    return report

"""The dispatcher's action forms (`aduan.reports.actions.dispatcher`): disposition, return,
archive, merge, reclassify, priority, notes, close, hold, the public text and the evidence."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.directory.models import Agency, Category, Priority
from aduan.reports import actions, errors
from aduan.reports.models import ArchiveReason, Classification, Report
from aduan.reports.transitions import Action

from ..access import workspace_reports
from ..models import ResponseTemplate, TemplateKind, templates_for
from ._base import ActionForm, Offered, OfferedMany, Review, _text


class DispositionForm(ActionForm):
    action = Action.DISPOSITION
    template_name = "backoffice/actions/disposition.html"
    template_kind = TemplateKind.INSTRUCTION
    text_field = "instruction"

    agency = Offered(
        Agency.objects.filter(is_active=True).order_by("short_name"),
        label=gettext_lazy("Perangkat daerah"),
        empty_label="—",
        widget=forms.Select(attrs={"required": True}),
    )
    instruction = _text(gettext_lazy("Instruksi"), rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].label_from_instance = lambda a: f"{a.short_name} — {a.name}"
        if self.report.category_id:
            self.initial["agency"] = self.report.category.default_agency_id

    def run(self, data):
        return actions.do_disposition(
            self.report,
            data["agency"],
            actor=self.user,
            instruction=data["instruction"],
            expected_version=data["version"],
        )


class RedispositionForm(DispositionForm):
    action = Action.REDISPOSITION
    template_name = "backoffice/actions/disposition.html"

    def run(self, data):
        return actions.do_redisposition(
            self.report,
            data["agency"],
            actor=self.user,
            instruction=data["instruction"],
            expected_version=data["version"],
        )


class ReturnForm(ActionForm):
    action = Action.RETURN
    template_name = "backoffice/actions/return.html"

    missing = OfferedMany(
        ResponseTemplate.objects.none(),
        required=False,
        label=gettext_lazy("Yang perlu dilengkapi"),
        widget=forms.CheckboxSelectMultiple,
    )
    text = _text(gettext_lazy("Pesan kepada pelapor"), rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["missing"].queryset = ResponseTemplate.objects.filter(
            pk__in=[t.pk for t in templates_for(TemplateKind.RETURN, self.user)]
        ).order_by("order", "title")

    def run(self, data):
        parts = [f"- {t.body}" for t in data["missing"]]
        if data["text"]:
            parts.append(data["text"])
        return actions.do_return(
            self.report, actor=self.user, text="\n".join(parts), expected_version=data["version"]
        )


class ArchiveForm(ActionForm):
    action = Action.ARCHIVE
    template_name = "backoffice/actions/archive.html"

    reason = forms.CharField(
        label=gettext_lazy("Alasan"),
        required=False,
        widget=forms.Select(
            choices=[("", "—")]
            + [c for c in ArchiveReason.choices if c[0] != ArchiveReason.DUPLICATE]
        ),
    )
    external_body = forms.CharField(
        label=gettext_lazy("Instansi berwenang (bila bukan kewenangan)"), required=False
    )
    text = _text(gettext_lazy("Keterangan"), rows=2)

    def run(self, data):
        return actions.do_archive(
            self.report,
            actor=self.user,
            reason=data["reason"],
            text=data["text"],
            external_body=data["external_body"],
            expected_version=data["version"],
        )


class MergeForm(ActionForm):
    """Asks once for confirmation, showing the report it would join; the merge can be undone."""

    action = Action.MERGE
    template_name = "backoffice/actions/merge.html"

    into = forms.CharField(
        label=gettext_lazy("Kode laporan tujuan"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "SBW-XXXXXX"}),
    )
    text = _text(gettext_lazy("Keterangan"), rows=2)
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    target: Report | None = None

    def run(self, data):
        code = data["into"].strip().upper()
        self.target = workspace_reports(self.user).filter(code=code).first()
        if self.target is None:
            raise errors.InvalidInput(
                _("Laporan tujuan %(code)s tidak ditemukan.") % {"code": code or "-"}, field="into"
            )
        if not data["confirmed"]:
            form = type(self)(
                {**self.data.dict(), "into": code, "confirmed": "on"},
                report=self.report,
                user=self.user,
            )
            form.target = self.target
            raise Review(form)
        return actions.do_merge(
            self.report,
            self.target,
            actor=self.user,
            text=data["text"],
            expected_version=data["version"],
        )


class UnmergeForm(ActionForm):
    action = Action.UNMERGE
    template_name = "backoffice/actions/unmerge.html"

    def run(self, data):
        return actions.do_unmerge(self.report, actor=self.user, expected_version=data["version"])


class ReclassifyForm(ActionForm):
    action = Action.RECLASSIFY
    template_name = "backoffice/actions/reclassify.html"

    classification = forms.CharField(
        label=gettext_lazy("Klasifikasi"),
        required=False,
        widget=forms.Select(choices=Classification.choices),
    )
    category = Offered(
        Category.objects.filter(is_active=True).order_by("name"),
        lookup=Category.objects.all(),
        label=gettext_lazy("Kategori"),
        empty_label="—",
    )
    supervisory = forms.BooleanField(label=gettext_lazy("Berkadar pengawasan"), required=False)
    anonymous = forms.BooleanField(label=gettext_lazy("Anonim"), required=False)
    confidential = forms.BooleanField(label=gettext_lazy("Rahasia"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        r = self.report
        self.initial.update(
            classification=r.classification,
            category=r.category_id,
            supervisory=r.supervisory,
            anonymous=r.anonymous,
            confidential=r.confidential,
        )

    def run(self, data):
        changes = {
            "classification": data["classification"] or self.report.classification,
            "category": data["category"],
            "anonymous": data["anonymous"],
            "confidential": data["confidential"],
        }
        if data["supervisory"] != self.report.supervisory:
            changes["supervisory"] = data["supervisory"]  # untouched: a new category brings its own
        return actions.do_reclassify(
            self.report, actor=self.user, expected_version=data["version"], **changes
        )


class SetPriorityForm(ActionForm):
    action = Action.SET_PRIORITY
    template_name = "backoffice/actions/priority.html"

    priority = forms.TypedChoiceField(
        label=gettext_lazy("Prioritas"), choices=Priority.choices, coerce=int, required=False
    )
    reason = forms.CharField(label=gettext_lazy("Alasan (internal)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["priority"] = self.report.priority

    def run(self, data):
        return actions.do_set_priority(
            self.report,
            data["priority"],
            actor=self.user,
            reason=data["reason"],
            expected_version=data["version"],
        )


class DispatcherNoteForm(ActionForm):
    action = Action.DISPATCHER_NOTE
    template_name = "backoffice/actions/text.html"

    text = _text(gettext_lazy("Catatan"))

    def run(self, data):
        return actions.do_dispatcher_note(
            self.report, actor=self.user, text=data["text"], expected_version=data["version"]
        )


class CloseForm(ActionForm):
    action = Action.CLOSE
    template_name = "backoffice/actions/reason.html"

    reason = _text(gettext_lazy("Alasan"), rows=2)

    def run(self, data):
        return actions.do_close(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


class HoldForm(ActionForm):
    """ "Tunda": hold a report before verifying it (issue 17); the reporter reads the reason."""

    action = Action.HOLD
    template_name = "backoffice/actions/reason.html"

    reason = _text(gettext_lazy("Alasan penundaan (dibaca pelapor)"), rows=2)

    def run(self, data):
        return actions.do_hold(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


class ResumeForm(ActionForm):
    action = Action.RESUME
    template_name = "backoffice/actions/text.html"

    text = _text(gettext_lazy("Catatan (boleh kosong; dibaca pelapor)"), rows=2)

    def run(self, data):
        return actions.do_resume(
            self.report, actor=self.user, text=data["text"], expected_version=data["version"]
        )


class EditPublicForm(ActionForm):
    """The public version: what the public reads instead of the reporter's words."""

    action = Action.EDIT_PUBLIC
    template_name = "backoffice/actions/edit_public.html"

    title = forms.CharField(
        label=gettext_lazy("Judul untuk publik (kosong: judul asli, nomor disamarkan)"),
        required=False,
        max_length=200,
    )
    description = _text(gettext_lazy("Isi untuk publik (kosong: isi asli, nomor disamarkan)"))
    photo = forms.TypedChoiceField(
        label=gettext_lazy("Foto yang disamarkan sebagian untuk publik"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    regions = forms.CharField(
        label=gettext_lazy(
            "Bagian yang dikaburkan: x,y,lebar,tinggi dalam persen foto, dipisah titik koma "
            "(contoh 40,10,20,25). Kosong: foto tampil utuh lagi."
        ),
        required=False,
        max_length=500,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("title", self.report.public_title)
        self.initial.setdefault("description", self.report.public_description)
        from aduan.reports import blur

        photos = list(
            self.report.attachments.filter(content_type__startswith="image/").order_by("id")
        )
        self.fields["photo"].choices = [("", "—")] + [
            (a.pk, f"{a.original_name} (#{a.pk})") for a in photos
        ]
        # The drawing area (backoffice/blur.js) shows each photo with its saved regions.
        self.photos = [(a, blur.format_regions(a.blurred_regions)) for a in photos]

    def clean_regions(self):
        from aduan.reports import blur

        try:
            return blur.parse_regions(self.cleaned_data["regions"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def run(self, data):
        report = actions.do_edit_public_text(
            self.report,
            actor=self.user,
            title=data["title"],
            description=data["description"],
            expected_version=data["version"],
        )
        if data.get("photo"):
            report = actions.do_blur_photo(
                report, actor=self.user, attachment=data["photo"], regions=data["regions"]
            )
        return report


class ShareEvidenceForm(ActionForm):
    """Need-to-know evidence of an anonymous report: which of the reporter's files the agency
    may open (issue 15)."""

    action = Action.SHARE_EVIDENCE
    template_name = "backoffice/actions/share_evidence.html"

    shared = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Berkas pelapor yang boleh dibuka perangkat daerah"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        files = self.report.attachments.filter(from_reporter=True).order_by("id")
        self.fields["shared"].choices = [(a.pk, a.original_name) for a in files]
        self.initial.setdefault("shared", [a.pk for a in files if a.agency_may_open])

    def run(self, data):
        return actions.do_share_evidence(
            self.report, actor=self.user, shared=data["shared"], expected_version=data["version"]
        )

"""One form per back-office action (STYLE 12): it reads and renders its fields, and `act()` makes
one call of `aduan.reports.actions`.

The forms check shape only. A choice that is not offered (another agency's officer, a template of
another agency, an inactive agency) is passed on as the row it names or as None, and the action
refuses it with its own message, so the back office, the API and the tests see the same rule.

Two actions may ask the user to look again before anything changes (the workspace then shows the
form again, status 200): a chosen reply template is put into the text box to be edited, not added
to the text unseen on the server, and a merge asks for confirmation (it can be undone).
"""

from collections.abc import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.directory.models import Agency, Category, Priority, SubUnit
from aduan.reports import actions, errors, transitions
from aduan.reports.models import AnswerOutcome, ArchiveReason, Classification, Report
from aduan.reports.transitions import Action
from aduan.triage.sub_units import proposed_sub_unit

from .access import workspace_reports
from .models import ResponseTemplate, TemplateKind, templates_for
from .uploads import clean_uploads

User = get_user_model()
RELOAD = gettext_lazy("Formulir tidak lengkap; muat ulang halaman.")


class Offered(forms.ModelChoiceField):
    """A select of `queryset`; a value outside it becomes the row `lookup` finds, or None."""

    def __init__(self, queryset, *, lookup=None, **kwargs):
        super().__init__(queryset, required=False, **kwargs)
        self.lookup = lookup

    def to_python(self, value):
        if value in self.empty_values:
            return None
        rows = self.lookup if self.lookup is not None else self.queryset
        try:
            return rows.get(pk=int(value))
        except (TypeError, ValueError, ObjectDoesNotExist):
            return None


class OfferedMany(forms.ModelMultipleChoiceField):
    """Checkboxes of `queryset`; values outside it are left out (as the old handler did)."""

    def clean(self, value):
        ids = []
        for item in value or []:
            try:
                ids.append(int(item))
            except (TypeError, ValueError):
                continue
        return list(self.queryset.filter(pk__in=ids))


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class Attachments(forms.Field):
    """The uploaded files as they came; `uploads.clean_uploads` checks them in `act()`."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [f for f in (value or []) if f]


def _text(label, rows=4):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}))


class Review(Exception):
    """The form must be shown again before anything changes (carries the form to show)."""

    def __init__(self, form):
        super().__init__()
        self.form = form


class ActionForm(forms.Form):
    action: Action
    template_name: str
    template_kind: str | None = None  # reply templates offered for `text_field`
    text_field = "text"

    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": RELOAD, "invalid": RELOAD}
    )

    # Each action's form calls its action here with the cleaned data (`act`); a form class
    # without one is refused when it is defined, not when a dispatcher first submits it.
    run: Callable[[dict], Report]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not callable(getattr(cls, "run", None)):
            raise TypeError(f"{cls.__name__} must define run(self, data) -> Report")

    def __init__(self, data=None, files=None, *, report: Report, user, **kwargs):
        kwargs.setdefault("auto_id", f"{self.action.value}-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, files, initial={"version": report.version}, **kwargs)
        self.report, self.user = report, user
        if self.template_kind:
            self.fields["template"] = Offered(
                ResponseTemplate.objects.none(),
                label=gettext_lazy("Templat"),
                empty_label="—",
            )
            self.fields["template"].queryset = ResponseTemplate.objects.filter(
                pk__in=[t.pk for t in templates_for(self.template_kind, user)]
            ).order_by("order", "title")

    @property
    def name(self) -> str:
        return self.action.value

    def act(self) -> Report:
        """Run the action, or raise `Review` (show again) or `errors.ActionError` (refused)."""
        if not self.is_valid():
            field, messages = next(iter(self.errors.items()))
            if "version" in self.errors:
                field, messages = "version", self.errors["version"]
            raise errors.InvalidInput(messages[0], field=field)
        if self.template_kind and (
            self.cleaned_data.get("template") is not None or self.data.get("insert")
        ):
            raise Review(self._with_template())
        return self.run(self.cleaned_data)

    def _with_template(self) -> "ActionForm":
        """The chosen template's text goes first in the text box, what was typed follows it."""
        data = self.data.copy()
        template = self.cleaned_data.get("template")
        typed = (data.get(self.text_field) or "").strip()
        if template is not None:
            data[self.text_field] = f"{template.body}\n\n{typed}" if typed else template.body
        data["template"], data["insert"] = "", ""
        return type(self)(data, report=self.report, user=self.user)

    def shown_again(self, report: Report) -> "ActionForm":
        """This form as typed, over the report as it is now (a refusal or a conflict)."""
        data = self.data.copy()
        data["version"] = str(report.version)
        return type(self)(data, report=report, user=self.user)

    def offered_templates(self):
        """The reply templates offered; with JavaScript one goes into the text box when chosen."""
        field = self.fields.get("template")
        return list(field.queryset) if field else []


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


class AcceptForm(ActionForm):
    action = Action.ACCEPT
    template_name = "backoffice/actions/accept.html"

    def run(self, data):
        return actions.do_accept(self.report, actor=self.user, expected_version=data["version"])


class DeclineForm(CloseForm):
    action = Action.DECLINE

    def run(self, data):
        return actions.do_decline(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


class AssignForm(ActionForm):
    action = Action.ASSIGN
    template_name = "backoffice/actions/assign.html"

    officer = Offered(User.objects.none(), lookup=User.objects.all(), label=gettext_lazy("Petugas"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        field.queryset = User.objects.filter(
            Q(sub_unit__isnull=True) | Q(sub_unit_id=self.report.sub_unit_id),
            agency_id=self.report.agency_id,
            role="officer",
            is_active=True,
        )
        field.empty_label = None
        field.label_from_instance = lambda u: u.display_name
        self.initial["officer"] = self.report.assigned_to_id

    def run(self, data):
        return actions.do_assign(
            self.report, data["officer"], actor=self.user, expected_version=data["version"]
        )


class NoteForm(ActionForm):
    action = Action.NOTE
    template_name = "backoffice/actions/text.html"

    text = _text(gettext_lazy("Catatan"))
    public = forms.BooleanField(
        label=gettext_lazy("Publik (terlihat oleh pelapor)"), required=False
    )
    attachments = Attachments(label=gettext_lazy("Lampiran (PDF, JPEG, PNG, dokumen)"))

    def run(self, data):
        return actions.do_add_note(
            self.report,
            actor=self.user,
            text=data["text"],
            public=data["public"],
            attachments=clean_uploads(data["attachments"]),
            expected_version=data["version"],
        )


class RequestInfoForm(ActionForm):
    action = Action.REQUEST_INFO
    template_name = "backoffice/actions/text.html"
    template_kind = TemplateKind.REQUEST_INFO

    text = _text(gettext_lazy("Informasi yang dibutuhkan"))

    def run(self, data):
        return actions.do_request_info(
            self.report, actor=self.user, text=data["text"], expected_version=data["version"]
        )


class AnswerForm(ActionForm):
    """The answer and its outcome: done (with the result photo for a physical category),
    scheduled (with its date) or cannot be done (with who can); `do_answer` checks each rule."""

    action = Action.ANSWER
    needs_approval = False
    template_name = "backoffice/actions/answer.html"
    template_kind = TemplateKind.ANSWER

    outcome = forms.ChoiceField(
        label=gettext_lazy("Hasil"),
        choices=AnswerOutcome.choices,
        initial=AnswerOutcome.DONE,
        widget=forms.RadioSelect,
        required=False,
    )
    text = _text(gettext_lazy("Tindak lanjut"))
    scheduled_for = forms.DateField(
        label=gettext_lazy("Tanggal penanganan (jika dijadwalkan)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    responsible_body = forms.CharField(
        label=gettext_lazy("Pihak yang dapat menangani (jika tidak dapat ditangani)"),
        required=False,
        max_length=200,
    )
    attachments = Attachments(label=gettext_lazy("Lampiran: foto hasil pekerjaan, PDF, dokumen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.report.category
        if category is not None and category.physical:
            self.fields["attachments"].help_text = _(
                "Kategori ini memerlukan minimal satu foto hasil perbaikan untuk jawaban selesai."
            )
        agency = self.report.agency
        if agency is not None and agency.answers_need_approval:
            self.needs_approval = not transitions.approves_answers(self.user, agency.pk)

    def run(self, data):
        return actions.do_answer(
            self.report,
            actor=self.user,
            text=data["text"],
            outcome=data["outcome"] or AnswerOutcome.DONE,
            scheduled_for=data["scheduled_for"],
            responsible_body=data["responsible_body"],
            attachments=clean_uploads(data["attachments"]),
            expected_version=data["version"],
        )


class RequestExtensionForm(ActionForm):
    action = Action.REQUEST_EXTENSION
    template_name = "backoffice/actions/extension.html"

    working_days = forms.IntegerField(
        label=gettext_lazy("Tambahan hari kerja"), required=False, min_value=1
    )
    reason = _text(gettext_lazy("Alasan (tampil di halaman publik bila disetujui)"), rows=3)

    def run(self, data):
        return actions.do_request_extension(
            self.report,
            actor=self.user,
            working_days=data["working_days"],
            reason=data["reason"],
            expected_version=data["version"],
        )


class DecideExtensionForm(ActionForm):
    action = Action.DECIDE_EXTENSION
    template_name = "backoffice/actions/decide_extension.html"

    approve = forms.TypedChoiceField(
        label=gettext_lazy("Keputusan"),
        choices=[("1", gettext_lazy("Setujui")), ("0", gettext_lazy("Tolak"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    note = _text(gettext_lazy("Catatan (wajib bila ditolak)"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.extension = self.report.pending_extension

    def run(self, data):
        return actions.do_decide_extension(
            self.report,
            actor=self.user,
            approve=data["approve"],
            note=data["note"],
            expected_version=data["version"],
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


class ApproveAnswerForm(ActionForm):
    """The approver reads the waiting draft (in the box, to reword it if needed) and approves."""

    action = Action.APPROVE_ANSWER
    template_name = "backoffice/actions/approve_answer.html"

    text = _text(gettext_lazy("Tindak lanjut yang akan dikirim kepada pelapor"), rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = self.report.pending_answer
        self.draft_outcome = ""
        if self.draft is not None:
            outcome = self.draft.data.get("outcome", AnswerOutcome.DONE)
            self.draft_outcome = dict(AnswerOutcome.choices).get(outcome, outcome)
            if not self.is_bound:
                self.initial["text"] = self.draft.text

    def run(self, data):
        return actions.do_approve_answer(
            self.report, actor=self.user, text=data["text"], expected_version=data["version"]
        )


class ReturnAnswerForm(ActionForm):
    action = Action.RETURN_ANSWER
    template_name = "backoffice/actions/reason.html"

    reason = _text(gettext_lazy("Yang perlu diperbaiki (untuk petugas)"), rows=2)

    def run(self, data):
        return actions.do_return_answer(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


class SplitForm(ActionForm):
    """ "Bagi laporan" (issue 16): up to SPLIT_ROWS agencies, each with its own instruction; rows
    without an agency are left out, and the action refuses fewer than two distinct agencies."""

    action = Action.SPLIT
    template_name = "backoffice/actions/split.html"
    SPLIT_ROWS = 4

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, self.SPLIT_ROWS + 1):
            agency = Offered(
                Agency.objects.filter(is_active=True).order_by("short_name"),
                label=gettext_lazy("Perangkat daerah %(n)s") % {"n": number},
                empty_label="—",
            )
            agency.label_from_instance = lambda a: f"{a.short_name} — {a.name}"
            self.fields[f"agency_{number}"] = agency
            self.fields[f"note_{number}"] = _text(
                gettext_lazy("Instruksi untuk perangkat daerah %(n)s") % {"n": number}, rows=2
            )

    def rows(self):
        return [
            (self[f"agency_{number}"], self[f"note_{number}"])
            for number in range(1, self.SPLIT_ROWS + 1)
        ]

    def run(self, data):
        parts = [
            (data[f"agency_{number}"], data[f"note_{number}"])
            for number in range(1, self.SPLIT_ROWS + 1)
            if data.get(f"agency_{number}") is not None
            or self.data.get(f"agency_{number}") not in (None, "")
        ]
        return actions.do_split(
            self.report, actor=self.user, parts=parts, expected_version=data["version"]
        )


class ReopenPartForm(CloseForm):
    action = Action.REOPEN_PART

    def run(self, data):
        return actions.do_reopen_part(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


class PassDownForm(ActionForm):
    """ "Teruskan ke sub-unit" (issue 16), with the sub-unit the routing rules propose selected."""

    action = Action.PASS_DOWN
    template_name = "backoffice/actions/pass_down.html"

    sub_unit = Offered(
        SubUnit.objects.none(), lookup=SubUnit.objects.all(), label=gettext_lazy("Sub-unit")
    )
    note = _text(gettext_lazy("Catatan untuk sub-unit"), rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sub_unit"]
        field.queryset = SubUnit.objects.filter(
            agency_id=self.report.agency_id, is_active=True
        ).exclude(pk=self.report.sub_unit_id or 0)
        field.empty_label = "—"
        field.label_from_instance = lambda u: f"{u.name} ({u.get_kind_display()})"
        self.proposed = proposed_sub_unit(self.report)
        if self.proposed is not None and self.proposed.pk != self.report.sub_unit_id:
            self.initial["sub_unit"] = self.proposed.pk
        else:
            self.proposed = None

    def run(self, data):
        return actions.do_pass_down(
            self.report,
            data["sub_unit"],
            actor=self.user,
            note=data["note"],
            expected_version=data["version"],
        )


class TakeBackForm(ActionForm):
    action = Action.TAKE_BACK
    template_name = "backoffice/actions/text.html"

    text = _text(gettext_lazy("Catatan (internal)"), rows=2)

    def run(self, data):
        return actions.do_take_back(
            self.report, actor=self.user, note=data["text"], expected_version=data["version"]
        )


# What the back office offers, in this order; the reporter's own actions belong to the portal.
FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        DispositionForm,
        RedispositionForm,
        SplitForm,
        ReturnForm,
        HoldForm,
        ResumeForm,
        ArchiveForm,
        MergeForm,
        UnmergeForm,
        ReclassifyForm,
        SetPriorityForm,
        EditPublicForm,
        ShareEvidenceForm,
        DispatcherNoteForm,
        CloseForm,
        AcceptForm,
        DeclineForm,
        AssignForm,
        NoteForm,
        RequestInfoForm,
        RequestExtensionForm,
        DecideExtensionForm,
        AnswerForm,
        ApproveAnswerForm,
        ReturnAnswerForm,
        ReopenPartForm,
        PassDownForm,
        TakeBackForm,
    )
}

"""The agency's action forms (`aduan.reports.actions.agency`, `extensions`, `sub_units`): accept,
decline, assign, notes, questions, the answer and its approval, extensions, sub-units."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.directory.models import SubUnit
from aduan.reports import actions
from aduan.reports.models import AnswerOutcome
from aduan.reports.transitions import Action
from aduan.triage.sub_units import proposed_sub_unit

from ..models import TemplateKind
from ..uploads import clean_uploads
from ._base import ActionForm, Attachments, Offered, User, _text
from .dispatcher import CloseForm


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
        if self.report.agency is not None:
            self.needs_approval = actions.answer_needs_approval(self.report, self.user)

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

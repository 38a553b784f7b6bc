"""The back-office forms of forwarding to an outside body (issue 16): the agency proposes, the
dispatcher forwards (its consent), replies to the body's questions, or takes the report back.
Each makes one call of `aduan.forwarding.actions`, which calls the report's actions."""

from django import forms
from django.utils.translation import gettext_lazy

from aduan.federation import actions as federation
from aduan.federation.models import RemoteServer
from aduan.forwarding import actions as forwarding
from aduan.forwarding.models import OutsideContact
from aduan.reports.transitions import Action

from .forms import ActionForm, Offered, _text


def _contact_field():
    return Offered(
        OutsideContact.objects.filter(is_active=True).order_by("name"),
        lookup=OutsideContact.objects.all(),
        label=gettext_lazy("Pihak luar"),
        empty_label="—",
        widget=forms.Select(attrs={"required": True}),
    )


class ProposeForwardForm(ActionForm):
    action = Action.PROPOSE_FORWARD
    template_name = "backoffice/actions/forward.html"

    contact = _contact_field()
    text = _text(gettext_lazy("Alasan usulan"), rows=3)

    def run(self, data):
        return forwarding.do_propose(
            self.report,
            data["contact"],
            actor=self.user,
            text=data["text"],
            expected_version=data["version"],
        )


class ForwardForm(ActionForm):
    """Starts from the agency's proposal when there is one; the text starts as the report's
    description, for the dispatcher to cut down to what the body needs (no reporter)."""

    action = Action.FORWARD
    template_name = "backoffice/actions/forward.html"

    contact = _contact_field()
    text = _text(gettext_lazy("Teks yang diteruskan (tanpa identitas pelapor)"), rows=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["text"] = self.report.description
        proposal = forwarding.latest_proposal(self.report)
        if proposal is not None:
            self.initial["contact"] = proposal.data.get("contact")

    def run(self, data):
        forwarding.do_forward(
            self.report,
            data["contact"],
            actor=self.user,
            text=data["text"],
            expected_version=data["version"],
        )
        return self.report


class ForwardRemoteForm(ActionForm):
    """To another GeoReport v2 server (`aduan.federation`): what is sent is the report's public
    text and its desa, never the reporter; the form says so."""

    action = Action.FORWARD_REMOTE
    template_name = "backoffice/actions/forward_remote.html"

    server = Offered(
        RemoteServer.objects.filter(is_active=True).order_by("name"),
        lookup=RemoteServer.objects.all(),
        label=gettext_lazy("Server Open311 tujuan"),
        empty_label="—",
        widget=forms.Select(attrs={"required": True}),
    )

    def run(self, data):
        federation.do_forward(
            self.report, data["server"], actor=self.user, expected_version=data["version"]
        )
        return self.report


class ReplyOutsideForm(ActionForm):
    action = Action.REPLY_OUTSIDE
    template_name = "backoffice/actions/text.html"

    text = _text(gettext_lazy("Jawaban untuk pihak luar"), rows=3)

    def run(self, data):
        return forwarding.do_reply(
            self.report, actor=self.user, text=data["text"], expected_version=data["version"]
        )


class RecallForwardForm(ActionForm):
    action = Action.RECALL_FORWARD
    template_name = "backoffice/actions/reason.html"

    reason = _text(gettext_lazy("Alasan"), rows=2)

    def run(self, data):
        return forwarding.do_recall(
            self.report, actor=self.user, reason=data["reason"], expected_version=data["version"]
        )


FORWARDING_FORMS = {
    form.action: form
    for form in (
        ProposeForwardForm,
        ForwardForm,
        ForwardRemoteForm,
        ReplyOutsideForm,
        RecallForwardForm,
    )
}

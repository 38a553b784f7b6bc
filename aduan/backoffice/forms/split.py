"""The forms of a report split between agencies (`aduan.reports.actions.split`)."""

from django.utils.translation import gettext_lazy

from aduan.directory.models import Agency
from aduan.reports import actions
from aduan.reports.transitions import Action

from ._base import ActionForm, Offered, _text
from .dispatcher import CloseForm


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

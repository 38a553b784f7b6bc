"""What every back-office action form shares: the fields that pass on what is not offered, the
form base with its reply templates (`ActionForm`), and `Review` (show the form again)."""

from collections.abc import Callable

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext_lazy

from aduan.reports import errors
from aduan.reports.models import Report
from aduan.reports.transitions import Action

from ..models import ResponseTemplate, templates_for

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

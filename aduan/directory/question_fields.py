"""A category's extra questions (DESIGN §2: e.g. *Jalan dan Jembatan* asks the road's status) as
form fields named `q_<code>`, and their answers as the report's `extra_answers`."""

from django import forms
from django.utils.translation import gettext

from .models import CategoryQuestion

PREFIX = "q_"


def _master(text: str) -> str:
    """Master-data text (question labels, choice names) in the page's language: the shipped ones
    have English entries in django.po; what an administrator adds stays as written."""
    return gettext(text)


class _Choice(forms.ChoiceField):
    """The options are offered; whether an answer is one of them is checked by the action
    (`reports.rules.clean_answers`), with the message every channel gives."""

    def valid_value(self, value):
        return True


class _Choices(forms.MultipleChoiceField):
    def valid_value(self, value):
        return True


def _field(question: CategoryQuestion) -> forms.Field:
    """The question as a field of its type (shape). Whether it is answered and the answer allowed
    is the action's to say (`reports.rules.clean_answers`); the browser is told it is required."""
    choices = [(c["key"], _master(c["name"])) for c in question.choices or []]
    common = {"label": gettext(question.label), "required": False}
    if question.type == CategoryQuestion.Type.NUMBER:
        field = forms.DecimalField(
            max_digits=CategoryQuestion.NUMBER_DIGITS,
            decimal_places=CategoryQuestion.NUMBER_DECIMALS,
            **common,
        )
    elif question.type == CategoryQuestion.Type.DATE:
        field = forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    elif question.type == CategoryQuestion.Type.SINGLE:
        field = _Choice(choices=[("", "—"), *choices], **common)
    elif question.type == CategoryQuestion.Type.MULTI:
        return _Choices(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    else:
        field = forms.CharField(max_length=CategoryQuestion.TEXT_LENGTH, **common)
    if question.required:
        field.widget.attrs["required"] = True
    return field


def add_fields(form: forms.Form, category) -> list[str]:
    """Add the questions of `category` to `form`; returns the field names added."""
    if category is None:
        return []
    names = []
    for question in CategoryQuestion.objects.filter(category=category).order_by("order", "id"):
        name = PREFIX + question.code
        form.fields[name] = _field(question)
        names.append(name)
    return names


def answers(cleaned_data: dict, names: list[str]) -> dict:
    result = {}
    for name in names:
        value = cleaned_data.get(name)
        if value in (None, "", []):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, (str, list)):
            value = str(value)
        result[name[len(PREFIX) :]] = value
    return result


def answer_rows(report) -> list[tuple[str, str]]:
    """(question, answer) of a report's extra answers as people read them: the question's label
    and the chosen options' names, in the page's language, not `status-jalan: kabupaten`.
    An answer whose question is gone keeps its code."""
    answers = report.extra_answers or {}
    if not answers:
        return []
    questions = {q.code: q for q in CategoryQuestion.objects.filter(category_id=report.category_id)}
    rows = []
    for code, value in answers.items():
        question = questions.get(code)
        if question is None:
            rows.append((code, ", ".join(map(str, value)) if isinstance(value, list) else value))
            continue
        names = {c["key"]: _master(c["name"]) for c in question.choices or []}
        values = value if isinstance(value, list) else [value]
        rows.append((gettext(question.label), ", ".join(str(names.get(v, v)) for v in values)))
    return rows

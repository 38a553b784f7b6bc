"""A category's extra questions (DESIGN §2: e.g. *Jalan dan Jembatan* asks the road's status) as
form fields named `q_<code>`, and their answers as the report's `extra_answers`."""

from django import forms

from aduan.directory.models import CategoryQuestion

PREFIX = "q_"


def _field(question: CategoryQuestion) -> forms.Field:
    choices = [(c["key"], c["name"]) for c in question.choices or []]
    common = {"label": question.label, "required": question.required}
    if question.type == CategoryQuestion.Type.NUMBER:
        return forms.DecimalField(min_value=0, max_digits=12, decimal_places=2, **common)
    if question.type == CategoryQuestion.Type.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if question.type == CategoryQuestion.Type.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if question.type == CategoryQuestion.Type.MULTI:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=500, **common)


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

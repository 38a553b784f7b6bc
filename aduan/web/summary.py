"""The error summary at the top of a long form: every error of every part of the form, each a
link to its field, so that a phone user sees at once what to fix and where (an error four screens
down is an error nobody sees)."""

from dataclasses import dataclass


@dataclass
class FormError:
    anchor: str  # the id of the input to jump to ("" for an error of the whole form)
    label: str
    message: str


def errors(*forms) -> list[FormError]:
    found = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            found.append(FormError("", "", message))
        for name in form.errors:
            if name == "__all__" or name not in form.fields:
                continue
            field = form[name]
            anchor = field.id_for_label or field.auto_id
            if name == "attachments":
                anchor = "id_attachments"
            for message in field.errors:
                found.append(FormError(anchor, str(field.label), message))
    return found

"""Form fields for master data, shared by the portal's and the back office's forms."""

from django import forms

from .models import Region


class KnownRegionField(forms.ModelChoiceField):
    """A kecamatan or desa by its Kemendagri code. The page offers the regency's (or the chosen
    kecamatan's); any region of the level is accepted as a value, so that where it lies is
    decided by `reports.rules` with the message every channel gives."""

    def __init__(self, *args, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level

    def to_python(self, value):
        if value in self.empty_values:
            return None
        found = Region.objects.filter(pk=str(value)[:13], level=self.level).first()
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found

    def validate(self, value):
        forms.Field.validate(self, value)

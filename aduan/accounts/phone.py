"""Indonesian phone numbers, normalised to +62 (E.164) with `phonenumbers`."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def normalise_phone(raw: str) -> str:
    """`0813-3910-0011`, `62813...`, `+62 813 ...` → `+6281339100011`; ValidationError otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if raw.startswith("62"):
        raw = "+" + raw
    try:
        number = phonenumbers.parse(raw, "ID")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Nomor telepon tidak dikenali. Contoh: 0813 3910 0011."), code="phone"
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor telepon %(number)s tidak valid. Contoh: 0813 3910 0011.") % {"number": raw},
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

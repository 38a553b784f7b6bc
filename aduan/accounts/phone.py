"""Phone numbers: ONE rule for every channel (portal, back office, API, SMS, WhatsApp).

Every number a person types or a gateway sends goes through `normalise_phone` before it is
compared, stored or used as a key, so `0813 3910 0011`, `0813-3910-0011`, `62813…` and
`+62 813…` are one number (`+6281339100011`, E.164) wherever it was typed. `mask_phone` is how a
number is shown to someone who should not read all of it.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Longer input is not a phone number (and is not worth handing to the parser).
MAX_INPUT_LENGTH = 32


def normalise_phone(raw: str) -> str:
    """`0813-3910-0011`, `62813…`, `+62 813…`, `(0371) 21234` → E.164 (`+6281339100011`).

    Numbers without a country code are Indonesian; a foreign number with its `+` code is kept.
    Empty input gives ""; anything else that is not a valid number raises ValidationError (code
    "phone") with a message in Bahasa Indonesia."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if len(raw) > MAX_INPUT_LENGTH or not re.fullmatch(r"[+\d\s().\-/]+", raw):
        raise ValidationError(
            _("Nomor telepon tidak dikenali. Contoh: 0813 3910 0011."),
            code="phone",
        )
    compact = re.sub(r"[^\d+]", "", raw)
    if compact.startswith("62"):
        compact = "+" + compact
    elif compact.startswith("00"):  # international prefix typed instead of "+"
        compact = "+" + compact[2:]
    try:
        number = phonenumbers.parse(compact, "ID")
    except phonenumbers.NumberParseException:
        raise ValidationError(
            _("Nomor telepon tidak dikenali. Contoh: 0813 3910 0011."),
            code="phone",
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Nomor telepon %(number)s tidak valid. Contoh: 0813 3910 0011.") % {"number": raw},
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phone_or_none(raw: str) -> str | None:
    """For gateways (SMS, WhatsApp): the normalised number, or None when it is not one."""
    try:
        return normalise_phone(raw) or None
    except ValidationError:
        return None


def mask_phone(phone: str) -> str:
    """`+6281339100011` → `+62813•••••011`: the country and operator prefix and the last three
    digits, enough for its owner to recognise it, not enough to call it."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = phone.lstrip("+")
    head = 5 if phone.startswith("+") else 4
    if len(digits) <= head + 3:
        return "•" * len(phone)
    prefix = ("+" if phone.startswith("+") else "") + digits[:head]
    return prefix + "•" * (len(digits) - head - 3) + digits[-3:]

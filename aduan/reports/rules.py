"""The invariants of a report's content (issue 11 §2, STYLE §5), checked by the actions that
write it (`do_file_report`, `do_resubmit`), so that the portal, staff intake, the API, Open311,
SMS and WhatsApp refuse the same input with the same message. A channel only turns its input
into Python values (shape); what is allowed is decided here.

Each check raises `errors.InvalidInput` naming the field, with the message in Bahasa Indonesia.
"""

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts.models import Role
from aduan.directory import geo
from aduan.directory.models import CategoryQuestion, Region

from .errors import InvalidInput, NotPermitted

# The longest text of a report, on every channel: the portal's and the intake's fields show it to
# the browser, the API's schemas publish it, and `check_description` refuses what is longer
# (SMS and WhatsApp say so in their reply; they never cut a citizen's text short).
DESCRIPTION_LENGTH = 10_000
# The longest of a report's other texts, on every channel in the same way (`check_lengths`).
TITLE_LENGTH = 200
ADDRESS_LENGTH = 255
PARTIES_LENGTH = 2000
ANSWER_FIELD = "extra_answers."  # + the question's code: where a channel shows an answer's error
# A number answer (a length in metres, a count of households) within the bound the portal's
# form also takes (`directory.question_fields`), checked by Django's validator for both.
_NUMBER_ANSWER_BOUND = DecimalValidator(
    CategoryQuestion.NUMBER_DIGITS, CategoryQuestion.NUMBER_DECIMALS
)
# Longer text is no number within the bound (12 digits and a point are 13 characters; this leaves
# room for leading zeros and an exponent): refused before Decimal reads it.
_NUMBER_ANSWER_TEXT = 40


# C0 control characters but tab and newline, and DEL: never typed by a person, they only hide
# text from a reader, break XML (XLSX) and PostgreSQL refuses NUL outright.
_CONTROLS = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def plain_text(value) -> str:
    """Text as every channel stores it: control characters dropped, line ends as `\n`, no
    surrounding white space. A message pasted from anywhere (SMS, WhatsApp, an API client)
    becomes what the portal's form would have sent."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.translate(_CONTROLS).strip()


def check_description(description: str) -> None:
    """A report's text (already `plain_text`): given, and not longer than `DESCRIPTION_LENGTH`."""
    if not description:
        raise InvalidInput(_("Isi laporan wajib diisi."), field="description")
    if len(description) > DESCRIPTION_LENGTH:
        raise InvalidInput(
            _(
                "Isi laporan terlalu panjang: %(length)s karakter, paling banyak %(limit)s. "
                "Persingkat isinya, lalu kirim lagi."
            )
            % {"length": len(description), "limit": DESCRIPTION_LENGTH},
            field="description",
        )


def check_lengths(**texts: str) -> None:
    """The title, address and parties of a report (already `plain_text`) within their lengths,
    every one at once beside its field; the portal's and the intake's fields and the API's
    schemas show the same limits, and SMS and WhatsApp say so in their reply, never cutting a
    citizen's words short."""
    limits = {
        "title": (_("Judul laporan"), TITLE_LENGTH),
        "address": (_("Alamat"), ADDRESS_LENGTH),
        "parties_involved": (_("Pihak yang terlibat"), PARTIES_LENGTH),
    }
    problems = {
        field: _("%(what)s terlalu panjang: %(length)s karakter, paling banyak %(limit)s.")
        % {"what": limits[field][0], "length": len(value), "limit": limits[field][1]}
        for field, value in texts.items()
        if value and len(value) > limits[field][1]
    }
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field, problems=problems)


def check_content(
    *,
    incident_date=None,
    district=None,
    village=None,
    latitude=None,
    longitude=None,
    category=None,
    extra_answers=None,
) -> dict:
    """The date, the place and the answers of a report, checked in this order; returns them
    cleaned (the kecamatan of a desa given alone, the answers normalised)."""
    check_incident_date(incident_date)
    district, village = check_place(district, village)
    check_point(latitude, longitude)
    return {
        "incident_date": incident_date,
        "district": district,
        "village": village,
        "latitude": latitude,
        "longitude": longitude,
        "extra_answers": clean_answers(category, extra_answers or {}),
    }


def check_incident_date(incident_date) -> None:
    """Not after today in the regency's time zone (a report tells what has happened)."""
    if incident_date is not None and incident_date > timezone.localdate():
        raise InvalidInput(_("Tanggal kejadian tidak boleh di masa depan."), field="incident_date")


def check_place(district, village):
    """A kecamatan of the regency, a desa/kelurahan inside it; the kecamatan of a desa given
    alone is the desa's. Returns (district, village)."""
    if village is not None:
        if village.level != Region.Level.VILLAGE or not _in_regency(village.parent_id):
            raise InvalidInput(
                _("Desa/kelurahan tidak berada di wilayah kabupaten ini."), field="village"
            )
        if district is None:
            district = village.parent
    if district is not None and (
        district.level != Region.Level.DISTRICT or district.parent_id != settings.REGENCY_CODE
    ):
        raise InvalidInput(_("Kecamatan tidak berada di wilayah kabupaten ini."), field="district")
    if village is not None and village.parent_id != district.pk:
        raise InvalidInput(
            _("Desa/kelurahan tidak berada di kecamatan yang dipilih."), field="village"
        )
    return district, village


def _in_regency(district_code: str | None) -> bool:
    return bool(district_code) and str(district_code).rsplit(".", 1)[0] == settings.REGENCY_CODE


def check_point(latitude, longitude) -> None:
    """Both coordinates or neither, and the point inside the regency (`directory.geo`, the
    shipped boundaries, with its tolerance along the coast)."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput(
            _("Isi lintang dan bujur sekaligus, atau kosongkan keduanya."), field="latitude"
        )
    if latitude is None:
        return
    try:
        latitude, longitude = Decimal(str(latitude)), Decimal(str(longitude))
    except InvalidOperation:
        latitude = longitude = Decimal("NaN")
    if not (
        latitude.is_finite()
        and longitude.is_finite()
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    ) or (geo.locate(latitude, longitude).district is None):
        raise InvalidInput(
            _("Titik lokasi berada di luar wilayah kabupaten ini."), field="latitude"
        )


def clean_answers(category, answers: dict) -> dict:
    """The answers to `category`'s extra questions (DESIGN §2), keyed by question code, checked
    against the questions: every required one answered, each answer of its question's type and
    among its options, no answer to a question the category does not ask. Returns them
    normalised (numbers as numbers, dates as ISO text, several choices as a list).

    Refused with the first problem as the message and every problem in `problems`
    (`extra_answers.<code>`: message), so that a form can mark each question."""
    questions = (
        {q.code: q for q in CategoryQuestion.objects.filter(category=category)}
        if category is not None
        else {}
    )
    cleaned, problems = {}, {}
    for code in answers:
        if code not in questions:
            problems[ANSWER_FIELD + str(code)[:40]] = _(
                "Pertanyaan tidak dikenal untuk kategori ini: %(code)s."
            ) % {"code": str(code)[:40]}
    for code, question in sorted(questions.items(), key=lambda item: item[1].order):
        value = answers.get(code)
        label = _(question.label)
        if value in (None, "", []):
            if question.required:
                problems[ANSWER_FIELD + code] = _("%(question)s: wajib diisi.") % {
                    "question": label
                }
            continue
        try:
            cleaned[code] = _answer(question, value)
        except NumberOutOfBounds:
            problems[ANSWER_FIELD + code] = _(
                "%(question)s: angka paling banyak %(whole)s digit sebelum koma dan "
                "%(decimals)s digit sesudahnya."
            ) % {
                "question": label,
                "whole": CategoryQuestion.NUMBER_DIGITS - CategoryQuestion.NUMBER_DECIMALS,
                "decimals": CategoryQuestion.NUMBER_DECIMALS,
            }
        except (TypeError, ValueError, InvalidOperation):
            problems[ANSWER_FIELD + code] = _("%(question)s: jawaban tidak valid.") % {
                "question": label
            }
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field, problems=problems)
    return cleaned


class NumberOutOfBounds(ValueError):
    """A number answer with more digits than `CategoryQuestion.NUMBER_DIGITS` in all or more than
    `NUMBER_DECIMALS` after the point."""


def _number(value) -> int | float:
    """A number answer within the form's bound, checked on the digits and the exponent before
    any arithmetic: "1e5000" would be an int of 5,001 digits that JSON cannot write (a 500 on
    save), "1e1000000" one that takes `int()` tens of seconds to build."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise TypeError
    text = str(value).strip()
    if len(text) > _NUMBER_ANSWER_TEXT:
        raise NumberOutOfBounds
    number = Decimal(text)
    if not number.is_finite() or number < 0:
        raise ValueError
    try:  # the form's own validator, on the digits and the exponent only
        _NUMBER_ANSWER_BOUND(number)
    except ValidationError:
        raise NumberOutOfBounds from None
    return int(number) if number == number.to_integral_value() else float(number)


def _answer(question: CategoryQuestion, value):
    keys = {c.get("key") for c in question.choices or []}
    if question.type == CategoryQuestion.Type.NUMBER:
        return _number(value)
    if question.type == CategoryQuestion.Type.DATE:
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()
    if question.type == CategoryQuestion.Type.SINGLE:
        if not isinstance(value, str) or value not in keys:
            raise ValueError
        return value
    if question.type == CategoryQuestion.Type.MULTI:
        values = value if isinstance(value, list) else [value]
        if not values or any(not isinstance(v, str) or v not in keys for v in values):
            raise ValueError
        return values
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError
    text = str(value).strip()
    if len(text) > CategoryQuestion.TEXT_LENGTH or "\x00" in text:
        raise ValueError
    return text


# What the filing doors (the portal's form on behalf, the API's ReportIn) call the action's fields
# about the resident, so that both show a refusal of them under their own field.
ON_BEHALF_FIELDS = {
    "reporter_name": "resident_name",
    "reporter_phone": "resident_phone",
    "representative_relationship": "relationship",
    "resident_name": "resident_name",
    "consent": "consent",
}


def check_on_behalf(
    *,
    reporter,
    filed_by,
    consent: bool,
    reporter_name: str,
    reporter_phone: str = "",
    reporter_email: str = "",
    relationship: str = "",
) -> None:
    """A citizen's account files for someone else only as an RT/RW representative (DESIGN §1),
    with the resident's consent and saying how they are related; a resident without an account
    is named, with a phone number or an e-mail address the agency can reach them on (the
    representative is not the one the agency must check with). The portal's form asks the
    phone; the API takes either."""
    if filed_by is None or reporter == filed_by or filed_by.role != Role.CITIZEN:
        return  # the reporter themselves, or staff intake
    if not filed_by.is_representative:
        raise NotPermitted(
            _("Hanya RT/RW yang dapat melapor atas nama warga."), field="resident_name"
        )
    problems: dict[str, str] = {}  # every one at once, each beside its field
    if reporter is None and not (reporter_name or "").strip():
        problems["reporter_name"] = _("Nama warga wajib diisi.")
    if reporter is None and not (reporter_phone or reporter_email):
        problems["reporter_phone"] = _("Nomor telepon warga wajib diisi.")
    if not (relationship or "").strip():
        problems["representative_relationship"] = _("Sebutkan hubungan Anda dengan warga.")
    if not consent:
        problems["consent"] = _("Persetujuan warga yang diwakili wajib dikonfirmasi.")
    if problems:
        field, message = next(iter(problems.items()))
        raise InvalidInput(message, field=field, problems=problems)


def profile_refusal(user) -> InvalidInput | None:
    """A citizen files under their own name only with a complete KTP profile (name, phone, NIK,
    birth date, sex). Until then a report they file waits for it (`awaits_profile`); the portal
    and the API say what is missing through this function."""
    if user is None or user.role != Role.CITIZEN or user.profile_complete:
        return None
    error = InvalidInput(
        _("Lengkapi profil Anda (sesuai KTP) sebelum mengirim laporan pertama."), field="profile"
    )
    error.missing = list(user.missing_profile_fields)
    return error


def awaits_profile(*, reporter, filed_by) -> bool:
    """Whether a report waits for its author's KTP profile (issue 13): a citizen filing for
    themselves with an incomplete profile (`profile_refusal`) may file at once; the report is
    stored but waits, seen by them only, until the profile is complete. Identity-free channels
    (SMS, WhatsApp, a walk-in) file without an account and never wait."""
    return (
        reporter is not None
        and filed_by in (None, reporter)
        and (profile_refusal(reporter) is not None)
    )

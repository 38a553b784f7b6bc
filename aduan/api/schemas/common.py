"""What every body of the API is made of: text, e-mail, a point, a code, the version a client
last saw, and the error body."""

from typing import Annotated

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator

from aduan.accounts.phone import MAX_INPUT_LENGTH


def clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL; other control characters would only hide text from a reader.
    if "\x00" in value:
        raise ValueError("NUL")
    return value


def _clean_email(value: str) -> str:
    value = clean_text(value).strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("email") from None
    return value


def Str(
    max_length: int,
    *,
    min_length: int = 0,
    example: str | None = None,
    description: str | None = None,
):
    return Annotated[
        str,
        Field(
            max_length=max_length,
            min_length=min_length,
            examples=[example] if example else None,
            description=description,
        ),
        AfterValidator(clean_text),
    ]


# Any text a person may type as a number; which are numbers is `accounts.phone.normalise_phone`'s
# rule, applied by the views (a 422 with its message), as on every other channel.
Phone = Annotated[
    str,
    Field(max_length=MAX_INPUT_LENGTH, examples=["0813 3910 0011"]),
    AfterValidator(clean_text),
]
Email = Annotated[
    str, Field(max_length=254, examples=["wayan@contoh.id"]), AfterValidator(_clean_email)
]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, examples=[-8.4902])]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, examples=[117.4204])]
Code = Str(60, min_length=1, example="infrastruktur-jalan")
Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31,
        description="`version` laporan yang terakhir Anda lihat: tindakan "
        "ditolak (409) bila orang lain sudah mengubahnya.",
    ),
]


class ErrorBody(Schema):
    code: str = Field(examples=["invalid"])
    message: str = Field(examples=["Data yang dikirim tidak valid."])
    fields: dict[str, list[str]] = Field(examples=[{"title": ["Wajib diisi."]}])


class ErrorOut(Schema):
    error: ErrorBody

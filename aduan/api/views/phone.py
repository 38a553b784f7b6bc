"""Proving the caller's phone number, so that their SMS reports land on their account."""

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aduan.sms import verification

from ..auth import ANY
from ..schemas import Str
from .accounts import ERRORS

router = Router(tags=["Akun"])


class PhoneIn(Schema):
    phone: Str(20, min_length=8, example="+6281339100011")


class CodeIn(Schema):
    code: Str(6, min_length=6, example="493027")


class ChallengeOut(Schema):
    phone: str
    expires_at: str
    message: str


class VerifiedOut(Schema):
    phone: str
    verified_at: str


@router.post(
    "/me/phone/verification",
    response={202: ChallengeOut, **ERRORS},
    auth=ANY,
    summary="Kirim kode verifikasi nomor telepon lewat SMS",
)
def start_verification(request, data: PhoneIn):
    challenge = verification.start(request.auth, data.phone)
    return Status(
        202,
        {
            "phone": challenge.phone,
            "expires_at": challenge.expires_at.isoformat(),
            "message": _("Kode verifikasi dikirim lewat SMS."),
        },
    )


@router.post(
    "/me/phone/verification/confirm",
    response={200: VerifiedOut, **ERRORS},
    auth=ANY,
    summary="Konfirmasi kode verifikasi nomor telepon",
)
def confirm_verification(request, data: CodeIn):
    verified = verification.confirm(request.auth, data.code)
    return {"phone": verified.phone, "verified_at": verified.verified_at.isoformat()}

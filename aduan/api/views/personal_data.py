"""The citizen's personal data rights (UU 27/2022) for the Android app: the same actions as the
portal's `/akun/data-saya/` (`aduan.accounts.personal_data`), the same password check, rate limit
and audit rows."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from aduan.accounts import actions, personal_data

from ..auth import ANY
from ..errors import ApiError
from ..schemas import Str
from .accounts import ERRORS, _refused

router = Router(tags=["Akun"])


class PasswordIn(Schema):
    password: Str(128, min_length=1, example="kata-sandi-anda")


class ErasureIn(PasswordIn):
    understood: bool


class ErasureOut(Schema):
    message: str
    state: str
    requested_at: str


def _citizen(request):
    user = request.auth
    if not personal_data.may_use(user):
        raise ApiError(403, _("Hanya untuk akun warga."))
    return user


@router.post(
    "/me/personal-data",
    response={200: None, **ERRORS},
    auth=ANY,
    url_name="personal_data",
    summary="Unduh data pribadi saya (ZIP)",
)
def download(request, data: PasswordIn):
    """Dengan kata sandi saat ini. Jawabannya berkas ZIP (`application/zip`): `data-pribadi.json`,
    `BACA-SAYA.txt` dan lampiran yang Anda kirim. Paling banyak 5 kali per jam; dicatat dalam
    jejak audit."""
    user = _citizen(request)
    try:
        actions.confirm_password(request, user, data.password)
    except DjangoValidationError as error:
        raise _refused(error, _("Data belum dapat diunduh.")) from None
    refusal = personal_data.export_refusal(user)
    if refusal is not None:
        raise ApiError.too_many(refusal)
    response = HttpResponse(personal_data.do_export(user), content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/me/erasure-request",
    response={202: ErasureOut, **ERRORS},
    auth=ANY,
    url_name="erasure_request",
    summary="Minta penghapusan data pribadi saya",
)
def request_erasure(request, data: ErasureIn):
    """Dengan kata sandi saat ini dan `understood: true`. Petugas melaksanakan atau menolak
    permintaan (dengan alasan); sampai saat itu permintaan dapat dibatalkan. Setelah
    dilaksanakan, akun dinonaktifkan dan identitas dihapus dari akun dan laporan; laporan dan
    jejak audit tetap disimpan."""
    user = _citizen(request)
    if not data.understood:
        raise ApiError(
            422,
            _("Permintaan belum dapat dicatat."),
            fields={"understood": [_("Centang tanda bahwa Anda mengerti akibatnya.")]},
        )
    try:
        erasure = personal_data.do_request_erasure(request, user, password=data.password)
    except DjangoValidationError as error:
        raise _refused(error, _("Permintaan belum dapat dicatat.")) from None
    return Status(
        202,
        {
            "message": _("Permintaan penghapusan data Anda tercatat."),
            "state": erasure.state,
            "requested_at": erasure.requested_at.isoformat(),
        },
    )


@router.delete(
    "/me/erasure-request",
    response={204: None, **ERRORS},
    auth=ANY,
    url_name="withdraw_erasure_request",
    summary="Batalkan permintaan penghapusan data",
)
def withdraw_erasure(request):
    """204 juga bila tidak ada permintaan yang menunggu (tidak ada yang perlu dibatalkan)."""
    personal_data.do_withdraw_erasure(_citizen(request))
    return Status(204, None)

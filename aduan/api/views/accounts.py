"""Tokens, registration and the caller's profile: each a translation of the request into one
of `aduan.accounts.actions` (issue 11 §3)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from aduan.accounts import actions, login
from aduan.accounts.phone import normalise_phone

from ..auth import ANY
from ..errors import ApiError
from ..models import ApiToken
from ..schemas import (
    AcceptedOut,
    EmailChangeIn,
    ErrorOut,
    NewTokenOut,
    PasswordChangeIn,
    ProfileIn,
    ProfileOut,
    RegisterIn,
    TokenIn,
    TokenOut,
)

router = Router(tags=["Akun"])
User = get_user_model()
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def profile(user) -> dict:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "email": user.email,
        "phone": user.phone,
        "role": user.role,
        "role_label": str(user.get_role_display()),
        "agency": user.agency.code if user.agency_id else None,
        "is_representative": user.is_representative,
        "nik_masked": user.nik_masked,
        "profile_complete": user.profile_complete,
    }


def _checked_profile(user, citizen, *, full_name: str, phone: str, refuse_taken_nik=True):
    """The portal's profile form checks the NIK (each part named), phone and desa; its errors
    become the API's `fields`."""
    # Imported here: allauth imports aduan.accounts.forms as its sign-up form while the URLs load.
    from aduan.accounts.forms import ProfileFields

    form = ProfileFields(
        data={**citizen.model_dump(), "full_name": full_name, "phone": phone}, user=user
    )
    form.refuse_taken_nik = refuse_taken_nik
    if not form.is_valid():
        raise ApiError(
            422,
            _("Profil belum dapat disimpan."),
            fields={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        )
    return form


def _refused(error: DjangoValidationError, message) -> ApiError:
    """An action's refusal: 429 for a locked account, else 422 with the fields it names."""
    if getattr(error, "code", None) == "locked_out":
        return ApiError(429, error.messages[0], code="locked_out")
    if hasattr(error, "error_dict"):
        return ApiError(422, message, fields=error.message_dict)
    return ApiError(422, message, fields={"__all__": error.messages})


@router.post(
    "/auth/tokens",
    response={201: NewTokenOut, **ERRORS},
    url_name="create_token",
    summary="Buat token akses untuk satu perangkat",
)
def create_token(request, data: TokenIn):
    """Tukar nama pengguna (atau e-mail) dan kata sandi dengan token Bearer untuk satu perangkat.
    Akun yang memakai verifikasi dua langkah mengirim juga kode autentikator di `otp_code`. Kata
    sandi salah, kode yang tidak dikirim dan kode yang salah dijawab sama (401) dan dihitung
    bersama kegagalan masuk lewat web; akun yang terkunci tidak mendapat token (429). Simpan token
    itu di perangkat; server hanya menyimpan hash-nya."""
    try:
        user = login.check_for_token(request, data.username, data.password, data.otp_code)
    except login.LoginRefused as refusal:
        raise ApiError(refusal.status, str(refusal.message), code=refusal.code) from None
    token, raw = actions.do_issue_token(user, data.device_name.strip() or "?")
    return Status(201, {**_token(token), "token": raw})


def _token(token: ApiToken) -> dict:
    return {
        "id": token.pk,
        "device_name": token.device_name,
        "hint": token.hint,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


@router.get(
    "/auth/tokens", response={200: list[TokenOut], **ERRORS}, auth=ANY, summary="Token aktif saya"
)
def list_tokens(request):
    return [_token(t) for t in ApiToken.objects.filter(user=request.auth, revoked_at__isnull=True)]


@router.delete(
    "/auth/tokens/{token_id}", response={204: None, **ERRORS}, auth=ANY, summary="Cabut token"
)
def revoke_token(request, token_id: int = Path(..., ge=1, le=2**62)):
    """Cabut token satu perangkat (mis. ponsel hilang). Token milik orang lain: 404."""
    if not actions.do_revoke_tokens(request.auth, actor=request.auth, token_id=token_id):
        raise ApiError(404, _("Token tidak ditemukan."))
    return Status(204, None)


REGISTRATION_ACCEPTED = _(
    "Bila pendaftaran dapat diproses, tautan verifikasi dikirim ke alamat e-mail itu. Buka "
    "tautan itu sebelum masuk; lalu buat token dengan POST /auth/tokens."
)


@router.post(
    "/register",
    response={202: AcceptedOut, **ERRORS},
    url_name="register",
    summary="Daftar sebagai warga",
)
def register(request, data: RegisterIn):
    """Buat akun warga. Jawabannya selalu 202 dengan isi yang sama, juga bila nama pengguna,
    e-mail atau NIK sudah terdaftar (pemiliknya diberi tahu lewat e-mail): pendaftaran tidak
    memberi tahu siapa pun apakah data itu sudah punya akun. Akun baru dapat masuk (web dan
    `POST /auth/tokens`) setelah alamat e-mailnya diverifikasi lewat tautan yang dikirim. Yang
    salah bentuknya (kata sandi lemah, nomor telepon, bagian NIK) dijawab 422 per kolom."""
    fields = {}
    try:
        phone = normalise_phone(data.phone)
    except DjangoValidationError as error:
        fields["phone"], phone = error.messages, ""
    candidate = User(username=data.username, email=data.email, full_name=data.full_name.strip())
    try:
        validate_password(data.password, candidate)
    except DjangoValidationError as exc:
        fields["password"] = [str(m) for m in exc.messages]
    if fields:
        raise ApiError(422, _("Pendaftaran belum dapat diproses."), fields=fields)
    citizen = None
    if data.profile is not None:
        citizen = _checked_profile(
            None, data.profile, full_name=candidate.full_name, phone=phone, refuse_taken_nik=False
        ).profile()
    user = actions.do_register(
        request,
        actions.Registration(
            username=data.username,
            email=data.email,
            password=data.password,
            full_name=data.full_name,
            phone=phone,
            profile=citizen,
        ),
        channel="api",
    )
    if user is not None:
        actions.send_verification(request, user)
    return Status(202, {"message": str(REGISTRATION_ACCEPTED)})


@router.get("/me", response={200: ProfileOut, **ERRORS}, auth=ANY, summary="Profil saya")
def me(request):
    return profile(request.auth)


@router.patch("/me", response={200: ProfileOut, **ERRORS}, auth=ANY, summary="Ubah profil saya")
def update_me(request, data: ProfileIn):
    """Nama, nomor telepon dan profil KTP. E-mail diganti lewat `POST /me/email`."""
    user = request.auth
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if changes.get("email") and changes["email"].lower() != (user.email or "").lower():
        raise ApiError(
            422,
            _("Profil belum dapat disimpan."),
            fields={"email": [_("E-mail diganti lewat POST /me/email, dengan kata sandi.")]},
        )
    try:
        phone = normalise_phone(changes["phone"]) if changes.get("phone") else None
    except DjangoValidationError as error:
        raise ApiError(
            422, _("Profil belum dapat disimpan."), fields={"phone": error.messages}
        ) from None
    full_name = changes.get("full_name")
    citizen = None
    if data.profile is not None:
        citizen = _checked_profile(
            user,
            data.profile,
            full_name=full_name if full_name is not None else user.full_name,
            phone=phone or user.phone,
        ).profile()
    actions.do_change_profile(user, actor=user, full_name=full_name, phone=phone, profile=citizen)
    return profile(user)


EMAIL_CHANGE_ACCEPTED = _(
    "Tautan konfirmasi dikirim ke alamat baru. Alamat akun berganti setelah tautan itu dibuka; "
    "alamat lama diberi tahu."
)


@router.post(
    "/me/email",
    response={202: AcceptedOut, **ERRORS},
    auth=ANY,
    url_name="change_email",
    summary="Ganti alamat e-mail saya",
)
def change_email(request, data: EmailChangeIn):
    """Dengan kata sandi saat ini (kata sandi yang salah dihitung sebagai kegagalan masuk). Alamat
    berganti setelah tautan yang dikirim ke alamat baru dibuka."""
    try:
        actions.do_change_email(request, request.auth, data.email, password=data.password)
    except DjangoValidationError as error:
        raise _refused(error, _("E-mail belum dapat diganti.")) from None
    return Status(202, {"message": str(EMAIL_CHANGE_ACCEPTED)})


@router.post(
    "/me/password",
    response={200: AcceptedOut, **ERRORS},
    auth=ANY,
    url_name="change_password",
    summary="Ganti kata sandi saya",
)
def change_password(request, data: PasswordChangeIn):
    """Dengan kata sandi saat ini. Semua sesi berakhir dan semua token dicabut, juga token yang
    dipakai untuk permintaan ini: masuk lagi dengan kata sandi baru."""
    user = request.auth
    try:
        actions.confirm_password(request, user, data.current_password)
        actions.do_change_password(user, data.new_password, actor=user, reason="change")
    except DjangoValidationError as error:
        raise _refused(error, _("Kata sandi belum dapat diganti.")) from None
    return {"message": _("Kata sandi diganti. Masuk lagi dengan kata sandi baru.")}

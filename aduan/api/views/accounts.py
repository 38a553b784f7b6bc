"""Tokens, registration and the caller's profile."""

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from aduan.accounts.mfa import (
    SETUP_REQUIRED_MESSAGE,
    TooManyAttempts,
    check_code,
    has_totp,
    lacks_required_mfa,
)
from aduan.accounts.models import Role

from ..auth import ANY
from ..errors import ApiError
from ..models import ApiToken
from ..schemas import ErrorOut, NewTokenOut, ProfileIn, ProfileOut, RegisterIn, TokenIn, TokenOut

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


def _checked_profile(user, citizen, *, full_name: str, phone: str):
    """The portal's profile form checks the NIK (each part named), phone and desa; its errors
    become the API's `fields`."""
    # Imported here: allauth imports aduan.accounts.forms as its sign-up form while the URLs load.
    from aduan.accounts.forms import ProfileFields

    form = ProfileFields(
        data={**citizen.model_dump(), "full_name": full_name, "phone": phone}, user=user
    )
    if not form.is_valid():
        raise ApiError(
            422,
            _("Profil belum dapat disimpan."),
            fields={name: [str(m) for m in messages] for name, messages in form.errors.items()},
        )
    return form


@router.post(
    "/auth/tokens",
    response={201: NewTokenOut, **ERRORS},
    url_name="create_token",
    summary="Buat token akses untuk satu perangkat",
)
def create_token(request, data: TokenIn):
    """Tukar nama pengguna dan kata sandi dengan token Bearer untuk satu perangkat. Simpan token
    itu di perangkat; server hanya menyimpan hash-nya."""
    user = authenticate(request, username=data.username, password=data.password)
    if user is None or not user.is_active:
        raise ApiError(401, _("Nama pengguna atau kata sandi salah."))
    _check_second_factor(user, data.otp_code)
    token, raw = ApiToken.issue(user, data.device_name.strip() or "?")
    return Status(201, {**_token(token), "token": raw})


def _check_second_factor(user, code: str | None) -> None:
    """The password alone does not give a token to an account with an authenticator app: that
    would bypass the second factor the web log-in asks for."""
    if lacks_required_mfa(user):
        raise ApiError(403, SETUP_REQUIRED_MESSAGE, code="mfa_setup_required")
    if not has_totp(user):
        return
    if not code:
        raise ApiError(
            401,
            _(
                "Akun ini memakai verifikasi dua langkah: kirim juga kode dari aplikasi "
                "autentikator di otp_code."
            ),
            code="mfa_code_required",
            fields={"otp_code": [_("Wajib diisi.")]},
        )
    try:
        accepted = check_code(user, code)
    except TooManyAttempts:
        raise ApiError(
            429, _("Terlalu banyak kode yang salah untuk akun ini. Coba lagi nanti.")
        ) from None
    if not accepted:
        raise ApiError(
            401,
            _("Kode autentikator salah atau sudah dipakai."),
            code="mfa_code_invalid",
            fields={"otp_code": [_("Kode salah atau sudah dipakai.")]},
        )


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
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth, revoked_at__isnull=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    return Status(204, None)


@router.post(
    "/register",
    response={201: ProfileOut, **ERRORS},
    url_name="register",
    summary="Daftar sebagai warga",
)
def register(request, data: RegisterIn):
    """Buat akun warga. Setelah itu buat token dengan `POST /auth/tokens`."""
    fields = {}
    if User.objects.filter(username__iexact=data.username).exists():
        fields["username"] = [_("Nama pengguna sudah dipakai.")]
    if data.email and User.objects.filter(email__iexact=data.email).exists():
        fields["email"] = [_("E-mail sudah terdaftar.")]
    candidate = User(
        username=data.username,
        email=data.email,
        full_name=data.full_name.strip(),
        phone=data.phone.strip(),
    )
    try:
        validate_password(data.password, candidate)
    except DjangoValidationError as exc:
        fields["password"] = [str(m) for m in exc.messages]
    if fields:
        raise ApiError(422, _("Pendaftaran belum dapat diproses."), fields=fields)
    if data.profile is not None:
        _checked_profile(
            None, data.profile, full_name=candidate.full_name, phone=candidate.phone
        ).apply(candidate)
    candidate.role = Role.CITIZEN
    candidate.set_password(data.password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # the same name or NIK registered a moment ago by someone else
        field, message = (
            ("nik", _("NIK ini sudah terdaftar pada akun lain. Satu NIK hanya untuk satu akun."))
            if (candidate.nik_hash and User.objects.filter(nik_hash=candidate.nik_hash).exists())
            else ("username", _("Nama pengguna sudah dipakai."))
        )
        raise ApiError(
            422, _("Pendaftaran belum dapat diproses."), fields={field: [message]}
        ) from None
    return Status(201, profile(candidate))


@router.get("/me", response={200: ProfileOut, **ERRORS}, auth=ANY, summary="Profil saya")
def me(request):
    return profile(request.auth)


@router.patch("/me", response={200: ProfileOut, **ERRORS}, auth=ANY, summary="Ubah profil saya")
def update_me(request, data: ProfileIn):
    user = request.auth
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    if (
        "email" in changes
        and changes["email"]
        and User.objects.filter(email__iexact=changes["email"]).exclude(pk=user.pk).exists()
    ):
        raise ApiError(
            422, _("Profil belum dapat disimpan."), fields={"email": [_("E-mail sudah terdaftar.")]}
        )
    citizen = changes.pop("profile", None)
    for field, value in changes.items():
        setattr(user, field, value.strip())
    if citizen is not None:
        _checked_profile(user, data.profile, full_name=user.full_name, phone=user.phone).apply(user)
        user.save()
    elif changes:
        user.save(update_fields=list(changes))
    return profile(user)

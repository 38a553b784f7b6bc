"""Every change to an account, in one place (DESIGN §11, STYLE §11; issue 11 §3).

The portal (allauth's forms through `AccountAdapter` and `forms.SignupForm`, `/akun/email/`), the
API (`aduan.api.views.accounts`) and the Django admin call these functions; none of them writes an
account by itself. Each action is one transaction and appends its row to the audit chain
(`aduan.audit.trail`), so that the supervisors' audit page shows who changed what. Changes of
role, agency, admin rights, second factor and verified phone are also audited by the model
signals in `audit_hooks` whoever saves them (the admin, a shell), so none is ever quiet.

Password checks that a door asks for (the current password before a change of e-mail or
password) go through allauth's `authenticate`: they count with the log-in failures and honour the
same lockout (`aduan.accounts.login`), so a stolen token cannot guess the password here either.
"""

from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit import trail

from . import nik as niks
from . import signals
from .models import Role, User
from .phone import normalise_phone


class AuditAction:
    """The `action` of the audit rows written for accounts (the supervisors' audit page filters by
    them)."""

    REGISTERED = "account_registered"
    PROFILE_CHANGED = "account_profile_changed"
    EMAIL_CHANGE_REQUESTED = "account_email_change_requested"
    EMAIL_CHANGED = "account_email_changed"
    PASSWORD_CHANGED = "account_password_changed"
    TOKEN_ISSUED = "account_token_issued"
    TOKENS_REVOKED = "account_tokens_revoked"
    ROLE_CHANGED = "account_role_changed"
    AGENCY_CHANGED = "account_agency_changed"
    REPRESENTATIVE_CHANGED = "account_representative_changed"
    ADMIN_RIGHTS_CHANGED = "account_admin_rights_changed"
    ACTIVE_CHANGED = "account_active_changed"
    MFA_ADDED = "account_mfa_added"
    MFA_REMOVED = "account_mfa_removed"
    PHONE_VERIFIED = "account_phone_verified"
    PHONE_UNVERIFIED = "account_phone_unverified"
    # allauth's e-mail addresses (a password reset goes to any of them) changed by someone else
    # than their owner: the sysadmin in the admin.
    EMAIL_ADDRESS_CHANGED = "account_email_address_changed"
    EMAIL_ADDRESS_REMOVED = "account_email_address_removed"


def audit(action: str, account, *, actor=None, **detail) -> None:
    """One audit row about `account`, done by `actor` (None: the system or the account itself
    before it may log in)."""
    trail.record(
        action,
        actor=actor,
        detail={"account": account.get_username(), "account_id": account.pk, **detail},
    )


def _api_token_model():
    """The API's tokens (`aduan.api.models.ApiToken`). The accounts app sits below the API in the
    import layers, so the model is looked up by name; what a token is stays the API's business,
    when one is issued or revoked is decided here."""
    return apps.get_model("api", "ApiToken")


# --- registration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What the registrant typed, checked for shape by the door (form or schema)."""

    username: str
    email: str
    password: str
    full_name: str = ""
    phone: str = ""
    # The KTP profile (`forms.ProfileFields.cleaned_data`), or None when given later.
    profile: dict | None = None


def do_register(request, registration: Registration, *, channel: str) -> User | None:
    """Make a citizen's account whose e-mail must be verified before either door lets it in, or
    nothing, answering the registrant the same either way (the door shows "we sent a link").

    1. An e-mail address that already has an account: its owner is told by e-mail (allauth's
       "account already exists" mail), nothing is made.
    2. A NIK or a user name that already has an account: the NIK's holder is told by e-mail
       that someone tried to register with it; the address typed gets one message for both
       cases ("this registration could not be completed"), so that neither the answer nor the
       mail says which value is taken; nothing is made.
    3. Otherwise the account, its primary (unverified) e-mail record, and the audit row; the
       caller sends the verification link (allauth's sign-up flow, or `send_verification`).
    """
    email = registration.email.strip().lower()
    adapter = get_adapter(request)
    if EmailAddress.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(email__iexact=email).exists()
    ):
        adapter.send_account_already_exists_mail(email)
        return None
    profile = registration.profile or {}
    nik_holder = None
    if profile.get("nik"):
        nik_holder = User.objects.filter(nik_hash__in=niks.lookup_hashes(profile["nik"])).first()
    if (
        nik_holder is not None
        or User.objects.filter(username__iexact=registration.username).exists()
    ):
        _refuse_registration(request, email, nik_holder)
        return None
    user = User(username=registration.username, email=email, role=Role.CITIZEN)
    fill_profile(user, full_name=registration.full_name, phone=registration.phone, profile=profile)
    user.set_password(registration.password)
    try:
        with transaction.atomic():
            user.save()
            # Primary and unverified: `login.must_verify_email` holds it at both doors.
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            audit(AuditAction.REGISTERED, user, channel=channel)
    except IntegrityError:
        # The same name, NIK or address registered a moment ago by someone else: as step 2.
        _refuse_registration(request, email, None)
        return None
    return user


def fill_profile(user, *, full_name: str, phone: str, profile: dict | None) -> None:
    """Fill a new account's name, phone and KTP profile (not saved). A NIK that already has an
    account is left out rather than refused: the account completes its profile once logged in,
    where a taken NIK is said (to a verified account, not to a stranger registering)."""
    user.full_name, user.phone = (full_name or "").strip(), normalise_phone(phone)
    profile = profile or {}
    for field in ("sex", "birth_date", "occupation", "district", "village", "address"):
        if field in profile:
            setattr(user, field, profile[field])
    nik = profile.get("nik")
    if nik and not User.objects.filter(nik_hash__in=niks.lookup_hashes(nik)).exists():
        user.set_nik(nik)


def _refuse_registration(request, email: str, nik_holder) -> None:
    adapter = get_adapter(request)
    adapter.send_mail("account/email/registration_refused", email, {"request": request})
    if nik_holder is not None and nik_holder.email:
        adapter.send_mail(
            "account/email/nik_registration_attempt",
            nik_holder.email,
            {"request": request, "user": nik_holder},
        )


def send_verification(request, user) -> None:
    """The link that verifies a new account's address (the API's registration; the portal's goes
    through allauth's sign-up flow, which sends the same mail)."""
    from allauth.account.internal.flows.email_verification import (
        send_verification_email_for_user,
    )

    send_verification_email_for_user(request, user)


# --- the owner's own changes --------------------------------------------------------------------


WRONG_PASSWORD = "wrong_password"


def confirm_password(request, user, password: str) -> None:
    """The current password, proven before a sensitive change; a wrong one counts as a failed
    log-in (and a locked account is refused even with the right one)."""
    from .login import LOCKED_OUT

    try:
        proven = get_adapter(request).authenticate(
            request, username=user.get_username(), password=password or ""
        )
    except ValidationError:  # allauth's "too_many_login_attempts"
        raise ValidationError(str(LOCKED_OUT), code="locked_out") from None
    if proven is None or proven.pk != user.pk:
        raise ValidationError(
            {"current_password": _("Kata sandi saat ini salah.")}, code=WRONG_PASSWORD
        )


def do_change_password(user, new_password: str, *, actor, reason: str) -> None:
    """Set a new password (`reason`: "change", "reset", "set" or "admin"). Every session ends
    (Django's session hash follows the password) and every API token is revoked, so a stolen
    session or token does not survive a change or a reset. The door proves the right to do it:
    the current password (`confirm_password`), a reset key, or the sysadmin's admin."""
    try:
        validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password": error.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user._aduan_password_action = True
        try:
            user.save(update_fields=["password"])
        finally:
            del user._aduan_password_action
        revoke_after_password_change(user, actor=actor, reason=reason)
    if user.email:  # the owner is told, whichever door it was (allauth's own notice is off)
        user._aduan_password_notice = True
        try:
            get_adapter().send_notification_mail(
                "account/email/password_changed", user, email=user.email
            )
        finally:
            del user._aduan_password_notice


def revoke_after_password_change(user, *, actor, reason: str) -> None:
    """The audit row of a new password, and the end of every token. Sessions end by themselves:
    Django checks each session's hash of the password."""
    audit(AuditAction.PASSWORD_CHANGED, user, actor=actor, reason=reason)
    _revoke(user, actor=actor, reason=f"password_{reason}")


def do_change_email(request, user, new_email: str, *, password: str) -> None:
    """Ask to change the account's address: the current password first, then a link to the new
    address; the address changes only when that link is opened (allauth's CHANGE_EMAIL flow,
    audited by `audit_hooks` as the account's e-mail changes), and the old address is told
    (EMAIL_NOTIFICATIONS).
    An address that already has an account gets allauth's "account already exists" mail instead,
    and the answer is the same."""
    from allauth.account.internal.flows.email_verification import (
        send_verification_email_to_address,
    )

    confirm_password(request, user, password)
    new_email = (new_email or "").strip().lower()
    if not new_email:
        raise ValidationError({"email": _("Isi alamat e-mail baru.")})
    if new_email == (user.email or "").lower():
        raise ValidationError({"email": _("Alamat ini sudah alamat akun Anda.")})
    taken = (
        EmailAddress.objects.filter(email__iexact=new_email).exclude(user=user).exists()
        or User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
    )
    if taken:
        get_adapter(request).send_account_already_exists_mail(new_email)
        return
    with transaction.atomic():
        if user.email and not EmailAddress.objects.filter(user=user, primary=True).exists():
            # An account made by a sysadmin has no address record: record its current one (as
            # verified: a sysadmin typed it), so that the change replaces it and tells it.
            EmailAddress.objects.update_or_create(
                user=user,
                email=user.email.lower(),
                defaults={"primary": True, "verified": True},
            )
        EmailAddress.objects.filter(user=user, primary=False, verified=False).delete()
        address = EmailAddress.objects.create(
            user=user, email=new_email, primary=False, verified=False
        )
        audit(AuditAction.EMAIL_CHANGE_REQUESTED, user, actor=user)
    send_verification_email_to_address(request, address)


PROFILE_TEXT_FIELDS = ("full_name", "phone")


def do_change_profile(user, *, actor, full_name=None, phone=None, profile=None) -> User:
    """The account's name, phone and KTP profile (`forms.ProfileFields.cleaned_data`, already
    checked, NIK included). The e-mail is changed by `do_change_email` only. The audit row names
    the fields changed, not their values."""
    changed: list[str] = []
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name, changed = full_name.strip(), [*changed, "full_name"]
    if phone is not None:
        phone = normalise_phone(phone)
        if phone and phone != user.phone:
            user.phone, changed = phone, [*changed, "phone"]
    for field, value in (profile or {}).items():
        if field == "nik":
            if value != user.nik:
                user.set_nik(value)
                changed.append("nik")
        elif getattr(user, field) != value:
            setattr(user, field, value)
            changed.append(field)
    if changed:
        with transaction.atomic():
            user.save()
            audit(AuditAction.PROFILE_CHANGED, user, actor=actor, fields=sorted(set(changed)))
            if user.profile_complete:
                # The reports that waited for it go to the dispatchers (issue 13).
                signals.profile_completed.send(sender=User, user=user)
    return user


# --- API tokens ---------------------------------------------------------------------------------


def do_issue_token(user, device_name: str):
    """A Bearer token for one device, after the token door's log-in (`login.check_for_token`).
    Returns (token, raw); the raw token is shown once."""
    with transaction.atomic():
        token, raw = _api_token_model().issue(user, device_name)
        audit(AuditAction.TOKEN_ISSUED, user, actor=user, device=device_name, hint=token.hint)
    return token, raw


def do_revoke_tokens(user, *, actor, token_id: int | None = None, reason: str = "owner") -> int:
    """Revoke one of the account's live tokens (`token_id`) or all of them; returns how many."""
    with transaction.atomic():
        return _revoke(user, actor=actor, token_id=token_id, reason=reason)


def revoke_tokens(user, *, actor=None, reason: str) -> int:
    """End every device token of `user` (audited with `reason` when there was one)."""
    return _revoke(user, actor=actor, reason=reason)


def _revoke(user, *, actor=None, token_id=None, reason: str) -> int:
    live = _api_token_model().objects.filter(user=user, revoked_at__isnull=True)
    if token_id is not None:
        live = live.filter(pk=token_id)
    count = live.update(revoked_at=timezone.now())
    if count:
        audit(AuditAction.TOKENS_REVOKED, user, actor=actor, count=count, reason=reason)
    return count


# --- what a sysadmin changes --------------------------------------------------------------------


def check_role_and_agency(role: str, agency, sub_unit=None) -> None:
    """An officer works for exactly one active agency, and perhaps for one of its sub-units
    (issue 16); nobody else has either."""
    if sub_unit is not None and (
        role != Role.OFFICER or sub_unit.agency_id != getattr(agency, "pk", None)
    ):
        raise ValidationError(
            {"sub_unit": _("Sub-unit harus berada di bawah perangkat daerah petugas.")}
        )
    if role == Role.OFFICER and agency is None:
        raise ValidationError(
            {"agency": _("Petugas perangkat daerah wajib memiliki perangkat daerah.")}
        )
    if role != Role.OFFICER and agency is not None:
        raise ValidationError(
            {"agency": _("Hanya petugas perangkat daerah yang memiliki perangkat daerah.")}
        )


def do_set_role(user, role: str, *, actor, agency=None, sub_unit=None) -> User:
    """Give an account a role (and the agency an officer works for, and the sub-unit of it if
    any). The change is audited by `audit_hooks` (with `actor`), as every change of role, agency
    or sub-unit is, whoever saves it."""
    check_role_and_agency(role, agency, sub_unit)
    if agency is not None and not agency.is_active and agency.pk != user.agency_id:
        raise ValidationError({"agency": _("Perangkat daerah ini tidak aktif.")})
    with transaction.atomic():
        user.role, user.agency, user.sub_unit = role, agency, sub_unit
        save_audited(user, actor=actor)
    return user


def do_set_agency(user, agency, *, actor) -> User:
    return do_set_role(user, user.role, actor=actor, agency=agency)


def do_set_active(user, active: bool, *, actor) -> User:
    """Deactivate (or reactivate) an account; a deactivated account also loses its tokens
    (`audit_hooks`, whoever saves it)."""
    with transaction.atomic():
        user.is_active = active
        save_audited(user, actor=actor)
    return user


def do_reset_mfa(user, *, actor) -> int:
    """Remove the account's second factor (a staff member who lost the phone sets up a new one at
    the next log-in). Each removed authenticator is audited by `audit_hooks` with `actor`."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        authenticators = list(Authenticator.objects.filter(user=user))
        for authenticator in authenticators:
            authenticator._aduan_actor = actor
            authenticator.delete()
    return len(authenticators)


def save_audited(user, *, actor, **kwargs) -> None:
    """Save through the audit hooks with a known actor (the admin's request user, an action's
    caller); without one the hooks take the request's user, else "the system"."""
    user._aduan_actor = actor
    try:
        user.save(**kwargs)
    finally:
        del user._aduan_actor

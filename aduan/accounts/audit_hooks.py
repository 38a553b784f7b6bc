"""What a sysadmin could otherwise change quietly: an account's role, agency, admin rights,
activity, second factor and verified phone. Model signals audit every such change whoever saves it
(the actions, the Django admin's forms and lists, allauth's own pages, a shell), so that the
supervisors' audit page shows, for instance, a sysadmin giving itself a role that reads reports or
removing a staff member's authenticator (issue 11 §3).

The actor is the one an action named (`actions.save_audited`), else the user of the request being
answered (allauth's request context), else the system. Connected in `AccountsConfig.ready`.
"""

import contextlib
import contextvars

from allauth.core import context
from django.db.models.signals import post_delete, post_save, pre_save

from .actions import AuditAction, audit, revoke_after_password_change, revoke_tokens
from .phone import mask_phone

# Set while an erasure (`personal_data.do_execute_erasure`) removes an account's addresses, phones
# and authenticators: it writes one audit row that counts them, instead of one row per removal
# that would name the account and its masked addresses again.
_within_erasure = contextvars.ContextVar("aduan_within_erasure", default=False)


@contextlib.contextmanager
def within_erasure():
    token = _within_erasure.set(True)
    try:
        yield
    finally:
        _within_erasure.reset(token)


# field -> audit action; values compared before and after every save of a user.
WATCHED = {
    "role": AuditAction.ROLE_CHANGED,
    "agency_id": AuditAction.AGENCY_CHANGED,
    "sub_unit_id": AuditAction.AGENCY_CHANGED,
    "is_representative": AuditAction.REPRESENTATIVE_CHANGED,
    "is_staff": AuditAction.ADMIN_RIGHTS_CHANGED,
    "is_superuser": AuditAction.ADMIN_RIGHTS_CHANGED,
    "is_active": AuditAction.ACTIVE_CHANGED,
    # The address a password reset goes to: changed by its owner (confirmed link, allauth's
    # CHANGE_EMAIL flow) or by a sysadmin in the admin; shown masked.
    "email": AuditAction.EMAIL_CHANGED,
}


def _actor(instance):
    actor = getattr(instance, "_aduan_actor", None)
    if actor is not None:
        return actor
    request = context.request
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def _watched_fields(update_fields) -> list[str]:
    if update_fields is None:
        return list(WATCHED)
    names = {f"{name}_id" if name in ("agency", "sub_unit") else name for name in update_fields}
    return [field for field in WATCHED if field in names]


def remember_user_before(sender, instance, update_fields=None, raw=False, **kwargs):
    # A password set outside `do_change_password` (the admin's password form, a shell): Django
    # keeps the raw password in `_password` until the save (a re-hash at log-in does not).
    instance._aduan_password_set = bool(
        not raw
        and instance.pk is not None
        and getattr(instance, "_password", None) is not None
        and not getattr(instance, "_aduan_password_action", False)
    )
    fields = _watched_fields(update_fields)
    instance._aduan_before = None
    if raw or instance.pk is None or not fields:
        return
    instance._aduan_before = (
        sender.objects.filter(pk=instance.pk).values(*WATCHED).first()  # one query, by key
    )


def audit_user_changes(sender, instance, created, raw=False, **kwargs):
    if raw or _within_erasure.get():
        return
    if getattr(instance, "_aduan_password_set", False):
        instance._aduan_password_set = False
        revoke_after_password_change(instance, actor=_actor(instance), reason="outside")
    before = getattr(instance, "_aduan_before", None)
    if created:
        # Accounts made with a role other than citizen, or with admin rights (the admin, the
        # `aduan` commands); citizens' own registrations are audited by `do_register`.
        if instance.role != "citizen" or instance.is_staff or instance.is_superuser:
            audit(
                AuditAction.ROLE_CHANGED,
                instance,
                actor=_actor(instance),
                field="role",
                before=None,
                after=instance.role,
                agency=instance.agency.code if instance.agency_id else None,
                is_staff=instance.is_staff,
                is_superuser=instance.is_superuser,
            )
        return
    if before is None:
        return
    actor = _actor(instance)
    # Device tokens (the API, the app) end with what they were granted under, whoever saves the
    # account (an action, the admin's list or form, a shell): a deactivated account's, which a
    # reactivation must not bring back, and those of an account whose role changed (a citizen's
    # token, got without a second factor, must not become a staff member's).
    if before["is_active"] and not instance.is_active:
        revoke_tokens(instance, actor=actor, reason="deactivated")
    if before["role"] != instance.role:
        revoke_tokens(instance, actor=actor, reason="role_changed")
    for field, action in WATCHED.items():
        old, new = before[field], getattr(instance, field)
        if old != new:
            name = field.removesuffix("_id")
            if field == "email":
                old, new = _masked(old), _masked(new)
            if field == "agency_id":
                from aduan.directory.models import Agency

                codes = dict(Agency.objects.filter(pk__in=[old, new]).values_list("pk", "code"))
                old, new = codes.get(old), codes.get(new)
            audit(action, instance, actor=actor, field=name, before=old, after=new)
    instance._aduan_before = None


def audit_authenticator_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        audit(
            AuditAction.MFA_ADDED,
            instance.user,
            actor=_actor(instance),
            type=instance.type,
        )


def audit_authenticator_removed(sender, instance, **kwargs):
    if _within_erasure.get():
        return
    actor = _actor(instance)
    audit(AuditAction.MFA_REMOVED, instance.user, actor=actor, type=instance.type)
    # A second factor removed (a lost phone, `do_reset_mfa`, allauth's admin or own page): the
    # tokens proven with it end too, or the lost phone's token works again once a new
    # authenticator is set up.
    revoke_tokens(instance.user, actor=actor, reason="mfa_removed")


def remember_phone_before(sender, instance, raw=False, **kwargs):
    instance._aduan_before = None
    if not raw and instance.pk is not None:
        instance._aduan_before = sender.objects.filter(pk=instance.pk).values("user_id").first()


def audit_phone_verified(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_aduan_before", None)
    if before is not None and before["user_id"] != instance.user_id:
        from .models import User

        previous = User.objects.filter(pk=before["user_id"]).first()
        if previous is not None:
            audit(
                AuditAction.PHONE_UNVERIFIED,
                previous,
                actor=_actor(instance),
                phone=mask_phone(instance.phone),
                reason="verified_by_another_account",
            )
    if created or (before is not None and before["user_id"] != instance.user_id):
        audit(
            AuditAction.PHONE_VERIFIED,
            instance.user,
            actor=_actor(instance),
            phone=mask_phone(instance.phone),
        )


def audit_phone_removed(sender, instance, **kwargs):
    if _within_erasure.get():
        return
    audit(
        AuditAction.PHONE_UNVERIFIED,
        instance.user,
        actor=_actor(instance),
        phone=mask_phone(instance.phone),
    )


def _by_someone_else(instance):
    """The actor changing an account's e-mail address, when it is not the account itself. The
    owner's own steps (sign-up, the confirmation link, allauth's change of address) are audited
    by the account actions; an address that someone else adds, verifies, makes primary or removes
    could receive the password reset of the account, so it is on the record."""
    actor = _actor(instance)
    return actor if actor is not None and actor.pk != instance.user_id else None


def remember_email_address_before(sender, instance, raw=False, **kwargs):
    instance._aduan_before = None
    if not raw and instance.pk is not None:
        instance._aduan_before = (
            sender.objects.filter(pk=instance.pk)
            .values("user_id", "email", "verified", "primary")
            .first()
        )


def audit_email_address_saved(sender, instance, created, raw=False, **kwargs):
    actor = None if raw else _by_someone_else(instance)
    if actor is None:
        return
    before = getattr(instance, "_aduan_before", None) or {}
    after = {
        "user_id": instance.user_id,
        "email": instance.email,
        "verified": instance.verified,
        "primary": instance.primary,
    }
    changed = sorted(k for k, v in after.items() if before.get(k) != v)
    if not created and not changed:
        return
    audit(
        AuditAction.EMAIL_ADDRESS_CHANGED,
        instance.user,
        actor=actor,
        email=_masked(instance.email),
        verified=instance.verified,
        primary=instance.primary,
        changed=["added"] if created else changed,
    )


def audit_email_address_removed(sender, instance, **kwargs):
    if _within_erasure.get():
        return
    actor = _by_someone_else(instance)
    if actor is not None:
        audit(
            AuditAction.EMAIL_ADDRESS_REMOVED,
            instance.user,
            actor=actor,
            email=_masked(instance.email),
        )


def _masked(email: str) -> str:
    name, _at, domain = (email or "").partition("@")
    return f"{name[:1]}•••@{domain}" if domain else ""


def connect() -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from .models import User

    pre_save.connect(remember_user_before, sender=User, dispatch_uid="aduan.audit.user.pre")
    post_save.connect(audit_user_changes, sender=User, dispatch_uid="aduan.audit.user.post")
    post_save.connect(
        audit_authenticator_added, sender=Authenticator, dispatch_uid="aduan.audit.mfa.add"
    )
    post_delete.connect(
        audit_authenticator_removed, sender=Authenticator, dispatch_uid="aduan.audit.mfa.del"
    )
    pre_save.connect(
        remember_email_address_before, sender=EmailAddress, dispatch_uid="aduan.audit.email.pre"
    )
    post_save.connect(
        audit_email_address_saved, sender=EmailAddress, dispatch_uid="aduan.audit.email.post"
    )
    post_delete.connect(
        audit_email_address_removed, sender=EmailAddress, dispatch_uid="aduan.audit.email.del"
    )
    # The SMS app's model, named lazily: the accounts app sits below it in the layers.
    pre_save.connect(
        remember_phone_before, sender="sms.VerifiedPhone", dispatch_uid="aduan.audit.phone.pre"
    )
    post_save.connect(
        audit_phone_verified, sender="sms.VerifiedPhone", dispatch_uid="aduan.audit.phone.post"
    )
    post_delete.connect(
        audit_phone_removed, sender="sms.VerifiedPhone", dispatch_uid="aduan.audit.phone.del"
    )

"""Personal data rights (UU 27/2022): a citizen downloads everything held about them, and asks for
its erasure.

Where the data lives is spread over the apps (the reports, the outbox, the digests, the verified
phones, the chats), and the accounts app sits below them in the layers: each app registers its
part here when it starts (`register`, called from its `AppConfig.ready`), as the channels
register their transports with the outbox. A part says what it holds about an account
(`collect`, JSON-able; `files`, the account's own files), which other identifiers it knows the
person by (`identifiers`: verified phone numbers) and how to remove the person from its rows
(`erase`). The account's own fields, addresses, social log-ins, second factor and API tokens are
this module's.

Download (`do_export`): one ZIP with `data-pribadi.json`, a `BACA-SAYA.txt` that explains it and
the files the person sent; audited (who, when; never what).

Erasure is a request (`do_request_erasure`) that a sysadmin executes or refuses
(`manage.py erasure_requests`); the citizen may withdraw it while it waits. Execution
(`do_execute_erasure`) is one transaction that:
1. reads every identifier of the person (addresses, phones) before anything is blanked;
2. lets each part remove the person from its rows (reports keep their text, status and place and
   still count in every figure; they lose the reporter's name, phone, e-mail and NIK);
3. pseudonymises the account (user name `terhapus-<id>`, every identity field blank, no usable
   password, inactive), deletes its e-mail addresses, social log-ins, authenticators and
   sessions, revokes its API tokens;
4. writes one audit row (by the sysadmin, naming the account by its id and pseudonym only).

The audit chain is never changed: its rows hash the user name the person had when they acted
(`actor_name`, `detail.account`), so blanking it would break the chain's proof that no row was
altered, which is what an auditor relies on. What the chain keeps is a user name (a handle the
person chose), actions and times, never a NIK, a name from the KTP, a phone or an address in the
clear (addresses and phones appear masked). Keeping it is the retention the complaint-handling
rules require (Perpres 76/2013, the SP4N records the Ombudsman and the Inspektorat inspect) and
that UU 27/2022 allows for a legal obligation and the public interest in running the state; the
README's privacy section says so to the citizen.
"""

import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit import trail
from aduan.audit.models import AuditEntry
from aduan.ops import ratelimit

from . import actions, audit_hooks
from .models import ErasureRequest, Role, User


class AuditAction:
    EXPORTED = "personal_data_exported"
    ERASURE_REQUESTED = "personal_data_erasure_requested"
    ERASURE_WITHDRAWN = "personal_data_erasure_withdrawn"
    ERASURE_REFUSED = "personal_data_erasure_refused"
    ERASED = "personal_data_erased"


PSEUDONYM_PREFIX = "terhapus-"


@dataclass
class Identity:
    """What the person is known by, read before erasure blanks it: parts find their rows by it
    (a digest subscription by address, a chat by phone number)."""

    user: User
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    # Who executes the erasure and under which request: parts that audit what they changed
    # (each report's own chain says its reporter was erased) name them.
    actor: User | None = None
    request_id: int | None = None


@dataclass(frozen=True)
class Part:
    name: str
    collect: Callable[[User], object] | None = None
    files: Callable[[User], Iterable[tuple[str, bytes]]] | None = None
    identifiers: Callable[[User], dict[str, set[str]]] | None = None
    erase: Callable[[Identity], dict[str, int]] | None = None


_parts: dict[str, Part] = {}


def register(name: str, **callbacks) -> None:
    """Called by each app's `ready()`; registering a name again replaces it (a reload)."""
    _parts[name] = Part(name, **callbacks)


def parts() -> list[Part]:
    return list(_parts.values())


def may_use(user) -> bool:
    """The rights are exercised by the citizen for their own account. Staff accounts are the
    regency's (their data is personnel data, handled by the BKPSDM), so their doors refuse."""
    return bool(user.is_authenticated and user.is_active and user.role == Role.CITIZEN)


def _api_token_model():
    return actions._api_token_model()


# --- download -----------------------------------------------------------------------------------


def identity_of(user: User) -> Identity:
    """Only what is proven to be the person's: the account's address and its verified addresses,
    the verified phone numbers (`sms`). A phone typed in the profile, or an address waiting for
    its confirmation, may be someone else's: rows found by them (a digest, a chat) would show
    that someone's data in the download, or erase it."""
    identity = Identity(user=user)
    if user.email:
        identity.emails.add(user.email.lower())
    identity.emails |= {
        e.lower()
        for e in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    for part in parts():
        if part.identifiers is not None:
            found = part.identifiers(user)
            identity.emails |= found.get("emails", set())
            identity.phones |= found.get("phones", set())
    return identity


def account_data(user: User) -> dict:
    """The account as the person gave it, with the NIK in full (it is theirs) and the log-in
    metadata (times, second-factor kinds: never a secret or a password hash)."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "username": user.username,
        "full_name": user.full_name,
        "nik": user.nik,
        "sex": user.sex,
        "birth_date": user.birth_date,
        "occupation": user.occupation,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
        "district": user.district.name if user.district else "",
        "village": user.village.name if user.village else "",
        "role": user.role,
        "is_representative": user.is_representative,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": e.email, "verified": e.verified, "primary": e.primary}
            for e in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "social_accounts": [
            {"provider": s.provider, "date_joined": s.date_joined, "last_login": s.last_login}
            for s in SocialAccount.objects.filter(user=user).order_by("id")
        ],
        "second_factor": [
            {"type": a.type, "created_at": a.created_at, "last_used_at": a.last_used_at}
            for a in Authenticator.objects.filter(user=user).order_by("id")
        ],
        "api_tokens": [
            {
                "device": t.device_name,
                "created_at": t.created_at,
                "last_used_at": t.last_used_at,
                "revoked_at": t.revoked_at,
            }
            for t in _api_token_model().objects.filter(user=user).order_by("id")
        ],
        "erasure_requests": [
            {"requested_at": r.requested_at, "state": r.state, "decided_at": r.decided_at}
            for r in user.erasure_requests.order_by("id")
        ],
    }


def audit_data(user: User) -> list[dict]:
    """The audit rows of the person's own acts and of changes to their account: action and time,
    the report's code; who else acted is said by role only (staff names are not the person's)."""
    rows = AuditEntry.objects.filter(actor=user) | AuditEntry.objects.filter(
        detail__account_id=user.pk
    )
    return [
        {
            "at": e.created_at,
            "action": e.action,
            "report": e.report_code,
            "by": "you" if e.actor_id == user.pk else ("system" if e.actor_id is None else "staff"),
        }
        for e in rows.order_by("created_at", "id")
    ]


def collect(user: User) -> dict:
    data = {
        "format": "aduan-personal-data/1",
        "controller": settings.SITE_NAME,
        "generated_at": timezone.now(),
        "account": account_data(user),
    }
    for part in parts():
        if part.collect is not None:
            data[part.name] = part.collect(user)
    data["audit_trail"] = audit_data(user)
    return data


README = """\
{title}

{generated}

data-pribadi.json
  {json}
lampiran/
  {files}

{retention}
"""


def build_zip(user: User) -> bytes:
    data = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "data-pribadi.json",
            json.dumps(data, ensure_ascii=False, indent=2, default=str, sort_keys=False),
        )
        for part in parts():
            if part.files is None:
                continue
            for name, content in part.files(user):
                archive.writestr(f"lampiran/{name}", content)
        archive.writestr(
            "BACA-SAYA.txt",
            README.format(
                title=_("Data pribadi Anda di %(site)s") % {"site": settings.SITE_NAME},
                generated=_("Dibuat %(when)s.")
                % {"when": timezone.localtime(data["generated_at"]).strftime("%Y-%m-%d %H:%M")},
                json=_(
                    "Semua data yang kami simpan tentang Anda: akun dan profil KTP, laporan Anda "
                    "(isi asli dan riwayat yang boleh Anda lihat), dukungan, langganan, "
                    "pilihan notifikasi, nomor telepon terverifikasi, dan catatan audit "
                    "tindakan Anda."
                ),
                files=_("Berkas yang Anda kirim bersama laporan Anda."),
                retention=_(
                    "Jika Anda meminta penghapusan, identitas Anda dihapus dari akun dan laporan. "
                    "Isi laporan tetap disimpan sebagai arsip pelayanan publik, dan jejak audit "
                    "tidak diubah agar tetap dapat diperiksa."
                ),
            ),
        )
    return buffer.getvalue()


EXPORTS_PER_HOUR = 5


def export_refusal(user: User) -> ratelimit.Refusal | None:
    """Counts one download of the account (the portal and the API share the counter): building
    the archive reads every report of the person, and a stolen session should not be able to
    pull it over and over."""
    return ratelimit.hit(
        ratelimit.Rule("personal_data_export", f"user:{user.pk}", EXPORTS_PER_HOUR, ratelimit.HOUR)
    )


def do_export(user: User) -> bytes:
    """The ZIP of everything held about `user`, for `user` only; the audit row says who and when
    (never what: the download itself is the person's)."""
    content = build_zip(user)
    actions.audit(AuditAction.EXPORTED, user, actor=user, bytes=len(content))
    return content


# --- erasure ------------------------------------------------------------------------------------


def pending_request(user: User) -> ErasureRequest | None:
    return user.erasure_requests.filter(state=ErasureRequest.State.PENDING).first()


def do_request_erasure(request, user: User, *, password: str) -> ErasureRequest:
    """The citizen asks, proving the password (a wrong one counts as a failed log-in). One
    pending request per account; asking again returns it."""
    if not may_use(user):
        raise ValidationError(_("Hanya warga yang dapat meminta penghapusan data akunnya."))
    actions.confirm_password(request, user, password)
    existing = pending_request(user)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            erasure = ErasureRequest.objects.create(user=user, requested_at=timezone.now())
            actions.audit(AuditAction.ERASURE_REQUESTED, user, actor=user, request_id=erasure.pk)
            _tell_sysadmins(erasure)
    except IntegrityError:  # the same request sent twice at once: the first one stands
        first = pending_request(user)
        assert first is not None
        return first
    return erasure


def _tell_sysadmins(erasure: ErasureRequest) -> None:
    """An in-app message to every active sysadmin, in the request's transaction: a request no one
    sees is a right not honoured. It names the request, not the person."""
    from aduan.notifications.models import Channel, Notification

    subject = _("Permintaan penghapusan data pribadi #%(id)s") % {"id": erasure.pk}
    body = _(
        "Seorang warga meminta penghapusan data pribadinya. Periksa dan laksanakan atau tolak "
        "dengan: manage.py erasure_requests --show %(id)s"
    ) % {"id": erasure.pk}
    Notification.objects.bulk_create(
        Notification(
            recipient=admin,
            channel=Channel.IN_APP,
            kind="erasure_requested",
            subject=subject,
            body=body,
            state=Notification.State.SENT,
            sent_at=erasure.requested_at,
        )
        for admin in User.objects.filter(role=Role.SYSADMIN, is_active=True)
    )


def do_withdraw_erasure(user: User) -> bool:
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update()
            .filter(user=user, state=ErasureRequest.State.PENDING)
            .first()
        )
        if erasure is None:
            return False
        erasure.state, erasure.decided_at = ErasureRequest.State.WITHDRAWN, timezone.now()
        erasure.save(update_fields=["state", "decided_at"])
        actions.audit(AuditAction.ERASURE_WITHDRAWN, user, actor=user, request_id=erasure.pk)
    return True


def _decidable(erasure_id: int) -> ErasureRequest:
    # Locked: a sysadmin executing while the citizen withdraws (or two sysadmins at once):
    # exactly one decision wins, the other finds it no longer pending.
    erasure = ErasureRequest.objects.select_for_update().select_related("user").get(pk=erasure_id)
    if erasure.state != ErasureRequest.State.PENDING:
        raise ValidationError(
            _("Permintaan ini sudah diputuskan (%(state)s).")
            % {"state": erasure.get_state_display()}
        )
    return erasure


def do_refuse_erasure(erasure_id: int, *, actor, note: str) -> ErasureRequest:
    """Refused with the legal reason (an investigation of the person's report that needs them
    reachable, a court order), which the citizen reads on their page."""
    if not (note or "").strip():
        raise ValidationError(_("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        erasure = _decidable(erasure_id)
        erasure.state, erasure.decided_at = ErasureRequest.State.REFUSED, timezone.now()
        erasure.decided_by, erasure.decision_note = actor, note.strip()
        erasure.save()
        actions.audit(AuditAction.ERASURE_REFUSED, erasure.user, actor=actor, request_id=erasure.pk)
    return erasure


def do_execute_erasure(erasure_id: int, *, actor) -> ErasureRequest:
    """Steps 1–4 of the module's docstring, in one transaction."""
    with transaction.atomic():
        erasure = _decidable(erasure_id)
        user = User.objects.select_for_update().get(pk=erasure.user_id)
        if user.role != Role.CITIZEN or user.is_staff or user.is_superuser:
            # Made a staff member since asking: their acts are the regency's record.
            raise ValidationError(
                _("Akun ini bukan lagi akun warga; tolak permintaannya dengan alasan.")
            )
        identity = identity_of(user)  # 1
        identity.actor, identity.request_id = actor, erasure.pk
        summary: dict[str, int] = {}
        with audit_hooks.within_erasure():
            for part in parts():  # 2
                if part.erase is not None:
                    summary.update({k: v for k, v in part.erase(identity).items() if v})
            summary.update({k: v for k, v in _erase_account(user).items() if v})  # 3
        erasure.state, erasure.decided_at = ErasureRequest.State.EXECUTED, timezone.now()
        erasure.decided_by, erasure.summary = actor, summary
        erasure.save()
        trail.record(  # 4: the account by id and pseudonym; the erased values appear nowhere
            AuditAction.ERASED,
            actor=actor,
            detail={
                "account_id": user.pk,
                "account": pseudonym(user),
                "request_id": erasure.pk,
                "removed": summary,
            },
        )
    return erasure


def pseudonym(user: User) -> str:
    return f"{PSEUDONYM_PREFIX}{user.pk}"


def is_erased(user: User) -> bool:
    return user.username == pseudonym(user) and not user.is_active


def show_pseudonyms(entries) -> None:
    """The audit rows of an erased account keep the user name it had (the chain hashes it); the
    pages that list them (the supervisors' audit page) show its pseudonym instead. Sets
    `actor_name` in memory only; the entries must come with their `actor` (select_related)."""
    for entry in entries:
        actor = entry.actor if entry.actor_id else None
        if actor is not None and is_erased(actor):
            entry.actor_name = actor.username


def _erase_account(user: User) -> dict[str, int]:
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    removed = {
        "email_addresses": _delete(EmailAddress.objects.filter(user=user)),
        "social_accounts": _delete(SocialAccount.objects.filter(user=user)),
        "authenticators": _delete(Authenticator.objects.filter(user=user)),
        "sessions": _end_sessions(user),
        "api_tokens": _api_token_model()
        .objects.filter(user=user, revoked_at__isnull=True)
        .update(revoked_at=timezone.now()),
    }
    # An update, not a save: the audit hooks would otherwise write rows naming the old address.
    User.objects.filter(pk=user.pk).update(
        username=pseudonym(user),
        first_name="",
        last_name="",
        full_name="",
        email="",
        phone="",
        nik_encrypted="",
        nik_hash=None,
        sex="",
        birth_date=None,
        occupation="",
        address="",
        district=None,
        village=None,
        is_representative=False,
        is_active=False,
        password=make_password(None),
    )
    user.refresh_from_db()
    return removed


def _delete(queryset) -> int:
    count, _per_model = queryset.delete()
    return count


def _end_sessions(user: User) -> int:
    """The database sessions that belong to the account. Every other session of it is dead anyway:
    Django checks each session against the password's hash, which is replaced, and the account is
    inactive."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended

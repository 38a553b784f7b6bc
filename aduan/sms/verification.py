"""Proving that a phone number is an account holder's: a six-digit code sent by SMS.

Called by the API (`/api/v1/me/phone/...`). Once proven, SMS from that number file reports for the
account (`commands.account_for`). A number belongs to one account: proving it moves it.
"""

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from aduan.accounts.phone import normalise_phone
from aduan.reports import errors

from .models import PhoneChallenge, VerifiedPhone
from .replies import queue_reply

CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def _hash(challenge_phone: str, code: str) -> str:
    return salted_hmac(
        "aduan.sms.challenge", f"{challenge_phone}:{code}", algorithm="sha256"
    ).hexdigest()


def start(user, raw_phone: str) -> PhoneChallenge:
    try:
        phone = normalise_phone(raw_phone)
    except ValidationError as error:
        raise errors.InvalidInput(error.messages[0], field="phone") from None
    if not phone:
        raise errors.InvalidInput(
            _("Nomor telepon tidak valid (contoh: +6281234567890)."), field="phone"
        )
    now = timezone.now()
    if PhoneChallenge.objects.filter(
        user=user, created_at__gt=now - dt.timedelta(minutes=1)
    ).exists():
        raise errors.InvalidState(
            _("Kode baru saja dikirim; tunggu satu menit sebelum meminta lagi.")
        )
    today = PhoneChallenge.objects.filter(created_at__gt=now - dt.timedelta(days=1))
    if (
        today.filter(phone=phone).count() >= settings.PHONE_CODES_PER_DAY
        or today.filter(user=user).count() >= settings.PHONE_CODES_PER_DAY
    ):
        # A day's codes for this number (whoever asked) or for this account: guessing a code
        # sent to somebody else's phone stays hopeless, and nobody is sent SMS without end.
        raise errors.InvalidState(_("Sudah terlalu banyak kode dikirim hari ini; coba lagi besok."))
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        challenge = PhoneChallenge.objects.create(
            user=user,
            phone=phone,
            code_hash=_hash(phone, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        queue_reply(
            phone,
            _(
                "Kode verifikasi Aduan Anda: %(code)s (berlaku 10 menit). "
                "Jangan berikan kepada siapa pun."
            )
            % {"code": code},
            secret=code,
        )
    return challenge


def confirm(user, code: str) -> VerifiedPhone:
    """Compare-and-swap on `attempts` so that parallel guesses cannot exceed the limit."""
    now = timezone.now()
    challenge = PhoneChallenge.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=now
    ).first()
    if challenge is None:
        raise errors.InvalidState(_("Tidak ada kode yang masih berlaku; minta kode baru."))
    counted = PhoneChallenge.objects.filter(
        pk=challenge.pk, attempts=challenge.attempts, attempts__lt=MAX_ATTEMPTS
    ).update(attempts=challenge.attempts + 1)
    if not counted:
        raise errors.InvalidState(_("Terlalu banyak percobaan; minta kode baru."))
    if not secrets.compare_digest(
        challenge.code_hash, _hash(challenge.phone, (code or "").strip())
    ):
        raise errors.InvalidInput(_("Kode verifikasi salah."), field="code")
    with transaction.atomic():
        PhoneChallenge.objects.filter(pk=challenge.pk).update(used_at=now)
        verified, _created = VerifiedPhone.objects.update_or_create(
            phone=challenge.phone, defaults={"user": user, "verified_at": now}
        )
    return verified

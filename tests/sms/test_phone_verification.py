import datetime as dt
import re

import pytest

from aduan.notifications import outbox
from aduan.notifications.models import Channel, Notification
from aduan.ops import sealing
from aduan.sms import commands
from aduan.sms.models import PhoneChallenge, VerifiedPhone
from tests.api.conftest import ApiClient, error_of

pytestmark = pytest.mark.django_db


def _sent_code() -> str:
    """The code as the delivery worker reads it: the row keeps it sealed (issue 11 §6)."""
    stored = Notification.objects.filter(channel=Channel.SMS).latest("id").body
    body = sealing.unseal_text(stored, outbox.SEALED_PURPOSE)
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_a_citizen_proves_a_number_and_sms_from_it_files_for_the_account(cast):
    citizen = ApiClient(cast.citizen)
    response = citizen.post("/me/phone/verification", {"phone": "0813-3910-0011"})
    assert response.status_code == 202 and response.json()["phone"] == "+6281339100011"
    assert _sent_code() not in PhoneChallenge.objects.get().code_hash
    confirmed = citizen.post("/me/phone/verification/confirm", {"code": _sent_code()})
    assert confirmed.status_code == 200
    assert commands.account_for("+6281339100011") == cast.citizen


def test_a_wrong_code_is_refused_and_guessing_stops_after_five_tries(cast):
    citizen = ApiClient(cast.citizen)
    citizen.post("/me/phone/verification", {"phone": "+6281339100011"})
    wrong = "000000" if _sent_code() != "000000" else "111111"
    for _ in range(5):
        assert error_of(citizen.post("/me/phone/verification/confirm", {"code": wrong}), 422)[
            "fields"
        ] == {"code": ["Kode verifikasi salah."]}
    error_of(citizen.post("/me/phone/verification/confirm", {"code": _sent_code()}), 409)
    assert not VerifiedPhone.objects.exists()


def test_nobody_confirms_without_a_code_sent_and_bad_numbers_are_422(cast):
    citizen = ApiClient(cast.citizen)
    error_of(citizen.post("/me/phone/verification/confirm", {"code": "123456"}), 409)
    error_of(citizen.post("/me/phone/verification", {"phone": "12345678"}), 422)
    error_of(ApiClient().post("/me/phone/verification", {"phone": "+6281339100011"}), 401)


def test_a_second_request_within_a_minute_is_refused(cast):
    citizen = ApiClient(cast.citizen)
    citizen.post("/me/phone/verification", {"phone": "+6281339100011"})
    error_of(citizen.post("/me/phone/verification", {"phone": "+6281339100011"}), 409)


def test_a_number_gets_five_codes_a_day_whoever_asks(cast, settings):
    """Guessing a code sent to somebody else's phone: five guesses a code, five codes a day to one
    number from any number of accounts, five a day for one account."""
    import time_machine
    from django.utils import timezone

    from aduan.accounts.models import User

    victim = "+6281339100077"
    start = timezone.now()
    for minute in range(5):
        thief = User.objects.create_user(f"pencuri{minute}", email=f"p{minute}@example.test")
        with time_machine.travel(start + dt.timedelta(minutes=2 * minute)):
            sent = ApiClient(thief).post("/me/phone/verification", {"phone": victim})
            assert sent.status_code == 202
    another = User.objects.create_user("pencuri9", email="p9@example.test")
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        refused = error_of(
            ApiClient(another).post("/me/phone/verification", {"phone": victim}), 409
        )
        assert "besok" in refused["message"]
        # Another number still gets its code.
        other = ApiClient(another).post("/me/phone/verification", {"phone": "+6281339100078"})
        assert other.status_code == 202
    with time_machine.travel(start + dt.timedelta(days=1, minutes=1)):
        assert (
            ApiClient(another).post("/me/phone/verification", {"phone": victim}).status_code == 202
        )
    sms_to_victim = [
        n for n in Notification.objects.filter(channel=Channel.SMS) if n.address == victim
    ]
    assert len(sms_to_victim) == 6


def test_an_account_gets_five_codes_a_day_whatever_the_number(cast):
    import time_machine
    from django.utils import timezone

    citizen = ApiClient(cast.citizen)
    start = timezone.now()
    for minute in range(5):
        with time_machine.travel(start + dt.timedelta(minutes=2 * minute)):
            phone = f"+62813391001{minute:02d}"
            assert citizen.post("/me/phone/verification", {"phone": phone}).status_code == 202
    with time_machine.travel(start + dt.timedelta(minutes=20)):
        error_of(citizen.post("/me/phone/verification", {"phone": "+6281339100199"}), 409)

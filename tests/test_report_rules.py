"""A report's rules live in the action (issue 11 §2, `aduan/reports/rules.py`): the same bad
input sent through the portal, the back-office intake, the API, Open311, SMS and WhatsApp (where
the channel has the field) is refused with the same Indonesian message, and nothing is stored."""

import datetime as dt
import html
import json

import pytest
from django.utils import timezone

from aduan.directory.models import Category, Region
from aduan.open311.demo import DEMO_KEY, seed_demo_application
from aduan.open311.models import ServiceRequest
from aduan.reports import rules
from aduan.reports.models import Report
from tests.api.conftest import ApiClient
from tests.conftest import intake_token
from tests.whatsapp.test_whatsapp_webhook import chat, graph  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

VILLAGE, DISTRICT = "52.04.08.1004", "52.04.08"  # Seketeng, Kecamatan Sumbawa
GOOD = {
    "incident_date": dt.date(2026, 3, 2),
    "district": DISTRICT,
    "village": VILLAGE,
    "latitude": "-8.4902",
    "longitude": "117.4204",
    "answers": {"status-jalan": "kabupaten"},
}


def _other_district() -> str:
    """Another kecamatan of the regency (the desa of the report is not in it)."""
    return (
        Region.objects.filter(level=Region.Level.DISTRICT, parent_id="52.04")
        .exclude(pk=DISTRICT)[0]
        .pk
    )


def _outside_district() -> str:
    return Region.objects.filter(level=Region.Level.DISTRICT).exclude(parent_id="52.04")[0].pk


# --- one sender per channel: the neutral input → the message the channel answered ------------


def portal(client, cast, bad):
    from tests.test_web_filing import _data, _form

    client.force_login(cast.citizen)
    data = {k: v for k, v in _data(_form(client)).items() if not k.startswith("q_")}
    data.update(
        incident_date=bad["incident_date"].isoformat(),
        district=bad["district"],
        village=bad["village"],
        latitude=bad["latitude"],
        longitude=bad["longitude"],
        **{f"q_{code}": value for code, value in bad["answers"].items()},
    )
    if bad.get("on_behalf"):
        client.force_login(cast.representative)
        data["form_token"] = _form(client)
        data.update({"wakil-on_behalf": "on", "wakil-resident_name": "Siti Aminah"})
        data.update({"wakil-resident_phone": "0813 3910 0022", "wakil-relationship": "Ketua RT"})
    response = client.post("/lapor/", data, follow=True)
    return html.unescape(response.content.decode())


def intake(client, cast, bad):
    client.force_login(cast.dispatcher)
    data = {
        "channel": "phone",
        "reporter_name": "Ibu Sumarni",
        "reporter_phone": "081234567890",
        "classification": "complaint",
        "category": Category.objects.get(code="infrastruktur-jalan").pk,
        "title": "Jalan berlubang",
        "description": "Jalan di depan SD Seketeng berlubang besar.",
        "incident_date": bad["incident_date"].isoformat(),
        "district": bad["district"],
        "village": bad["village"],
        **{f"q_{code}": value for code, value in bad["answers"].items()},
    }
    response = client.post("/kantor/pengaduan-baru/", {**data, "form_token": intake_token(client)})
    assert response.status_code == 422
    return html.unescape(response.content.decode())


def api(client, cast, bad):
    user = cast.representative if bad.get("on_behalf") else cast.citizen
    data = {
        "title": "Jalan berlubang",
        "description": "Jalan di depan SD Seketeng berlubang besar.",
        "category": "infrastruktur-jalan",
        "incident_date": bad["incident_date"].isoformat(),
        "district": bad["district"],
        "village": bad["village"],
        "latitude": bad["latitude"],
        "longitude": bad["longitude"],
        "extra_answers": json.dumps(bad["answers"]),
    }
    if bad.get("on_behalf"):
        data.update(resident_name="Siti Aminah", resident_phone="+6281339100022")
        data.update(relationship="Ketua RT")
    response = ApiClient(user).post_form("/reports", {k: v for k, v in data.items() if v})
    assert response.status_code in (409, 422), response.content
    return response.json()["error"]["message"]


def open311(client, cast, bad):
    seed_demo_application()
    data = {
        "api_key": DEMO_KEY,
        "service_code": "infrastruktur-jalan",
        "description": "Jalan di depan SD Seketeng berlubang besar.",
        "address_string": "Jalan Garuda",
        "lat": bad["latitude"],
        "long": bad["longitude"],
        "phone": "081234567890",
        **{f"attribute[{code}]": value for code, value in bad["answers"].items()},
    }
    response = client.post("/open311/v2/requests.json", {k: v for k, v in data.items() if v})
    assert response.status_code == 400, response.content
    assert not ServiceRequest.objects.exists()
    return response.json()[0]["description"]


CHANNELS = {"portal": portal, "intake": intake, "api": api, "open311": open311}

# (what is wrong, the change to a good report, the channels that have the field, the message)
CASES = [
    (
        "incident date in the future",
        {"incident_date": timezone.localdate() + dt.timedelta(days=30)},
        ("portal", "intake", "api"),
        "Tanggal kejadian tidak boleh di masa depan.",
    ),
    (
        "latitude without longitude",
        {"longitude": ""},
        ("portal", "api", "open311"),
        "Isi lintang dan bujur sekaligus, atau kosongkan keduanya.",
    ),
    (
        "a point outside the regency (Jakarta)",
        {"latitude": "-6.2", "longitude": "106.8"},
        ("portal", "api", "open311"),
        "Titik lokasi berada di luar wilayah kabupaten ini.",
    ),
    (
        "a desa outside the kecamatan",
        {"district": _other_district},
        ("portal", "intake", "api"),
        "Desa/kelurahan tidak berada di kecamatan yang dipilih.",
    ),
    (
        "a kecamatan of another regency",
        {"district": _outside_district, "village": ""},
        ("portal", "intake", "api"),
        "Kecamatan tidak berada di wilayah kabupaten ini.",
    ),
    (
        "a required question unanswered",
        {"answers": {}},
        ("portal", "intake", "api", "open311"),
        "Status jalan: wajib diisi.",
    ),
    (
        "an answer that is not one of the options",
        {"answers": {"status-jalan": "bulan"}},
        ("portal", "intake", "api", "open311"),
        "Status jalan: jawaban tidak valid.",
    ),
    (
        # The portal's form refuses it first, with the same bound (`CategoryQuestion.NUMBER_*`)
        # and Django's message: tests/test_report_rules.py::test_the_form_and_the_rule_agree...
        "a number answer of 5,001 digits (a 500 on save)",
        {"answers": {"status-jalan": "kabupaten", "luas-kerusakan": "1e5000"}},
        ("api", "open311"),
        "Perkiraan panjang kerusakan (meter): angka paling banyak 10 digit sebelum koma dan 2 "
        "digit sesudahnya.",
    ),
    (
        "an RT/RW filing for a resident without their consent",
        {"on_behalf": True},
        ("portal", "api"),
        "Persetujuan warga yang diwakili wajib dikonfirmasi.",
    ),
]
# A citizen without a complete KTP profile is no longer refused: the report waits for the
# profile (issue 13, tests/test_awaiting_profile.py).


@pytest.mark.parametrize(
    ("what", "change", "channel", "message"),
    [
        pytest.param(what, change, channel, message, id=f"{what} [{channel}]")
        for what, change, channels, message in CASES
        for channel in channels
    ],
)
def test_every_channel_refuses_the_same_input_with_the_same_message(
    client, cast, what, change, channel, message
):
    bad = {**GOOD, **{k: v() if callable(v) else v for k, v in change.items()}}
    answered = CHANNELS[channel](client, cast, bad)
    if channel in ("api", "open311", "sms"):
        assert answered == message  # the whole message, nothing else
    else:
        assert message in answered
    assert not Report.objects.exists()


def test_whatsapp_refuses_a_shared_location_outside_the_regency(cast, chat):  # noqa: F811 (pytest fixture)
    chat("text", {"body": "Jalan di depan SD Seketeng berlubang besar sejak kemarin."})
    reply = chat("location", {"latitude": -6.2, "longitude": 106.8, "name": "Monas"})
    assert "Titik lokasi berada di luar wilayah kabupaten ini." in reply
    assert not Report.objects.exists()


def test_the_good_report_is_filed_on_every_channel(client, cast):
    """The same input without its fault is accepted: the refusals above are the rule's."""
    from aduan.reports import actions

    report, _secret = actions.do_file_report(
        reporter=cast.citizen,
        title="Jalan berlubang",
        description="Jalan di depan SD Seketeng berlubang besar.",
        category=Category.objects.get(code="infrastruktur-jalan"),
        incident_date=GOOD["incident_date"],
        village=Region.objects.get(pk=VILLAGE),
        latitude=-8.4902,
        longitude=117.4204,
        extra_answers=GOOD["answers"],
    )
    assert report.district_id == DISTRICT  # the desa's kecamatan, given alone
    assert rules.clean_answers(report.category, {"status-jalan": "provinsi"}) == {
        "status-jalan": "provinsi"
    }


@pytest.mark.parametrize(
    ("answer", "accepted"),
    [
        ("1234567890.12", 1234567890.12),  # 12 digits, 2 after the point: the largest
        ("12.50", 12.5),
        ("1e3", 1000),
        (7, 7),
        (2.5, 2.5),
        ("12345678901", None),  # 11 digits before the point
        ("0.125", None),  # 3 after it
        ("1e5000", None),
        ("1e1000000", None),  # int() would take tens of seconds
        ("9" * 100_000, None),
        (1e300, None),
    ],
    ids=lambda value: str(value)[:20],
)
def test_the_form_and_the_rule_agree_on_a_number_answer(answer, accepted):
    """One bound (`CategoryQuestion.NUMBER_DIGITS`, `NUMBER_DECIMALS`) for the portal's field and
    the rule every channel's action applies; a number beyond it is refused on its digits and
    exponent, before any arithmetic."""
    import time

    from aduan.directory import question_fields
    from aduan.reports.errors import InvalidInput

    question = Category.objects.get(code="infrastruktur-jalan").questions.get(code="luas-kerusakan")
    field = question_fields._field(question)
    started = time.monotonic()
    try:
        cleaned = rules.clean_answers(
            question.category, {"status-jalan": "kabupaten", question.code: answer}
        )
    except InvalidInput as error:
        assert accepted is None, error
        assert error.field == "extra_answers.luas-kerusakan"
        assert "paling banyak 10 digit sebelum koma dan 2 digit sesudahnya" in error.message
    else:
        assert cleaned[question.code] == accepted
    assert time.monotonic() - started < 0.5
    assert (accepted is not None) == _valid(field, str(answer))


def _valid(field, text) -> bool:
    from django.core.exceptions import ValidationError

    try:
        field.clean(text)
    except ValidationError:
        return False
    return True


# --- the length of a report's text: one limit (`rules.DESCRIPTION_LENGTH`), never cut ---------


def _text(length: int) -> str:
    text = ("jalan berlubang besar di depan sekolah " * (length // 30 + 1))[: length - 1]
    return text + "."


def _too_long(length: int) -> str:
    return (
        f"Isi laporan terlalu panjang: {length} karakter, paling banyak "
        f"{rules.DESCRIPTION_LENGTH}. Persingkat isinya, lalu kirim lagi."
    )


def _open311_post(client, description):
    seed_demo_application()
    data = {
        "api_key": DEMO_KEY,
        "service_code": "infrastruktur-jalan",
        "description": description,
        "address_string": "Jalan Garuda",
        "phone": "081234567890",
        "attribute[status-jalan]": "kabupaten",
    }
    return client.post("/open311/v2/requests.json", data)


def test_a_text_over_the_limit_is_refused_with_the_same_message(client, cast, chat):  # noqa: F811
    from aduan.sms.commands import handle as sms

    over = rules.DESCRIPTION_LENGTH + 1
    response = _open311_post(client, _text(over))
    assert response.status_code == 400
    assert response.json()[0]["description"] == _too_long(over)
    assert _too_long(over) in sms("+6281300000055", "LAPOR " + _text(over))
    assert _too_long(over) in chat("text", {"body": "LAPOR " + _text(over)})
    assert not Report.objects.exists()


def test_a_text_within_the_limit_is_filed_whole_on_every_channel(client, cast, chat):  # noqa: F811
    """Open311 refused above 4,000 characters; SMS cut the text at 5,000 and WhatsApp a message
    at 4,000, without a word to the citizen."""
    from aduan.sms.commands import handle as sms

    assert _open311_post(client, _text(rules.DESCRIPTION_LENGTH)).status_code == 201
    assert len(Report.objects.get().description) == rules.DESCRIPTION_LENGTH
    Report.objects.all().delete()
    assert "Laporan diterima" in sms("+6281300000055", "LAPOR " + _text(6000))
    assert len(Report.objects.get().description) == 6000
    Report.objects.all().delete()
    assert "Laporan diterima" in chat("text", {"body": "LAPOR " + _text(4090)})
    assert len(Report.objects.get().description) == 4090


def test_the_guided_filing_refuses_the_message_that_would_pass_the_limit(cast, chat):  # noqa: F811
    """The citizen is told at once; the draft keeps what came before, whole."""
    from aduan.messaging.models import Conversation

    assert "Kapan" in chat("text", {"body": _text(8000)})
    reply = chat("text", {"body": _text(4000)})  # the time, as part of the story
    assert _too_long(8000 + 1 + 4000) in reply
    [conversation] = Conversation.objects.all()
    assert conversation.draft["text"] == [_text(8000)]


def test_a_resubmitted_text_over_the_limit_is_refused(cast):
    from aduan.reports import actions
    from aduan.reports.errors import InvalidInput
    from aduan.reports.models import Status
    from tests.conftest import report_in

    report = report_in(cast, Status.RETURNED)
    over = rules.DESCRIPTION_LENGTH + 1
    with pytest.raises(InvalidInput) as refused:
        actions.do_resubmit(report, actor=cast.citizen, changes={"description": _text(over)})
    assert (refused.value.field, refused.value.message) == ("description", _too_long(over))
    report.refresh_from_db()
    assert report.status == Status.RETURNED


# --- the title, the address and the parties: one limit each (`rules.check_lengths`) ----------


def test_every_channel_keeps_the_address_and_the_parties_within_their_limits(cast):
    """The action refuses them, every one at once (the portal's form, the intake and the API had
    the limits; the action had none, so a door without them stored what PostgreSQL refuses)."""
    from aduan.reports.errors import InvalidInput
    from tests.conftest import file_report

    with pytest.raises(InvalidInput) as refused:
        file_report(
            cast,
            address="Jalan Garuda " * 30,
            parties_involved="Dinas PUPR " * 200,
        )
    assert set(refused.value.problems) == {"address", "parties_involved"}
    assert refused.value.problems["address"] == (
        f"Alamat terlalu panjang: {len(('Jalan Garuda ' * 30).strip())} karakter, paling "
        f"banyak {rules.ADDRESS_LENGTH}."
    )
    assert not Report.objects.exists()


def test_the_guided_filing_refuses_an_address_that_would_pass_the_limit(cast, chat):  # noqa: F811
    """WhatsApp cut the place at 255 characters without a word; now the citizen is told, and the
    draft keeps what came before."""
    from aduan.messaging.models import Conversation

    chat("text", {"body": _text(300)})
    conversation = Conversation.objects.get()
    conversation.step, conversation.draft["address"] = "filing:where", "Jalan Garuda"
    conversation.save()
    reply = chat("text", {"body": "dekat pasar " * 30})
    assert "Alamat terlalu panjang" in reply
    conversation.refresh_from_db()
    assert conversation.draft["address"] == "Jalan Garuda"

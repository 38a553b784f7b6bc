import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings

from aduan.reports import actions

pytestmark = pytest.mark.django_db


def _filed(cast, **kw):
    report, secret = actions.do_file_report(
        reporter=cast.citizen,
        title="Air PDAM mati",
        description="Sudah tiga hari air tidak mengalir.",
        **kw,
    )
    return report, secret


def test_it_tracks_with_code_and_secret_without_an_account(client, cast):
    report, secret = _filed(cast, confidential=True)
    actions.do_return(report, actor=cast.dispatcher, text="Sebutkan alamatnya.")
    response = client.post("/lacak/", {"code": report.code.lower(), "secret": secret.lower()})
    body = response.content.decode()
    assert (
        response.status_code == 200 and "Perlu Dilengkapi" in body and "Sebutkan alamatnya." in body
    )


def test_a_wrong_secret_and_an_unknown_code_get_the_same_answer(client, cast):
    report, _secret = _filed(cast)
    wrong = client.post("/lacak/", {"code": report.code, "secret": "AAAAAAAA"})
    unknown = client.post("/lacak/", {"code": "SBW-ZZZZZZ", "secret": "AAAAAAAA"})
    assert wrong.status_code == unknown.status_code == 404
    assert "tidak cocok" in wrong.content.decode()
    assert "Air PDAM mati" not in wrong.content.decode()


def test_tracking_never_shows_internal_notes(client, cast):
    report, secret = _filed(cast)
    actions.do_dispatcher_note(report, actor=cast.dispatcher, text="catatan-internal-42")
    body = client.post("/lacak/", {"code": report.code, "secret": secret}).content.decode()
    assert "catatan-internal-42" not in body


@pytest.mark.django_db
def test_guessing_a_secret_is_refused_after_the_limit_per_code_and_per_address(client, cast):
    """Every try counts: past the limit the form answers 429 with Retry-After, even with the right
    secret, until the hour ends; the limit per code holds across addresses."""
    cache.clear()
    report, secret = actions.do_file_report(
        reporter=cast.citizen,
        title="Lampu jalan padam",
        description="Gelap sejak dua minggu di Jalan Garuda.",
    )
    morning = dt.datetime(2026, 11, 30, 10, 15, tzinfo=dt.UTC)
    with (
        time_machine.travel(morning, tick=False),
        override_settings(TRACK_RATE_LIMIT_PER_IP_PER_HOUR=3, TRACK_RATE_LIMIT_PER_CODE_PER_HOUR=5),
    ):
        for _ in range(3):
            assert (
                client.post("/lacak/", {"code": report.code, "secret": "AAAAAAAA"}).status_code
                == 404
            )
        refused = client.post("/lacak/", {"code": report.code, "secret": secret})
        assert refused.status_code == 429 and int(refused["Retry-After"]) == 45 * 60
        body = refused.content.decode()
        assert "Terlalu banyak percobaan" in body and "45 menit" in body
        assert report.code in body  # what was typed stays in the form

        # Other addresses: two more tries of this code, then the code itself is refused everywhere.
        for address in ("10.0.0.2", "10.0.0.3"):
            assert (
                client.post(
                    "/lacak/", {"code": report.code, "secret": "BBBBBBBB"}, REMOTE_ADDR=address
                ).status_code
                == 404
            )
        assert (
            client.post(
                "/lacak/", {"code": report.code, "secret": secret}, REMOTE_ADDR="10.0.0.4"
            ).status_code
            == 429
        )

    with (
        time_machine.travel(morning + dt.timedelta(hours=1), tick=False),
        override_settings(TRACK_RATE_LIMIT_PER_IP_PER_HOUR=3, TRACK_RATE_LIMIT_PER_CODE_PER_HOUR=5),
    ):
        found = client.post("/lacak/", {"code": report.code, "secret": secret})
        assert found.status_code == 200 and "Lampu jalan padam" in found.content.decode()
    cache.clear()

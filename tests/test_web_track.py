import pytest

from aduan.reports import actions
from aduan.reports.models import Status
from tests.conftest import file_report

pytestmark = pytest.mark.django_db


def _filed(cast, **kw):
    report, secret = actions.do_file_report(reporter=cast.citizen, title="Air PDAM mati",
                                            description="Sudah tiga hari air tidak mengalir.", **kw)
    return report, secret


def test_it_tracks_with_code_and_secret_without_an_account(client, cast):
    report, secret = _filed(cast, confidential=True)
    actions.do_return(report, actor=cast.dispatcher, text="Sebutkan alamatnya.")
    response = client.post("/lacak/", {"code": report.code.lower(), "secret": secret.lower()})
    body = response.content.decode()
    assert response.status_code == 200 and "Perlu Dilengkapi" in body and "Sebutkan alamatnya." in body


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

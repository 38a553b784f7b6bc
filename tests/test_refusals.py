"""A request refused before its view is answered in its door's own document
(aduan/core/refusals.py): a NUL in an address or its parameters (aduan/ops/nul.py) at every door,
and an oversized body.

On PostgreSQL, which cannot compare text with a NUL in it, the portal's and the back office's
addresses below answered 500 before NUL was refused for the whole site; the API and Open311 had
refused it, each with its own check."""

import pytest
import xmltodict
from django.test import Client

from tests.conftest import file_report

pytestmark = pytest.mark.django_db

NUL_MESSAGE = "Alamat atau parameter berisi karakter NUL."

PAGES = [
    "/laporan/%00/",
    "/laporan/SBW-AB%00C/",
    "/laporan/SBW-AB%00C/lampiran/1/",
    "/laporan/umpan.atom?desa=%00",
    "/wilayah/desa/?district=%00",
    "/laporan/?q=%00",
    "/kantor/laporan/SBW-A%00B/",
    "/kantor/?q=%00&halaman=%00",
]


@pytest.fixture
def dispatcher_client(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.dispatcher)
    file_report(cast)
    return client


@pytest.mark.parametrize("path", PAGES)
def test_a_nul_in_a_pages_address_is_a_400_page_never_a_500(dispatcher_client, path):
    response = dispatcher_client.get(path)
    assert response.status_code == 400, (path, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    assert NUL_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/api/v1/reports?q=%00"),
        ("get", "/api/v1/reports/SBW-A%00B"),
        ("post", "/api/v1/reports/SBW-A%00B/support"),
        ("post", "/sms/webhook?x=%00"),
        ("post", "/whatsapp/webhook?x=%00"),
    ],
)
def test_a_nul_at_a_json_door_is_its_json_error(dispatcher_client, method, path):
    response = getattr(dispatcher_client, method)(path)
    assert response.status_code == 400, (path, response.content[:300])
    assert response.json() == {
        "error": {"code": "bad_request", "message": NUL_MESSAGE, "fields": {}}
    }


def test_a_nul_at_open311_is_its_error_document_in_the_format_asked_for(db):
    client = Client(raise_request_exception=False)
    answer = client.get("/open311/v2/requests.json?service_request_id=%00")
    assert answer.status_code == 400
    assert answer.json() == [{"code": 400, "description": NUL_MESSAGE}]
    answer = client.get("/open311/v2/requests/SBW-A%00B.xml")
    assert answer.status_code == 400 and answer["Content-Type"].startswith("text/xml")
    error = xmltodict.parse(answer.content)["errors"]["error"]
    assert error == {"code": "400", "description": NUL_MESSAGE}


def test_an_oversized_body_at_open311_is_its_error_document(db, settings):
    settings.REQUEST_MAX_TEXT_BYTES = 1024
    answer = Client().post("/open311/v2/requests.xml", {"description": "x" * 4000})
    assert answer.status_code == 413 and answer["Content-Type"].startswith("text/xml")
    assert "terlalu besar" in xmltodict.parse(answer.content)["errors"]["error"]["description"]


def test_a_page_refused_for_its_size_is_the_portals_page_in_the_chosen_language(client, settings):
    settings.REQUEST_MAX_TEXT_BYTES = 1024
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.post("/lapor/periksa/", {"description": "x" * 4000})
    assert answer.status_code == 413 and answer["Content-Type"].startswith("text/html")
    page = answer.content.decode()
    assert '<html lang="en">' in page and "Submission too large" in page, page[:500]


def test_a_cookie_with_a_nul_is_set_aside_and_the_page_still_answers(client, settings):
    """A forged session key with a NUL in it failed the session look-up on PostgreSQL (500)."""
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefghij\x00klmnopqrstuvwxyz012345"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.cookies["csrftoken"] = "a\x00" * 16
    assert client.get("/").status_code == 200
    answer = client.get("/laporan/%00/")
    assert answer.status_code == 400 and '<html lang="en">' in answer.content.decode()
    # Signed out, as with no cookie: a page of one's own asks for the log-in.
    assert client.get("/laporan-saya/").status_code == 302


def test_a_nul_refusal_speaks_the_chosen_language(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    answer = client.get("/laporan/?q=%00")
    assert answer.status_code == 400 and "NUL" in answer.content.decode()
    assert NUL_MESSAGE not in answer.content.decode()


@pytest.mark.parametrize(
    "method,path,status,allow",
    [
        ("get", "/sms/webhook", 405, "POST"),
        ("delete", "/whatsapp/webhook", 405, "GET, POST"),
        ("post", "/sms/tidak-ada", 404, None),
        ("get", "/integrasi/tidak-ada/", 404, None),
        ("post", "/integrasi/peristiwa/", 403, None),  # CSRF runs before the view's methods
    ],
)
def test_the_webhooks_and_the_replay_refuse_in_json(db, method, path, status, allow):
    """Django's own answers (a view's bare 405, the 404, a failed CSRF check) under a machine door
    are its JSON error, from a client that sends no CSRF cookie, as a gateway does."""
    answer = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert answer.status_code == status, (path, answer.content[:200])
    assert answer.get("Allow") == allow
    assert answer.json()["error"]["message"], path


def test_the_portal_keeps_its_own_pages_for_those(client, cast):
    assert "<html" in client.get("/laporan/SBW-TIDAKADA/").content.decode()
    strict = Client(enforce_csrf_checks=True)
    stale = strict.post("/lacak/", {"kode": "SBW-X"})
    assert stale.status_code == 403 and "Formulir kedaluwarsa" in stale.content.decode()

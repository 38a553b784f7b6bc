import datetime as dt

import jsonschema
import pytest
import xmltodict
from django.test import Client
from django.utils import timezone
from georeport import GeoReport

from aduan.open311.demo import DEMO_KEY, seed_demo_application
from aduan.open311.models import Application, ServiceRequest
from aduan.reports import actions
from aduan.reports.models import Channel, Report, Status
from aduan.reports.visibility import visible_reports
from tests.api.conftest import ApiClient
from tests.conftest import file_report, report_in
from tests.open311 import schemas

BASE = "/open311/v2"


def _xml_has(item: dict, schema: dict) -> None:
    """XML carries strings only: check that every field the specification requires is there."""
    missing = set(schema["required"]) - set(item)
    assert not missing, missing


@pytest.fixture
def live_cast(live_server, cast):
    """Public, confidential and unverified reports, and the demo application, behind a live
    server."""
    public = report_in(
        cast, Status.IN_PROGRESS, anonymous=True, latitude="-8.490200", longitude="117.420400"
    )
    actions.do_add_note(
        public, actor=cast.officer_a, text="Tim sudah meninjau lokasi.", public=True
    )
    actions.do_add_note(
        public, actor=cast.officer_a, text="Catatan internal anggaran.", public=False
    )
    confidential = report_in(cast, Status.IN_PROGRESS, confidential=True, title="Rahasia")
    unverified = file_report(cast, title="Belum diverifikasi")
    seed_demo_application()
    return {
        "public": public,
        "confidential": confidential,
        "unverified": unverified,
        "url": live_server.url + BASE,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_services_definitions_requests_and_one_request(live_cast, fmt):
    client = GeoReport(live_cast["url"], output_format=fmt)
    services = client.get_service_list()
    road = next(s for s in services if s["service_code"] == "infrastruktur-jalan")
    assert road["group"] == "Infrastruktur"
    definition = client.get_service_definition("infrastruktur-jalan")
    requests_ = client.get_service_requests()
    one = client.get_service_request(live_cast["public"].code)
    if fmt == "json":
        jsonschema.validate(services, schemas.SERVICES)
        jsonschema.validate(definition, schemas.SERVICE_DEFINITION)
        jsonschema.validate(requests_, schemas.REQUESTS)
        jsonschema.validate([one], schemas.REQUESTS)
        attribute = definition["attributes"][0]
    else:
        for service in services:
            _xml_has(service, schemas.SERVICE)
        attribute = definition["attributes"]["attribute"][0]
        _xml_has(attribute, schemas.ATTRIBUTE)
        requests_ = requests_ if isinstance(requests_, list) else [requests_]
        for item in [*requests_, one]:
            _xml_has(item, schemas.REQUEST)
    assert (attribute["code"], attribute["datatype"]) == ("status-jalan", "singlevaluelist")
    codes = [r["service_request_id"] for r in requests_]
    assert codes == [live_cast["public"].code]  # neither the confidential nor the unverified one
    assert one["status"] == "open" and one["agency_responsible"] == live_cast["public"].agency.name
    assert one["status_notes"] == "Tim sudah meninjau lokasi."
    assert not one.get("lat") and not one.get("long")  # anonymous: no point on a public surface


def test_confidential_and_unverified_requests_are_404(live_cast, client):
    for report in (live_cast["confidential"], live_cast["unverified"]):
        response = client.get(f"{BASE}/requests/{report.code}.json")
        assert response.status_code == 404
        jsonschema.validate(response.json(), schemas.ERRORS)


def test_no_reporter_identity_and_no_internal_note_ever_appears(live_cast, client, cast):
    for url in (
        f"{BASE}/requests.json?extensions=true",
        f"{BASE}/requests.xml?extensions=true",
        f"{BASE}/requests/{live_cast['public'].code}.json?extensions=true",
    ):
        text = client.get(url).content.decode()
        for secret in ("Wayan", "warga-uji", "081339100011", "Catatan internal anggaran."):
            assert secret not in text, (url, secret)


def test_extensions_add_the_public_timeline_as_notes(live_cast, client):
    body = client.get(f"{BASE}/requests/{live_cast['public'].code}.json?extensions=true").json()
    jsonschema.validate(body, schemas.REQUESTS)
    summaries = [n["description"] for n in body[0]["notes"]]
    assert "Tim sudah meninjau lokasi." in summaries


def test_a_post_lands_in_the_dispatcher_queue(live_cast, client, cast):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": DEMO_KEY,
            "service_code": "infrastruktur-jalan",
            "lat": "-8.5",
            "long": "117.43",
            "address_string": "Jalan Garuda",
            "description": "Lubang besar di depan sekolah.",
            "attribute[status-jalan]": "kabupaten",
            "attribute[jenis-kerusakan][]": ["berlubang", "retak"],
            "first_name": "Ketut",
            "last_name": "Suastika",
            "email": "ketut@contoh.id",
            "media_url": "https://contoh.id/foto.jpg",
        },
    )
    assert response.status_code == 201, response.content
    jsonschema.validate(response.json(), schemas.POST_RESPONSE)
    code, token = response.json()[0]["service_request_id"], response.json()[0]["token"]
    report = visible_reports(cast.dispatcher).get(code=code)
    assert (report.status, report.channel) == (Status.SUBMITTED, Channel.OPEN311)
    queue = ApiClient(cast.dispatcher).get("/staff/queue", {"channel": "open311"}).json()["items"]
    assert [r["code"] for r in queue] == [code]
    assert report.extra_answers == {
        "status-jalan": "kabupaten",
        "jenis-kerusakan": ["berlubang", "retak"],
    }
    assert report.reporter_name == "Ketut Suastika" and not report.anonymous
    tokens = client.get(f"{BASE}/tokens/{token}.json").json()
    jsonschema.validate(tokens, schemas.TOKEN_RESPONSE)
    assert tokens[0]["service_request_id"] == code
    # The application that filed it may read it back before it is verified; nobody else may.
    assert client.get(f"{BASE}/requests/{code}.json").status_code == 404
    mine = client.get(f"{BASE}/requests/{code}.json", {"api_key": DEMO_KEY}).json()
    assert mine[0]["media_url"] == "https://contoh.id/foto.jpg"


def test_a_post_with_xml_answers_in_xml(live_cast, client):
    response = client.post(
        f"{BASE}/requests.xml",
        {
            "api_key": DEMO_KEY,
            "service_code": "kesehatan",
            "address_id": "52.04.08.1004",
            "description": "Obat hipertensi kosong.",
            "phone": "+6281200000009",
        },
    )
    assert response.status_code == 201
    parsed = xmltodict.parse(response.content)["service_requests"]["request"]
    report = Report.objects.get(code=parsed["service_request_id"])
    assert report.village_id == "52.04.08.1004" and report.district_id == "52.04.08"


def test_a_post_without_contact_is_filed_anonymously(live_cast, client):
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": DEMO_KEY,
            "service_code": "kesehatan",
            "lat": "-8.5",
            "long": "117.4",
            "description": "Antrean lama.",
        },
    )
    report = Report.objects.get(code=response.json()[0]["service_request_id"])
    assert report.anonymous


@pytest.mark.parametrize(
    "data, status, fragment",
    [
        ({"api_key": "salah"}, 403, "api_key"),
        ({}, 403, "api_key"),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "tidak-ada",
                "lat": "-8.49",
                "long": "117.42",
                "description": "x",
            },
            404,
            "",
        ),
        ({"api_key": DEMO_KEY, "service_code": "kesehatan", "description": "x"}, 400, "Lokasi"),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "kesehatan",
                "lat": "95",
                "long": "1",
                "description": "x",
            },
            400,
            "lat",
        ),
        (
            {"api_key": DEMO_KEY, "service_code": "kesehatan", "lat": "-8.49", "long": "117.42"},
            400,
            "description",
        ),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "infrastruktur-jalan",
                "lat": "-8.49",
                "long": "117.42",
                "description": "x",
            },
            400,
            "Status jalan",
        ),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "infrastruktur-jalan",
                "lat": "-8.49",
                "long": "117.42",
                "description": "x",
                "attribute[status-jalan]": "bulan",
            },
            400,
            "Status jalan",
        ),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "kesehatan",
                "address_id": "99",
                "description": "x",
            },
            400,
            "address_id",
        ),
        (
            {
                "api_key": DEMO_KEY,
                "service_code": "kesehatan",
                "lat": "-8.49",
                "long": "117.42",
                "description": "x",
                "email": "bukan",
            },
            400,
            "email",
        ),
    ],
)
def test_a_bad_post_gets_the_specifications_error(db, client, data, status, fragment):
    seed_demo_application()
    response = client.post(f"{BASE}/requests.json", data)
    assert response.status_code == status, response.content
    jsonschema.validate(response.json(), schemas.ERRORS)
    assert response.json()[0]["code"] == status and fragment in response.json()[0]["description"]
    assert not Report.objects.exists()
    xml = client.post(f"{BASE}/requests.xml", data)
    assert xmltodict.parse(xml.content)["errors"]["error"]["code"] == str(status)


def test_a_deactivated_application_is_refused(db, client):
    application = seed_demo_application()
    Application.objects.filter(pk=application.pk).update(is_active=False)
    response = client.post(
        f"{BASE}/requests.json", {"api_key": DEMO_KEY, "service_code": "kesehatan"}
    )
    assert response.status_code == 403


def test_the_key_is_stored_hashed(db):
    application = seed_demo_application()
    assert DEMO_KEY not in (application.key_hash, application.hint)


def test_list_filters_and_limits(db, client, cast):
    public = report_in(cast, Status.DISPOSITIONED)
    closed = report_in(cast, Status.CLOSED)

    def codes(**q):
        return [r["service_request_id"] for r in client.get(f"{BASE}/requests.json", q).json()]

    assert codes(status="open") == [public.code]
    assert codes(status="closed") == [closed.code]
    assert codes(service_code="kesehatan") == []
    assert codes(service_request_id=f"{public.code},{closed.code}") == [
        closed.code,
        public.code,
    ] or set(codes(service_request_id=f"{public.code},{closed.code}")) == {public.code, closed.code}
    old = (timezone.now() - dt.timedelta(days=200)).isoformat()
    assert (
        codes(start_date=old, end_date=(timezone.now() - dt.timedelta(days=150)).isoformat()) == []
    )
    assert len(codes(page_size="1")) == 1 and len(codes(page_size="1", page="2")) == 1
    for bad in (
        {"start_date": old, "end_date": timezone.now().isoformat()},
        {"start_date": "kemarin"},
        {"status": "pending"},
        {"page_size": "5000"},
        {"end_date": old, "start_date": timezone.now().isoformat()},
    ):
        response = client.get(f"{BASE}/requests.json", bad)
        assert response.status_code == 400, bad
        jsonschema.validate(response.json(), schemas.ERRORS)


def test_discovery_and_an_unknown_service(db, client):
    jsonschema.validate(client.get(f"{BASE}/discovery.json").json(), schemas.DISCOVERY)
    assert xmltodict.parse(client.get(f"{BASE}/discovery.xml").content)["discovery"]["endpoints"]
    response = client.get(f"{BASE}/services/tidak-ada.json")
    assert response.status_code == 404
    jsonschema.validate(response.json(), schemas.ERRORS)
    assert client.get(f"{BASE}/tokens/tidak-ada.xml").status_code == 404


def test_every_refusal_is_in_the_format_asked_for_never_the_portals_page(db):
    """A wrong method, an unknown address and a refused key: each in the error document of the
    format the client asked for (JSON where it named none), from a client that sends no CSRF
    cookie, as a machine does: there is no session here, so no CSRF refusal (HTML) either."""
    machine = Client(enforce_csrf_checks=True)
    for method, path, status, allow in (
        ("post", "/discovery.json", 405, "GET"),
        ("put", "/requests/X.xml", 405, "GET"),
        ("delete", "/requests.json", 405, "GET, POST"),
        ("post", "/tidak-ada", 404, None),
        ("get", "/tidak/ada.xml", 404, None),
        ("post", "/requests.xml", 403, None),  # no api_key
    ):
        response = getattr(machine, method)(BASE + path)
        assert response.status_code == status, (method, path, response.content[:200])
        assert response.get("Allow") == allow, (method, path)
        if path.endswith(".xml"):
            assert response["Content-Type"].startswith("text/xml"), (method, path)
            error = xmltodict.parse(response.content)["errors"]["error"]
            assert error["code"] == str(status), (method, path)
        else:
            jsonschema.validate(response.json(), schemas.ERRORS)
            assert response.json()[0]["code"] == status, (method, path)


def test_service_requests_are_linked_to_their_application(db, client):
    seed_demo_application()
    client.post(
        f"{BASE}/requests.json",
        {
            "api_key": DEMO_KEY,
            "service_code": "kesehatan",
            "lat": "-8.5",
            "long": "117.4",
            "description": "Antrean lama.",
            "phone": "0812 3456 7890",
        },
    )
    assert ServiceRequest.objects.get().application.name == "Aplikasi Demo Open311"


def test_nul_characters_are_a_400_not_a_server_error(db, client):
    seed_demo_application()
    assert client.get(f"{BASE}/requests.json?service_code=a%00b").status_code == 400
    assert client.get(f"{BASE}/services/a%00b.json").status_code == 400
    response = client.post(
        f"{BASE}/requests.json",
        {
            "api_key": DEMO_KEY,
            "service_code": "kesehatan",
            "lat": "1",
            "long": "1",
            "description": "a\x00b",
        },
    )
    assert response.status_code == 400
    jsonschema.validate(response.json(), schemas.ERRORS)


def test_xml_stays_well_formed_whatever_the_text(db, client, cast):
    report = report_in(
        cast, Status.DISPOSITIONED, description='Pipa <bocor> & air \x0b keruh "lagi"'
    )
    parsed = xmltodict.parse(client.get(f"{BASE}/requests/{report.code}.xml").content)
    assert (
        parsed["service_requests"]["request"]["description"] == 'Pipa <bocor> & air  keruh "lagi"'
    )


def test_a_list_shows_the_newest_public_text_as_status_notes_never_an_internal_one(
    db, client, cast, django_assert_max_num_queries
):
    report = report_in(cast, Status.IN_PROGRESS)
    actions.do_add_note(
        report, actor=cast.officer_a, text="Tim turun ke lokasi besok.", public=True
    )
    actions.do_add_note(report, actor=cast.officer_a, text="Anggaran belum cair.", public=False)
    silent = report_in(cast, Status.DISPOSITIONED, title="Belum ada catatan")
    with django_assert_max_num_queries(
        4
    ):  # the page of requests with their newest public text, at once
        rows = client.get("/open311/v2/requests.json").json()
    notes = {row["service_request_id"]: row["status_notes"] for row in rows}
    assert notes[report.code] == "Tim turun ke lokasi besok."
    assert notes[silent.code] == ""

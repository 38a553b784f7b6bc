"""Outbound Open311 against a fake GeoReport v2 server on 127.0.0.1 (issue 16): what is sent,
token answers, and every way the other server can fail (timeouts, HTTP errors, bad JSON), each
recorded on the request and tried again, never stopping the sweep. The story between two real
instances is tests/test_open311_outbound.py."""

import datetime as dt
import json
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

import pytest
from django.utils import timezone

from aduan.directory.models import Category
from aduan.federation import actions as federation
from aduan.federation import client
from aduan.federation.models import RemoteRequest, RemoteServer, ServiceMapping
from aduan.forwarding import actions as forwarding
from aduan.reports import errors
from aduan.reports.models import EventKind, Status
from aduan.reports.transitions import Action, available_actions
from tests.fake_http import serve

from .conftest import file_report

pytestmark = pytest.mark.django_db
KEY = "kunci-provinsi-" + "x" * 20


class FakeServer:
    """Answers each path with the next of its scripted answers (the last one repeats); every
    request received is kept."""

    def __init__(self):
        self.answers: dict[str, list] = {}
        self.received: list[tuple[str, str, dict]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                path, _sep, query = self.path.partition("?")
                fake.received.append((method, path, urllib.parse.parse_qs(body or query)))
                queue = fake.answers.get(path) or [(404, [{"code": 404, "description": "x"}])]
                status, payload = queue.pop(0) if len(queue) > 1 else queue[0]
                if status == "sleep":
                    time.sleep(payload)
                    status, payload = 200, []
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

            def log_message(self, *args):
                pass

        self.httpd = serve(Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/open311/v2/"

    def on(self, path: str, *answers):
        self.answers["/open311/v2/" + path] = list(answers)


@pytest.fixture
def fake():
    server = FakeServer()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


@pytest.fixture
def province(fake):
    server = RemoteServer(name="Pemprov NTB", base_url=fake.url, jurisdiction_id="ntb.go.id")
    server.set_api_key(KEY)
    server.save()
    road = Category.objects.get(code="infrastruktur-jalan")
    ServiceMapping.objects.create(server=server, category=road, service_code="jalan-provinsi")
    return server


def forwarded(cast, province, **kwargs):
    report = file_report(cast, **kwargs)
    request = federation.do_forward(report, province, actor=cast.dispatcher)
    report.refresh_from_db()
    return report, request


def sweep_and_reload(request, report=None):
    result = federation.sweep()
    request.refresh_from_db()
    if report is not None:
        report.refresh_from_db()
    return result


def due_now(request):
    RemoteRequest.objects.filter(pk=request.pk).update(next_attempt_at=timezone.now())


def test_it_sends_the_public_text_and_the_desa_never_the_reporter(cast, province, fake):
    fake.on("requests.json", (201, [{"service_request_id": "NTB-1", "token": "t-1"}]))
    report, request = forwarded(cast, province, reporter_phone="+6281339100011")
    assert report.status == Status.FORWARDED and report.due_step == "outside"
    assert sweep_and_reload(request)["sent"] == 1
    assert request.state == RemoteRequest.State.SENT and request.remote_id == "NTB-1"
    method, path, form = fake.received[0]
    assert (method, path) == ("POST", "/open311/v2/requests.json")
    sent = {k: v[0] for k, v in form.items()}
    assert sent["api_key"] == KEY and sent["jurisdiction_id"] == "ntb.go.id"
    assert sent["service_code"] == "jalan-provinsi"
    assert "motor terjatuh" in sent["description"] and report.code in sent["description"]
    assert sent["address_string"].startswith("Seketeng, Sumbawa")
    assert "Jalan Garuda" not in json.dumps(sent)  # the street can be the reporter's house
    for private in ("first_name", "last_name", "email", "phone", "device_id", "account_id"):
        assert private not in sent
    assert cast.citizen.full_name not in json.dumps(sent)
    assert "+6281339100011" not in json.dumps(sent)


def test_a_token_answer_is_resolved_before_the_status_is_fetched(cast, province, fake):
    fake.on("requests.json", (201, [{"token": "tok-9"}]))
    fake.on(
        "tokens/tok-9.json",
        (404, [{"code": 404, "description": "belum"}]),
        (200, [{"service_request_id": "NTB-9", "token": "tok-9"}]),
    )
    fake.on(
        "requests/NTB-9.json",
        (200, [{"service_request_id": "NTB-9", "status": "open", "status_notes": "Dicek."}]),
    )
    report, request = forwarded(cast, province)
    sweep_and_reload(request)
    assert request.state == RemoteRequest.State.SENT and request.token == "tok-9"
    assert not request.remote_id
    sweep_and_reload(request)  # the server has no id for the token yet: recorded, tried again
    assert request.attempts == 1 and "HTTP 404" in request.last_error
    due_now(request)
    sweep_and_reload(request, report)
    assert request.remote_id == "NTB-9" and request.attempts == 0 and not request.last_error
    assert report.events.get(kind=EventKind.OUTSIDE_NOTE).text == "Dicek."
    assert report.status == Status.FORWARDED


def test_a_closing_without_notes_still_answers_the_report(cast, province, fake):
    fake.on("requests.json", (201, [{"service_request_id": "NTB-2"}]))
    fake.on("requests/NTB-2.json", (200, [{"service_request_id": "NTB-2", "status": "closed"}]))
    report, request = forwarded(cast, province)
    sweep_and_reload(request)
    sweep_and_reload(request, report)
    assert report.status == Status.RESPONDED and request.state == RemoteRequest.State.CLOSED
    answer = report.events.get(kind=EventKind.ANSWERED)
    assert answer.text == "Pemprov NTB menyatakan laporan ini selesai."


def test_a_timeout_is_recorded_and_tried_again_later(cast, province, fake, settings):
    settings.OPEN311_OUTBOUND_TIMEOUT_SECONDS = 1
    fake.on("requests.json", ("sleep", 2), (201, [{"service_request_id": "NTB-3"}]))
    report, request = forwarded(cast, province)
    before = timezone.now()
    assert sweep_and_reload(request, report)["sent"] == 0
    assert request.state == RemoteRequest.State.PENDING and request.attempts == 1
    assert "tidak terhubung" in request.last_error
    assert request.next_attempt_at >= before + dt.timedelta(minutes=2)  # backoff
    assert report.status == Status.FORWARDED  # nothing lost: still waiting to be sent
    assert sweep_and_reload(request)["sent"] == 0  # not due yet
    due_now(request)
    assert sweep_and_reload(request)["sent"] == 1
    assert request.remote_id == "NTB-3" and not request.last_error


def test_server_errors_are_retried_then_the_report_comes_back(cast, province, fake, settings):
    settings.OPEN311_OUTBOUND_MAX_ATTEMPTS = 2
    fake.on("requests.json", (503, b"<html>sibuk</html>"))
    report, request = forwarded(cast, province)
    sweep_and_reload(request, report)
    assert request.state == RemoteRequest.State.PENDING and request.last_error == "HTTP 503"
    due_now(request)
    sweep_and_reload(request, report)
    assert request.state == RemoteRequest.State.FAILED
    assert report.status == Status.SUBMITTED  # back in the dispatcher's queue
    declined = report.events.get(kind=EventKind.OUTSIDE_DECLINED)
    assert "Pemprov NTB" in declined.text and "HTTP 503" in declined.text
    assert declined.data["remote_request"] == request.pk


def test_a_refusal_is_not_retried(cast, province, fake):
    fake.on("requests.json", (400, [{"code": 400, "description": "service_code salah"}]))
    report, request = forwarded(cast, province)
    sweep_and_reload(request, report)
    assert request.state == RemoteRequest.State.FAILED and report.status == Status.SUBMITTED
    assert "service_code salah" in report.events.get(kind=EventKind.OUTSIDE_DECLINED).text


def test_bad_json_and_crashes_are_recorded_and_the_sweep_goes_on(cast, province, fake, monkeypatch):
    fake.on("requests.json", (201, [{"service_request_id": "NTB-4"}]))
    _first, bad = forwarded(cast, province)
    sweep_and_reload(bad)
    fake.on("requests.json", (201, [{"service_request_id": "NTB-5"}]))
    second, good = forwarded(cast, province)
    sweep_and_reload(good)
    fake.on("requests/NTB-4.json", (200, b"<html>bukan json</html>"))
    fake.on(
        "requests/NTB-5.json",
        (200, [{"service_request_id": "NTB-5", "status": "open", "status_notes": "Diproses."}]),
    )
    due_now(bad), due_now(good)
    result = federation.sweep()
    bad.refresh_from_db(), good.refresh_from_db()
    assert result["followed"] == 1
    assert bad.last_error == "jawaban bukan JSON" and bad.state == RemoteRequest.State.SENT
    assert second.events.filter(kind=EventKind.OUTSIDE_NOTE).count() == 1

    fake.on("requests/NTB-4.json", (200, [{"service_request_id": "NTB-4", "status": "aneh"}]))
    due_now(bad)
    sweep_and_reload(bad)
    assert "status tidak dikenal" in bad.last_error

    def broken(*args, **kwargs):
        raise KeyError("rusak")

    monkeypatch.setattr(client, "get_request", broken)
    due_now(bad), due_now(good)
    result = federation.sweep()
    bad.refresh_from_db()
    assert result["errors"] == 2 and "KeyError" in bad.last_error


def test_a_recalled_report_is_no_longer_followed(cast, province, fake):
    fake.on("requests.json", (201, [{"service_request_id": "NTB-6"}]))
    fake.on("requests/NTB-6.json", (200, [{"status": "closed", "status_notes": "Selesai."}]))
    report, request = forwarded(cast, province)
    sweep_and_reload(request)
    forwarding.do_recall(report, actor=cast.dispatcher, reason="Ternyata kewenangan kabupaten.")
    sweep_and_reload(request, report)
    assert request.state == RemoteRequest.State.DETACHED
    assert report.status == Status.SUBMITTED
    assert not report.events.filter(kind=EventKind.ANSWERED).exists()


def test_a_report_forwarded_elsewhere_while_the_server_is_asked_keeps_the_new_forward(
    cast, province, fake, monkeypatch
):
    """The server's "closed" arrives after a dispatcher recalled the report and forwarded it by
    link to another body: it is asked again under the report's lock (as the link's door does) and
    no longer answers the report."""
    from aduan.forwarding.models import OutsideContact

    fake.on("requests.json", (201, [{"service_request_id": "NTB-9"}]))
    fake.on("requests/NTB-9.json", (200, [{"status": "closed", "status_notes": "Selesai."}]))
    report, request = forwarded(cast, province)
    sweep_and_reload(request)
    due_now(request)
    asked = client.get_request

    def meanwhile(server, remote_id):
        seen = asked(server, remote_id)
        forwarding.do_recall(report, actor=cast.dispatcher, reason="Bukan jalan provinsi.")
        pdam = OutsideContact.objects.create(name="PDAM Batulanteh", email="pdam@example.test")
        forwarding.do_forward(report, pdam, actor=cast.dispatcher, text="Pipa bocor.")
        return seen

    monkeypatch.setattr(client, "get_request", meanwhile)
    sweep_and_reload(request, report)
    assert request.state == RemoteRequest.State.DETACHED
    assert report.status == Status.FORWARDED
    assert not report.events.filter(kind=EventKind.ANSWERED).exists()


def test_what_cannot_be_forwarded_is_refused_with_a_reason(cast, province):
    report = file_report(cast, confidential=True)
    with pytest.raises(errors.InvalidState, match="rahasia"):
        federation.do_forward(report, province, actor=cast.dispatcher)
    other = file_report(cast, category=Category.objects.get(code="kesehatan-bpjs"))
    with pytest.raises(errors.InvalidInput, match="belum dipetakan"):
        federation.do_forward(other, province, actor=cast.dispatcher)
    province.is_active = False
    province.save()
    with pytest.raises(errors.InvalidInput, match="aktif"):
        federation.do_forward(other, province, actor=cast.dispatcher)
    with pytest.raises(errors.NotPermitted):
        province.is_active = True
        province.save()
        federation.do_forward(file_report(cast), province, actor=cast.officer_a)
    assert not RemoteRequest.objects.exists()


def test_the_api_key_is_kept_sealed(province):
    stored = RemoteServer.objects.values_list("api_key_sealed", flat=True).get()
    assert KEY not in stored
    assert RemoteServer.objects.get().api_key == KEY


def test_the_dispatcher_forwards_from_the_workspace_and_sees_the_failure(
    cast, province, fake, client
):
    fake.on("requests.json", (502, b"bad gateway"))
    report = file_report(cast)
    assert Action.FORWARD_REMOTE in available_actions(report, cast.dispatcher)
    client.force_login(cast.dispatcher)
    page = client.post(
        f"/kantor/laporan/{report.code}/aksi/forward_remote/",
        {"version": report.version, "server": province.pk},
    )
    assert page.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.FORWARDED
    federation.sweep()
    body = client.get(f"/kantor/laporan/{report.code}/").content.decode()
    assert "Pemprov NTB" in body and "HTTP 502" in body
    # The reporter sees where the report went.
    client.force_login(cast.citizen)
    assert "Pemprov NTB" in client.get(f"/laporan/{report.code}/").content.decode()


def test_the_admin_lists_the_remote_services(cast, province, fake, client):
    fake.on(
        "services.json",
        (200, [{"service_code": "jalan-provinsi", "service_name": "Jalan Provinsi"}]),
    )
    client.force_login(cast.sysadmin)
    page = client.post(
        "/admin/federation/remoteserver/",
        {"action": "list_services", "_selected_action": [province.pk]},
        follow=True,
    )
    assert "jalan-provinsi (Jalan Provinsi)" in page.content.decode()

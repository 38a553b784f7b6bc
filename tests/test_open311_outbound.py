"""Outbound Open311 between two running Aduan instances (issue 16): a report forwarded from this
instance to another regency's Aduan, started here as a subprocess on 127.0.0.1 with its own
SQLite database, follows that instance's status back.

The remote instance is migrated and seeded by its own code (`manage.py migrate`,
`load_master_data`, then a registered Open311 application and two staff accounts); its report
moves through its own actions, run in a subprocess against its database. This side uses whatever
DATABASE_URL the tests run on.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from aduan.directory.models import Category
from aduan.federation import actions as federation
from aduan.federation.models import RemoteRequest, RemoteServer, ServiceMapping
from aduan.reports import actions
from aduan.reports.models import Audience, EventKind, Status
from aduan.reports.visibility import visible_events
from tests import template_db

from .conftest import file_report

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db, pytest.mark.slow]
API_KEY = "ksb-open311-" + "q7Wm" * 6
SERVICE = "infrastruktur-air"  # a service without required questions at the remote

SEED = f"""
from aduan.accounts.models import Role, User
from aduan.directory.models import Agency
from aduan.open311.models import Application
app = Application(name="Aduan Kabupaten Sumbawa")
app.set_key({API_KEY!r})
app.save()
User.objects.create_user(username="admin-ksb", password="x", role=Role.DISPATCHER,
                         email="admin@ksb.test", full_name="Admin KSB")
User.objects.create_user(username="petugas-ksb", password="x", role=Role.OFFICER,
                         agency=Agency.objects.get(code="pupr"), email="pupr@ksb.test",
                         full_name="Petugas PUPR KSB")
"""

# The remote's staff work on the report through the remote's own actions.
REMOTE_PROGRESS = """
import sys
from aduan.accounts.models import User
from aduan.directory.models import Agency
from aduan.reports import actions
from aduan.reports.models import Report
report = Report.objects.get(code=sys.argv[1])
dispatcher = User.objects.get(username="admin-ksb")
officer = User.objects.get(username="petugas-ksb")
pupr = Agency.objects.get(code="pupr")
actions.do_disposition(report, pupr, actor=dispatcher, instruction="Cek.")
actions.do_accept(report, actor=officer)
note = "Petugas PUPR KSB sudah meninjau pipa."
actions.do_add_note(report, actor=officer, public=True, text=note)
"""
REMOTE_CLOSE = """
import sys
from aduan.accounts.models import User
from aduan.reports import actions
from aduan.reports.models import Report
report = Report.objects.get(code=sys.argv[1])
actions.do_close(report, actor=User.objects.get(username="admin-ksb"),
                 reason="Pipa sudah diganti oleh PDAM KSB pada 3 Desember.")
"""
REMOTE_REPORT = """
import json, sys
from aduan.reports.models import Report
r = Report.objects.get(code=sys.argv[1])
print(json.dumps({"name": r.reporter_name, "email": r.reporter_email, "phone": r.reporter_phone,
                  "anonymous": r.anonymous, "channel": r.channel, "description": r.description,
                  "category": r.category.code}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def remote_env(tmp_path: Path, port: int) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        ADUAN_ENV="test",
        ADUAN_DOTENV="/nonexistent",
        DJANGO_SETTINGS_MODULE="aduan.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'remote.sqlite3'}",
        SITE_URL=f"http://127.0.0.1:{port}",
        SITE_NAME="Aduan Kabupaten Sumbawa Barat",
        MEDIA_ROOT=str(tmp_path / "media"),
        LOG_LEVEL="ERROR",
    )
    return env


def run_remote(env: dict, code: str, *args: str) -> str:
    script = "import django; django.setup()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """Another Aduan, migrated, seeded and serving on a free port; stopped after the module's
    last test. Its start-up (its own SQLite database, a copy of the migrated test template with
    the master data, and gunicorn) is most of this module's time, so its two tests share it, as
    two regencies share one running instance: each forwards a report of its own, and neither
    looks at the other's."""
    tmp_path = tmp_path_factory.mktemp("remote")
    port = free_port()
    env = remote_env(tmp_path, port)
    # Migrated, with the master data: a copy of the test template (tests/template_db.py).
    template_db.sqlite_copy(
        str(tmp_path / "remote.sqlite3"), templates=Path(settings.TEST_SQLITE_PATH).parent
    )
    run_remote(env, SEED)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "aduan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        wait_until_up(port)
        yield env, port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/open311/v2/services.json")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the remote Aduan did not start")


def remote_get(port: int, path: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    assert response.status == 200, response.read()
    return json.loads(response.read())


def test_a_forwarded_report_follows_the_other_instances_status_back(
    cast, remote, django_capture_on_commit_callbacks
):
    env, port = remote
    server = RemoteServer(
        name="Aduan Kabupaten Sumbawa Barat", base_url=f"http://127.0.0.1:{port}/open311/v2/"
    )
    server.set_api_key(API_KEY)
    server.save()
    water = Category.objects.get(code="infrastruktur-air")
    ServiceMapping.objects.create(server=server, category=water, service_code=SERVICE)
    report = file_report(
        cast,
        category=water,
        title="Pipa air bocor di Seketeng",
        description="Pipa air bersih bocor di depan SD Seketeng sejak Senin.",
    )

    # 1. The dispatcher forwards it; the POST goes out as soon as the forwarding commits.
    with django_capture_on_commit_callbacks(execute=True):
        request = federation.do_forward(report, server, actor=cast.dispatcher)
    request.refresh_from_db()
    report.refresh_from_db()
    assert report.status == Status.FORWARDED
    assert request.state == RemoteRequest.State.SENT, request.last_error
    assert request.remote_id and request.token

    # 2. The remote has it: its public text and the desa, never the reporter.
    seen = json.loads(run_remote(env, REMOTE_REPORT, request.remote_id))
    assert seen["channel"] == "open311" and seen["category"] == SERVICE
    assert seen["anonymous"] and seen["email"] == "" and seen["phone"] == ""
    assert cast.citizen.full_name not in json.dumps(seen)
    assert "Pipa air bersih bocor" in seen["description"] and report.code in seen["description"]
    listed = remote_get(port, f"/open311/v2/requests/{request.remote_id}.json?api_key={API_KEY}")
    assert listed[0]["status"] == "open"
    # The reporter sees where the report went.
    forwarded = report.events.get(kind=EventKind.FORWARDED)
    assert "Aduan Kabupaten Sumbawa Barat" in forwarded.text
    assert forwarded in visible_events(report, cast.citizen)

    # 3. The remote's agency works on it: the sync brings its public note to our reporter.
    run_remote(env, REMOTE_PROGRESS, request.remote_id)
    assert federation.sweep()["followed"] == 1
    report.refresh_from_db()
    assert report.status == Status.FORWARDED
    note = report.events.get(kind=EventKind.OUTSIDE_NOTE)
    assert note.text == "Petugas PUPR KSB sudah meninjau pipa."
    assert note.audience == Audience.PARTIES and note in visible_events(report, cast.citizen)
    assert note.data["remote_request"] == request.pk
    assert federation.sweep()["followed"] == 1  # nothing new: no second note
    assert report.events.filter(kind=EventKind.OUTSIDE_NOTE).count() == 1

    # 4. The remote closes it: its closing note is our answer, and our reporter decides.
    run_remote(env, REMOTE_CLOSE, request.remote_id)
    federation.sweep()
    report.refresh_from_db()
    request.refresh_from_db()
    assert report.status == Status.RESPONDED
    assert request.state == RemoteRequest.State.CLOSED and request.remote_status == "closed"
    answer = report.events.get(kind=EventKind.ANSWERED)
    assert answer.text == "Pipa sudah diganti oleh PDAM KSB pada 3 Desember."
    assert answer.data["outside_body"] == "Aduan Kabupaten Sumbawa Barat"
    actions.do_accept_answer(report, actor=cast.citizen, rating=5)
    assert report.status == Status.CLOSED
    assert federation.sweep() == {"sent": 0, "followed": 0, "errors": 0}


def test_a_refused_request_brings_the_report_back_to_the_dispatcher(cast, remote):
    """The remote refuses what it cannot take (here: its road service has a required question
    our report does not answer): the report comes back, with the remote's reason."""
    _env, port = remote
    server = RemoteServer(name="Aduan KSB", base_url=f"http://127.0.0.1:{port}/open311/v2/")
    server.set_api_key(API_KEY)
    server.save()
    road = Category.objects.get(code="infrastruktur-jalan")
    ServiceMapping.objects.create(server=server, category=road, service_code="infrastruktur-jalan")
    report = file_report(cast, extra_answers={"status-jalan": "kabupaten"})
    request = federation.do_forward(report, server, actor=cast.dispatcher)
    server.tracking_attribute = "kode-asal"  # a question the remote does not have: a 400
    server.save()
    assert federation.sweep()["sent"] == 0
    request.refresh_from_db()
    report.refresh_from_db()
    assert request.state == RemoteRequest.State.FAILED and "HTTP 400" in request.last_error
    assert report.status == Status.SUBMITTED
    declined = report.events.get(kind=EventKind.OUTSIDE_DECLINED)
    assert "Aduan KSB" in declined.text and "kode-asal" in declined.text

"""Crash safety: the real server (gunicorn, production settings) on the test database takes a burst
of reports with photos through the API, is killed with SIGKILL in the middle, and restarted.
Every submission that got a success answer is stored whole, with its attachment, exactly once;
the ones that got no answer are retried with their Idempotency-Key and end up stored once too."""

import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from PIL import Image

from aduan.accounts import nik as niks
from aduan.api.models import ApiToken
from aduan.reports.models import Attachment, Report
from tests.portal import give_profile

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


def start(port: int, media: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "ADUAN_ENV": "production",
        "SECRET_KEY": "crash-test-" + "k9Tq" * 14,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "API_RATE_LIMIT_PER_MINUTE": "0",
        "DATABASE_URL": database_url(),
        # a load of one client from one address, not an abuse to limit
        "FILING_RATE_LIMIT_PER_ACCOUNT_PER_HOUR": "0",
        "FILING_RATE_LIMIT_PER_REPRESENTATIVE_PER_HOUR": "0",
        "FILING_RATE_LIMIT_PER_IP_PER_HOUR": "0",
        "API_RATE_LIMIT_PER_IP_PER_MINUTE": "0",
        "OPEN311_RATE_LIMIT_PER_KEY_PER_HOUR": "0",
        "OPEN311_RATE_LIMIT_PER_IP_PER_HOUR": "0",
        "MEDIA_ROOT": str(media),
        "HUEY_IMMEDIATE": "0",
        "LOG_LEVEL": "ERROR",
        "ADUAN_DOTENV": "/nonexistent",
        # the key the test process stored the citizen's NIK under: filing copies it to the report
        "NIK_ENCRYPTION_KEYS": ",".join(niks.encryption_keys()),
        "NIK_HASH_KEY": "x" * 40,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "aduan.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            # Loading Django on a machine busy with other work can take longer than the default
            # 30 s worker timeout: the wait below is on the condition, not on a guess.
            "--timeout",
            "180",
            "--log-level",
            "error",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/livez")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("gunicorn did not start")


def photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def post_report(port: int, token: str, key: str, title: str, image: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        (f'name="{k}"', v.encode())
        for k, v in (
            ("title", title),
            ("description", "Kemarin pagi jalan di depan pasar berlubang besar."),
            ("classification", "complaint"),
        )
    ]
    parts.append(('name="files"; filename="foto.png"\r\nContent-Type: image/png', image))
    body = (
        b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {h}\r\n\r\n".encode() + v + b"\r\n"
            for h, v in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(
        "POST",
        "/api/v1/reports",
        body=body,
        headers={
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )
    response = conn.getresponse()
    return response.status, response.read()


def test_a_killed_server_loses_no_answered_report_and_stores_none_twice(tx_cast, tmp_path):
    _token, raw = ApiToken.issue(give_profile(tx_cast.citizen), "crash-test")
    media, port, image = tmp_path / "media", free_port(), photo()
    server = start(port, media)
    submissions, answered, stop = [], {}, threading.Event()
    lock = threading.Lock()

    def client(n):
        i = 0
        while not stop.is_set() and i < 200:
            key, title = uuid.uuid4().hex, f"Laporan uji {n}-{i}"
            with lock:
                submissions.append((key, title))
            try:
                status, _body = post_report(port, raw, key, title, image)
                if status == 201:
                    with lock:
                        answered[key] = title
            except (OSError, http.client.HTTPException):
                return  # the server is gone
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    # Kill in the middle of the burst: once some submissions have been answered, more being sent.
    # (A fixed sleep could fire before the first answer on a loaded machine.)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and any(t.is_alive() for t in threads):
        with lock:
            if len(answered) >= 12:
                break
        time.sleep(0.05)
    os.killpg(server.pid, signal.SIGKILL)  # no shutdown, no flush: as in a power cut
    server.wait(30)
    stop.set()
    for t in threads:
        t.join(30)
    assert answered, "the burst must have had answered submissions before the kill"

    server = start(port, media)
    try:
        for key, title in submissions:
            if key not in answered:  # no answer: the phone retries with the same key
                status, _body = post_report(port, raw, key, title, image)
                assert status in (201, 409), status
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)

    titles = list(
        Report.objects.filter(title__startswith="Laporan uji").values_list("title", flat=True)
    )
    assert len(titles) == len(set(titles)), "a submission was stored twice"
    assert set(answered.values()) <= set(titles), "an answered submission was lost"
    assert len(titles) == len(submissions)  # after the retries, every submission exactly once
    for attachment in Attachment.objects.filter(report__title__in=answered.values()):
        assert (media / attachment.file.name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Attachment.objects.filter(report__title__in=answered.values()).count() == len(answered)

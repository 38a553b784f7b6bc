"""Cheap requests stay cheap (issue 11 §6): every endpoint that works on posted text bounds the
body's size before working (`aduan.ops.bodylimit`). Found: a 4.8 MB body to the live checklist
`/lapor/periksa/` cost 9.6 s of CPU, unauthenticated."""

import io
from unittest import mock

import pytest

from tests.portal import give_profile

pytestmark = pytest.mark.django_db
BIG = 4_800_000


class CountingStream(io.RawIOBase):
    """A body of any declared length: counts what is read of it."""

    def __init__(self):
        self.read_bytes = 0

    def read(self, size=-1):
        size = 65536 if size is None or size < 0 else min(size, 65536)
        self.read_bytes += size
        return b"a" * size

    def readline(self, size=-1):
        return self.read(size)


def post_declared(client, path, length, content_type="application/x-www-form-urlencoded"):
    body = CountingStream()
    response = client.generic(
        "POST", path, b"", content_type=content_type,
        **{"wsgi.input": body, "CONTENT_LENGTH": str(length)},
    )  # fmt: skip
    return response, body


def message_of(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        body = response.json()
        # Open311's error document is a list; the API's and the webhooks' shape a dict.
        return body[0]["description"] if isinstance(body, list) else body["error"]["message"]
    return response.content.decode()


TEXT_ENDPOINTS = [
    "/lapor/periksa/",  # the live checklist, open to anyone
    "/masuk/",
    "/daftar/",
    "/lacak/",
    "/kantor/pengaduan-baru/",
    "/open311/v2/requests.json",
    "/sms/webhook",
    "/api/v1/auth/tokens",
    "/api/v1/auth/register",
]


@pytest.mark.parametrize("path", TEXT_ENDPOINTS)
def test_it_refuses_a_large_text_body_before_reading_it(client, path):
    response, body = post_declared(client, path, BIG)
    assert response.status_code == 413, path
    assert body.read_bytes == 0
    text = message_of(response)
    assert "terlalu besar" in text and "256 KB" in text and "isian teks" in text


def test_the_checklist_with_a_4_8_mb_body_is_refused_with_a_message(client):
    body = "description=" + "a" * BIG
    response = client.post(
        "/lapor/periksa/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "Persingkat teksnya" in response.content.decode()


def test_the_checklist_assesses_no_more_than_the_form_accepts(client, settings):
    settings.REQUEST_MAX_TEXT_BYTES = 1024 * 1024
    with mock.patch("aduan.web.views_filing.assess", wraps=__import__(
        "aduan.triage.completeness", fromlist=["assess"]).assess) as assess:  # fmt: skip
        response = client.post(
            "/lapor/periksa/",
            {"description": "jalan rusak " * 50_000, "title": "t" * 5000},
        )
    assert response.status_code == 200
    fields = assess.call_args.kwargs
    assert len(fields["description"]) == 10_000 and len(fields["title"]) == 200


def test_the_limit_comes_from_the_environment_setting(client, settings):
    settings.REQUEST_MAX_TEXT_BYTES = 2048
    response = client.post("/lapor/periksa/", {"description": "x" * 4000})
    assert response.status_code == 413 and "2 KB" in response.content.decode()
    assert client.post("/lapor/periksa/", {"description": "x" * 500}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/lapor/",
        "/laporan/SBW-XXXXXX/lengkapi/",
        "/laporan/SBW-XXXXXX/informasi/",
        "/kantor/laporan/SBW-XXXXXX/aksi/answer/",
        "/api/v1/reports",
        "/api/v1/reports/SBW-XXXXXX/note",
        "/api/v1/reports/SBW-XXXXXX/provide-info",
    ],
)
def test_views_that_take_attachments_keep_the_larger_limit(client, cast, path):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    response, _body = post_declared(
        client, path, 1024 * 1024, content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code != 413, path


def test_the_guard_marks_exactly_the_api_routes_with_files():
    from django.urls import get_resolver

    from aduan.api.guard import FILE_ROUTES

    marked = set()

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif getattr(p.callback, "body_kind", "text") == "files":
                marked.add(prefix + str(p.pattern))

    walk(get_resolver().url_patterns)
    api_marked = {m.removeprefix("api/v1/") for m in marked if m.startswith("api/v1/")}
    assert api_marked == FILE_ROUTES


def test_the_swagger_page_does_not_keep_the_token_in_the_browser(client):
    page = client.get("/api/v1/docs").content.decode()
    assert '"persistAuthorization": true' not in page.replace("True", "true")
    assert "persistAuthorization" not in page or '"persistAuthorization": false' in page

"""Content-Security-Policy: every HTML page of the app carries the policy, and none needs what the
policy refuses (inline <script>, on*= handlers, javascript: URLs, inline style). The pages are
found by crawling the links each role can follow, from the home page and the role's own start
pages, and parsed. The browser side (nothing refused, the scripts still work) is in
test_browser_csp.py."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from aduan.reports.models import Status
from tests.conftest import PASSWORD, file_report, report_in
from tests.portal import give_profile

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}
# Script elements that hold data, not code: the policy does not apply to them (allauth, Swagger UI).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster"}
# Links the crawl does not follow: they change state, or are downloads (checked elsewhere).
SKIP = re.compile(
    r"^/(?:keluar/|admin/logout/|i18n/|static/|media/)|format=|/lampiran/|/evaluasi/\d+/"
)
MAX_PAGES = 120


class InlineCodeFinder(HTMLParser):
    """Collects what a strict policy refuses, and the links to crawl on."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.links = [], []
        self._in_script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())}>"[:160]
        for name, value in attrs.items():
            if name.startswith(("on", "hx-on")):
                self.problems.append(f"event handler attribute {name}: {where}")
            if name == "style":
                self.problems.append(f"style attribute: {where}")
            if name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL: {where}")
            if (
                name in ("src", "href")
                and tag in ("script", "link", "img")
                and re.match(r"(?:https?:)?//", value or "")
            ):
                self.problems.append(f"asset from another host: {where}")
        if (
            tag == "script"
            and not attrs.get("src")
            and (attrs.get("type") or "").lower() not in DATA_SCRIPT_TYPES
        ):
            self._in_script = where
        if tag == "style":
            self.problems.append(f"inline <style>: {where}")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script:
            self.problems.append(f"inline <script>: {self._in_script}")
            self._in_script = None


def inspect(response, url):
    """The policy header, and what in the page the policy would refuse."""
    policy = response.headers.get("Content-Security-Policy", "")
    assert {d.strip() for d in policy.split(";")} >= POLICY, f"{url}: policy is {policy!r}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, f"{url}: {policy}"
    finder = InlineCodeFinder()
    finder.feed(response.content.decode(response.charset or "utf-8"))
    return finder


def shape(path):
    """One page per view: /kantor/laporan/SBW-7K3Q9M/ and /admin/x/12/change/ stand for their
    kind."""
    path = re.sub(r"/[A-Z]{2,5}-[0-9A-Z]{6}(?=/)", "/CODE", path)
    return re.sub(r"\d+", "N", path)


def crawl(client, starts):
    """Follows same-site links breadth-first from `starts`; checks every HTML page on the way (and
    that no link the role is shown leads to an error). Returns {path shape: url} of the HTML pages
    seen."""
    queue, seen_shapes, pages, problems = list(starts), set(), {}, []
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        key = shape(urlsplit(url).path)
        if key in seen_shapes:
            continue
        seen_shapes.add(key)
        response = client.get(url)
        if response.status_code >= 400:
            problems.append(f"{url}: a link the page shows answers {response.status_code}")
        if (
            not response.get("Content-Type", "").startswith("text/html")
            or response.status_code >= 300
        ):
            continue
        finder = inspect(response, url)
        problems += [f"{url}: {p}" for p in finder.problems]
        pages[key] = url
        for href in finder.links:
            target = urljoin(url, href.split("#")[0])
            parts = urlsplit(target)
            if (
                parts.scheme in ("", "http")
                and parts.netloc in ("", "testserver")
                and parts.path
                and not SKIP.search(parts.path + "?" + parts.query)
            ):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert not problems, "\n".join(problems)
    return pages


@pytest.fixture
def reports(cast):
    """A report in each status, an anonymous one and a returned one, so that each page has
    content."""
    made = {
        status: report_in(cast, status)
        for status in (
            Status.SUBMITTED,
            Status.DISPOSITIONED,
            Status.IN_PROGRESS,
            Status.RESPONDED,
            Status.CLOSED,
        )
    }
    made["anonymous"] = report_in(cast, Status.IN_PROGRESS, anonymous=True)
    made["returned"] = report_in(cast, Status.RETURNED)
    made["representative"] = file_report(
        cast, reporter=cast.representative, filed_by=cast.representative
    )
    return made


def logged_in(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_crawls_the_public_pages(reports):
    pages = crawl(
        Client(),
        [
            "/",
            "/laporan/",
            "/lacak/",
            "/masuk/",
            "/daftar/",
            "/akun/password/reset/",
            f"/laporan/{reports[Status.CLOSED].code}/",
        ],
    )
    assert {
        "/",
        "/laporan/",
        "/laporan/CODE/",
        "/lacak/",
        "/masuk/",
        "/daftar/",
        "/akun/password/reset/",
    } <= set(pages)


def test_it_crawls_the_citizen_pages(cast, reports):
    give_profile(cast.citizen)
    pages = crawl(
        logged_in(cast.citizen),
        [
            "/",
            "/lapor/",
            "/laporan-saya/",
            "/notifikasi/",
            "/akun/profil/",
            "/akun/email/",
            "/akun/password/change/",
            f"/laporan/{reports[Status.RESPONDED].code}/",
            f"/laporan/{reports['returned'].code}/",
        ],
    )
    assert {"/lapor/", "/laporan-saya/", "/notifikasi/", "/laporan/CODE/", "/akun/email/"} <= set(
        pages
    )


def test_it_crawls_the_representative_pages(cast, reports):
    give_profile(cast.representative, nik="5204081203900002")
    pages = crawl(logged_in(cast.representative), ["/lapor/", "/laporan-saya/"])
    assert {"/lapor/", "/laporan-saya/"} <= set(pages)


def test_it_crawls_the_dispatcher_pages(cast, reports):
    pages = crawl(
        logged_in(cast.dispatcher),
        [
            "/kantor/",
            "/kantor/antrean/",
            "/kantor/laporan/",
            f"/kantor/laporan/{reports[Status.SUBMITTED].code}/",
            "/kantor/pengaduan-baru/",
            "/kantor/rt-rw/",
            "/kantor/statistik/",
            "/kantor/statistik/terlambat/",
            "/kantor/statistik/evaluasi/",
        ],
    )
    assert {
        "/kantor/antrean/",
        "/kantor/laporan/CODE/",
        "/kantor/pengaduan-baru/",
        "/kantor/statistik/",
        "/kantor/statistik/evaluasi/",
    } <= set(pages)


def test_it_crawls_the_officer_pages(cast, reports):
    pages = crawl(
        logged_in(cast.officer_a),
        ["/kantor/", "/kantor/kotak-masuk/", f"/kantor/laporan/{reports['anonymous'].code}/"],
    )
    assert {"/kantor/kotak-masuk/", "/kantor/laporan/CODE/"} <= set(pages)


def test_it_crawls_the_supervisor_pages(cast, reports):
    pages = crawl(logged_in(cast.supervisor), ["/kantor/", "/kantor/audit/", "/kantor/statistik/"])
    assert {"/kantor/audit/", "/kantor/statistik/", "/kantor/laporan/CODE/"} <= set(pages)


@pytest.mark.slow
def test_it_crawls_the_admin_pages(cast, reports):
    pages = crawl(
        logged_in(cast.sysadmin),
        [
            "/admin/",
            "/admin/accounts/user/add/",
            f"/admin/accounts/user/{cast.officer_a.pk}/change/",
        ],
    )
    assert {
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/accounts/user/N/change/",
        "/admin/directory/agency/",
    } <= set(pages)


def test_pages_answering_a_post_carry_it_too(client, cast, reports):
    """Forms sent back with their errors, a refused action, and the error pages."""
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    cases = [
        ("/lapor/", client.post("/lapor/", {"title": ""})),
        ("/tidak-ada/", client.get("/tidak-ada/")),
        ("/laporan/SBW-000000/", client.get("/laporan/SBW-000000/")),
    ]
    dispatcher = logged_in(cast.dispatcher)
    code = reports[Status.SUBMITTED].code
    cases.append(
        (
            "act (stale version)",
            dispatcher.post(
                f"/kantor/laporan/{code}/aksi/close/", {"version": "0", "reason": "Selesai."}
            ),
        )
    )
    cases.append(
        ("login failed", Client().post("/masuk/", {"login": "warga-uji", "password": "salah"}))
    )
    csrf = Client(enforce_csrf_checks=True)
    cases.append(
        ("csrf refused", csrf.post("/masuk/", {"login": "warga-uji", "password": PASSWORD}))
    )
    for what, response in cases:
        assert response["Content-Type"].startswith("text/html"), what
        finder = inspect(response, what)
        assert not finder.problems, (what, response.status_code, finder.problems)
    statuses = [response.status_code for _what, response in cases]
    assert statuses == [200, 404, 404, 409, 200, 403]
    assert (
        "Formulir kedaluwarsa" in cases[-1][1].content.decode()
    )  # our CSRF page, not Django's styled one


def test_it_finds_inline_code_where_there_is_some():
    """The parser the crawl relies on does see each thing it looks for."""
    finder = InlineCodeFinder()
    finder.feed(
        '<script>alert(1)</script><script src="/static/x.js"></script>'
        '<script type="application/json">{"a": 1}</script><a href="javascript:void(0)">x</a>'
        '<button onclick="x()">b</button><div hx-on:click="x()" style="color: red"></div>'
        '<style>p {}</style><img src="https://cdn.example/x.png">'
    )
    kinds = sorted(p.split(":")[0] for p in finder.problems)
    assert kinds == [
        "asset from another host",
        "event handler attribute hx-on",
        "event handler attribute onclick",
        "inline <script>",
        "inline <style>",
        "javascript",
        "style attribute",
    ]


def test_non_documents_are_left_alone(client, cast):
    """JSON (and downloads) get no policy: it governs nothing there."""
    assert "Content-Security-Policy" not in client.get("/healthz").headers

"""The Content-Security-Policy in a real browser (Debian's chromium driven by Playwright): the key
pages of each role load without a single refusal, and the scripts still do their work under the
policy (the filing form's live checklist, dependent choices, category search and date button;
"Dukung" through htmx; the Django admin's widgets; the API's Swagger UI). A refusal is caught
twice: the `securitypolicyviolation` event (listened to from an init script, which the page's
policy does not govern) and chromium's "Refused to ..." console message. Skips, saying why, only
where chromium is not installed."""

import re
import time

import pytest
from django.test import Client
from playwright.sync_api import expect

from aduan.directory.models import Category
from aduan.reports.models import Report, Status
from tests.browser import needs_chromium
from tests.conftest import report_in
from tests.portal import give_profile

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

LISTEN = """document.addEventListener("securitypolicyviolation", (e) => window.cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} `
    + `at ${e.sourceFile}:${e.lineNumber} on ${location.pathname}`));"""


class Browser:
    """One chromium (the `chromium` fixture's); a context per role, each logged in with a session
    cookie (so that the test does not depend on how staff log in), and every violation collected
    in `violations`."""

    def __init__(self, browser, url):
        self.url, self.violations = url, []
        self.browser = browser

    def page_for(self, user=None, **options):
        context = self.browser.new_context(
            viewport={"width": 360, "height": 740}, locale="id-ID", **options
        )
        context.expose_function("cspViolation", lambda text: self.violations.append(text))
        context.add_init_script(LISTEN)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies(
                [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": self.url}]
            )
        page = context.new_page()
        page.set_default_timeout(30000)
        page.on(
            "console",
            lambda m: (
                ("Content Security Policy" in m.text or "Refused to" in m.text)
                and self.violations.append(f"console: {m.text}")
            ),
        )
        return page

    def visit(self, page, path):
        response = page.goto(self.url + path)
        assert response.ok, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        return response


@pytest.fixture
def browser(live_server, chromium):
    return Browser(chromium, live_server.url)


def test_the_policy_is_enforced_and_a_refusal_is_seen(browser, tx_cast):
    """The control: an inline script added to a page is refused, and both detectors see it."""
    page = browser.page_for()
    browser.visit(page, "/")
    assert browser.violations == []
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = 1"; document.body.append(s); }""")
    # Both reports arrive a moment later (sooner or later on a loaded machine): wait for them.
    deadline = time.monotonic() + 30
    while not (
        any(v.startswith("script-src") for v in browser.violations)
        and any(v.startswith("console: ") for v in browser.violations)
    ):
        assert time.monotonic() < deadline, browser.violations
        page.wait_for_timeout(50)
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in browser.violations), browser.violations
    assert any(v.startswith("console: ") for v in browser.violations), browser.violations


def test_the_public_and_citizen_pages_work_under_the_policy(browser, tx_cast):
    cast = tx_cast
    give_profile(cast.citizen)
    give_profile(cast.other_citizen, nik="5204081203900002")
    public = report_in(cast, Status.IN_PROGRESS)

    page = browser.page_for()
    for path in (
        "/",
        "/laporan/",
        f"/laporan/{public.code}/",
        "/lacak/",
        "/masuk/",
        "/daftar/",
        "/api/v1/docs",
    ):
        browser.visit(page, path)
    page.wait_for_selector("#swagger-ui .opblock")  # the Swagger UI drew the operations
    assert page.locator("#swagger-ui .errors-wrapper").count() == 0
    assert browser.violations == []

    # The filing form: htmx configured for the policy, and every script-driven part working.
    page = browser.page_for(
        cast.citizen,
        geolocation={"latitude": -8.4876, "longitude": 117.4193},
        permissions=["geolocation"],
    )
    browser.visit(page, "/lapor/")
    config = page.evaluate(
        "({eval: htmx.config.allowEval, styles: htmx.config.includeIndicatorStyles,"
        " scripts: htmx.config.allowScriptTags, inline: document.querySelectorAll('style').length})"
    )
    assert config == {"eval": False, "styles": False, "scripts": False, "inline": 0}
    road = Category.objects.get(code="infrastruktur-jalan")
    page.fill("#category-filter", road.name.lower())  # the category search (file_report.js)
    assert page.input_value("#id_category") == str(road.pk)
    assert page.locator("#id_category option[hidden]").count() > 0
    with page.expect_response(re.compile(r".*/lapor/pertanyaan/.*")):
        page.select_option("#id_category", str(road.pk))
    page.wait_for_selector("#id_q_status-jalan")  # the category's questions, swapped in by htmx
    page.fill("#id_title", "Jalan berlubang di Seketeng")
    page.type("#id_description", "Kemarin sore jalan di depan SD Seketeng berlubang besar", delay=5)
    page.wait_for_selector(
        "#checklist li[data-key=when].ok"
    )  # the live checklist follows the typing
    assert page.locator("#checklist li[data-key=who].todo").count() == 1
    page.type("#id_description", "; petugas Dinas PUPR belum datang.", delay=5)
    page.wait_for_selector("#checklist li[data-key=who].ok")
    assert page.input_value("#id_incident_date") == ""
    page.click("#fill-incident-date")  # the checklist's date, put into the form (no onclick)
    assert page.input_value("#id_incident_date") == page.get_attribute(
        "#fill-incident-date", "data-date"
    )
    with page.expect_response(re.compile(r".*/wilayah/desa/.*")):
        page.select_option("#id_district", "52.04.08")
    page.wait_for_selector("#id_village option[value='52.04.08.1004']", state="attached")
    page.select_option("#id_village", "52.04.08.1004")
    page.select_option("#id_q_status-jalan", "kabupaten")
    page.click("details.field summary")
    page.click("#use-location")  # "use my location" (file_report.js)
    # (expect(), not wait_for_function(): a string predicate is run with eval, which the policy
    # refuses)
    expect(page.locator("#id_latitude")).to_have_value("-8.487600")
    assert page.input_value("#id_longitude") == "117.419300"
    page.click("#report-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/terkirim/$"))
    filed = Report.objects.get(code=page.inner_text("#tracking-code").strip())
    assert (
        filed.incident_date is not None
        and filed.village_id is not None
        and filed.latitude is not None
    )
    for path in ("/laporan-saya/", "/notifikasi/", f"/laporan/{filed.code}/", "/akun/profil/"):
        browser.visit(page, path)

    # "Dukung": an htmx POST (with its CSRF token) swapping the button for the count.
    page = browser.page_for(cast.other_citizen)
    browser.visit(page, f"/laporan/{public.code}/")
    with page.expect_response(re.compile(r".*/dukung/$")):
        page.click("#support button[type=submit]")
    page.wait_for_selector("#support .supported")
    assert page.url.endswith(f"/laporan/{public.code}/")  # swapped in place, not a page load
    assert public.supports.count() == 1
    assert browser.violations == []


def test_the_back_office_and_admin_work_under_the_policy(browser, tx_cast):
    cast = tx_cast
    new = report_in(cast, Status.SUBMITTED)
    held = report_in(cast, Status.IN_PROGRESS, anonymous=True)

    page = browser.page_for(cast.dispatcher)
    for path in (
        "/kantor/antrean/",
        "/kantor/laporan/",
        "/kantor/statistik/",
        "/kantor/pengaduan-baru/",
    ):
        browser.visit(page, path)
    browser.visit(page, f"/kantor/laporan/{new.code}/")
    page.click("#aksi-disposition summary")
    page.select_option("#disposition-agency", str(cast.agency_a.pk))
    page.fill("#disposition-instruction", "Mohon segera ditangani.")
    page.locator("#aksi-disposition button[type=submit]:visible").last.click()  # the action
    page.wait_for_load_state("networkidle")
    new.refresh_from_db()
    assert new.status == Status.DISPOSITIONED and new.agency == cast.agency_a

    page = browser.page_for(cast.officer_a)
    for path in ("/kantor/kotak-masuk/", f"/kantor/laporan/{held.code}/"):
        browser.visit(page, path)

    # The Django admin: its scripts are files (data in data-* attributes), so they run.
    page = browser.page_for(cast.sysadmin)
    browser.visit(page, "/admin/")
    browser.visit(page, "/admin/directory/holiday/add/")
    page.wait_for_selector(".datetimeshortcuts a")  # DateTimeShortcuts.js drew the "Hari ini" link
    browser.visit(page, "/admin/accounts/user/")
    page.check("#action-toggle")  # actions.js: "select all" ticks every row
    assert (
        page.locator("input.action-select:checked").count()
        == page.locator("input.action-select").count()
        > 0
    )
    browser.visit(page, f"/admin/accounts/user/{cast.officer_a.pk}/change/")
    assert browser.violations == []

"""The Content-Security-Policy in a real browser (Debian's chromium driven by Playwright): the pages
of each role load without a single refusal, and the scripts still do their work under the policy.
A refusal is caught twice: the `securitypolicyviolation` event (listened to from an init script,
which the page's policy does not govern) and chromium's "Refused to ..." console message
(tests/browser.py, `Browser`); each visit waits until the page has settled (no request in flight,
a frame drawn, every report delivered), so a refusal that comes late is seen too (the control).

The pages are shared with tests/test_browser_accessibility.py, whose every page is also checked
for refusals there, under the same role:
- anonymous: "/", "/laporan/", "/laporan/peta/", report pages, "/lacak/", "/statistik/",
  "/bukti/", "/bukti/periksa/", "/masuk/", "/daftar/": there; the Swagger UI of /api/v1/docs: here;
- citizen: "/lapor/", "/laporan-saya/", their reports' pages, "/akun/notifikasi/": there; here
  the filing form at work (live checklist, dependent choices, category search, date button, "use
  my location", the htmx configuration) up to "/terkirim/", then "/notifikasi/" and
  "/akun/profil/"; another citizen's "Dukung" through htmx;
- dispatcher: "/kantor/antrean/", "/kantor/laporan/", report workspaces, "/kantor/statistik/",
  "/kantor/makro/": there; "/kantor/pengaduan-baru/" and a disposition sent from the workspace:
  here;
- officer: "/kantor/kotak-masuk/" and a workspace: here;
- sysadmin: the Django admin and its widgets (DateTimeShortcuts, "select all"): here.

Skips, saying why, only where chromium is not installed."""

import re
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aduan.directory.models import Category
from aduan.reports.models import Report, Status
from tests.browser import Browser, needs_chromium
from tests.conftest import report_in
from tests.portal import give_profile

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

# The description is typed in two goes: the live checklist finds "when" in the first, "who" in
# the second.
WHAT_AND_WHEN = "Kemarin sore jalan di depan SD Seketeng berlubang besar"
WHO = "; petugas Dinas PUPR belum datang."


def answers_text(response, description):
    """Whether `response` is the live checklist's answer to the form with this description."""
    if not response.url.endswith(reverse("web:checklist")):
        return False
    form = parse_qs(response.request.post_data or "")
    return form.get("description") == [description]


@pytest.fixture
def browser(live_server, chromium):
    return Browser(chromium, live_server.url)


def test_the_policy_is_enforced_and_a_refusal_is_seen(browser, tx_cast):
    """The control: an inline script added to a page is refused, and so is a picture from another
    site that the page adds only when a request it made after the load event has come back; once
    the page has settled, both detectors have seen each refusal."""
    page = browser.page_for()
    browser.visit(page, "/")
    assert browser.violations == []
    page.evaluate("""() => { const s = document.createElement("script");
                             s.textContent = "window.ran = 1"; document.body.append(s); }""")
    browser.settle(page)
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in browser.violations), browser.violations
    assert any(v.startswith("console: ") for v in browser.violations), browser.violations

    browser.violations.clear()
    page.evaluate("""() => { fetch("/laporan/").then((r) => r.text()).then(() => {
                                 const i = document.createElement("img");
                                 i.src = "https://example.org/late.png"; document.body.append(i);
                             }); }""")
    browser.settle(page)
    assert any(
        v.startswith("img-src blocked https://example.org/late.png") for v in browser.violations
    ), browser.violations
    assert any(
        v.startswith("console: ") and "example.org/late.png" in v for v in browser.violations
    ), browser.violations


def test_the_public_and_citizen_pages_work_under_the_policy(browser, tx_cast):
    cast = tx_cast
    give_profile(cast.citizen)
    give_profile(cast.other_citizen, nik="5204081203900002")
    public = report_in(cast, Status.IN_PROGRESS)

    # The other public pages: tests/test_browser_accessibility.py.
    page = browser.page_for()
    browser.visit(page, "/api/v1/docs")
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
    page.type("#id_description", WHAT_AND_WHEN, delay=5)
    page.wait_for_selector(
        "#checklist li[data-key=when].ok"
    )  # the live checklist follows the typing
    assert page.locator("#checklist li[data-key=who].todo").count() == 1
    # The checklist asks again 800 ms after the last keystroke, and on a loaded machine a pause
    # between two keystrokes can ask in between: wait for the answer to the whole text, and for
    # its swap, so that the button is not moved by a late swap under the click.
    with page.expect_response(lambda response: answers_text(response, WHAT_AND_WHEN + WHO)):
        page.type("#id_description", WHO, delay=5)
    browser.settle(page)
    page.wait_for_selector("#checklist li[data-key=who].ok")
    assert page.input_value("#id_incident_date") == ""
    found = page.get_attribute("#fill-incident-date", "data-date")
    page.click("#fill-incident-date")  # the checklist's date, put into the form (no onclick)
    assert page.input_value("#id_incident_date") == found
    # The checklist asks again with the date given, and no longer offers it.
    expect(page.locator("#fill-incident-date")).to_have_count(0)
    browser.settle(page)
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
    browser.settle(page)
    filed = Report.objects.get(code=page.inner_text("#tracking-code").strip())
    assert (
        filed.incident_date is not None
        and filed.village_id is not None
        and filed.latitude is not None
    )
    # "/laporan-saya/" and the citizen's own reports: tests/test_browser_accessibility.py.
    for path in ("/notifikasi/", "/akun/profil/"):
        browser.visit(page, path)

    # "Dukung": an htmx POST (with its CSRF token) swapping the button for the count.
    page = browser.page_for(cast.other_citizen)
    browser.visit(page, f"/laporan/{public.code}/")
    with page.expect_response(re.compile(r".*/dukung/$")):
        page.click("#support button[type=submit]")
    page.wait_for_selector("#support .supported")
    assert page.url.endswith(f"/laporan/{public.code}/")  # swapped in place, not a page load
    assert public.supports.count() == 1
    browser.settle(page)  # what the swap brought in, checked too
    assert browser.violations == []


def test_the_back_office_and_admin_work_under_the_policy(browser, tx_cast):
    cast = tx_cast
    new = report_in(cast, Status.SUBMITTED)
    held = report_in(cast, Status.IN_PROGRESS, anonymous=True)

    # The queue, the list, the statistics and the workspace as such:
    # tests/test_browser_accessibility.py.
    page = browser.page_for(cast.dispatcher)
    browser.visit(page, "/kantor/pengaduan-baru/")
    browser.visit(page, f"/kantor/laporan/{new.code}/")
    page.click("#aksi-disposition summary")
    page.select_option("#disposition-agency", str(cast.agency_a.pk))
    page.fill("#disposition-instruction", "Mohon segera ditangani.")
    with page.expect_navigation():  # the action's POST, then the workspace it leads back to
        page.locator("#aksi-disposition button[type=submit]:visible").last.click()
    browser.settle(page)
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

"""Accessibility (issue 13): axe-core, through axe-playwright-python (which bundles axe-core's
script: no CDN), finds no serious or critical violation on the public pages, the filing form and
the back office, in Debian's chromium at 360×740 like a cheap Android phone. The data is what a
real instance shows: reports in several statuses, an answered report with the agency's photos and
the reporter's own. Accounts are logged in with a session cookie (staff too: the second factor is
tested elsewhere, in tests/test_browser_blur.py and tests/test_accounts_mfa.py). Every rule runs;
none is switched off.

Every page visited here is also checked for refusals of the Content-Security-Policy, under the
same role (`Browser` of tests/browser.py: each visit waits until the page has settled, and each
test asserts that no refusal was seen): tests/test_browser_csp.py leaves these pages to this module
and keeps the scripts at work (the filing form, "Dukung", a disposition, the Django admin, the
Swagger UI) and the pages of the other roles; its docstring lists which module covers which page.
Skips, saying why, only where chromium is not installed."""

import pytest

from aduan.reports.models import Status
from tests.browser import Browser, needs_chromium
from tests.conftest import report_in
from tests.portal import give_profile
from tests.test_blurred_photos import face_photo

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

GRAVE = {"serious", "critical"}


@pytest.fixture
def browser(live_server, chromium):
    return Browser(chromium, live_server.url)


@pytest.fixture
def reports(tx_cast):
    """A report in each stage the pages show, one answered with photos on both sides."""
    cast = tx_cast
    give_profile(cast.citizen)
    return {
        "submitted": report_in(cast, Status.SUBMITTED),
        "in_progress": report_in(cast, Status.IN_PROGRESS, attachments=[face_photo()]),
        "responded": report_in(cast, Status.RESPONDED, attachments=[face_photo("jalan.jpg")]),
        "closed": report_in(cast, Status.CLOSED),
        "confidential": report_in(cast, Status.DISPOSITIONED, confidential=True),
    }


def _grave_violations(browser, page, path) -> list[str]:
    """Open `path`, run every axe rule on it and describe each serious or critical finding: the
    rule, the page and the elements (CSS targets) it found."""
    from axe_playwright_python.sync_playwright import Axe

    browser.visit(page, path)
    results = Axe().run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in GRAVE:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            found.append(
                f"{violation['id']} ({violation['impact']}) on {path}: {violation['help']}; "
                f"{targets[:8]}"
            )
    return found


def _check(browser, page, paths) -> list[str]:
    found = []
    for path in paths:
        found += _grave_violations(browser, page, path)
    return found


def test_axe_runs_and_sees_a_violation(browser, tx_cast):
    """The control: a picture without a text alternative, added to the home page, is found."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.page_for()
    browser.visit(page, "/")
    page.evaluate(
        """() => { const i = document.createElement("img"); i.src = "/favicon.ico";
                   document.querySelector("main").append(i); }"""
    )
    violations = Axe().run(page).response["violations"]
    assert [v["impact"] for v in violations if v["id"] == "image-alt"] == ["critical"]
    assert browser.violations == []


def test_the_public_pages_have_no_serious_violation(browser, reports):
    public, answered = reports["in_progress"], reports["responded"]
    page = browser.page_for()
    found = _check(
        browser,
        page,
        [
            "/",
            "/laporan/",
            "/laporan/peta/",
            f"/laporan/{public.code}/",
            f"/laporan/{answered.code}/",
            "/lacak/",
            "/statistik/",
            "/bukti/",
            "/bukti/periksa/",
            "/masuk/",
            "/daftar/",
        ],
    )
    assert not found, "\n".join(found)
    assert browser.violations == []


def test_the_citizen_pages_have_no_serious_violation(browser, reports, tx_cast):
    page = browser.page_for(tx_cast.citizen)
    found = _check(
        browser,
        page,
        [
            "/lapor/",
            "/laporan-saya/",
            f"/laporan/{reports['responded'].code}/",  # the answer, then the verdict form
            f"/laporan/{reports['confidential'].code}/",
            "/akun/notifikasi/",
        ],
    )
    assert not found, "\n".join(found)
    assert browser.violations == []


def test_the_back_office_has_no_serious_violation(browser, reports, tx_cast):
    page = browser.page_for(tx_cast.dispatcher)
    found = _check(
        browser,
        page,
        [
            "/kantor/antrean/",
            f"/kantor/laporan/{reports['submitted'].code}/",
            f"/kantor/laporan/{reports['responded'].code}/",
            "/kantor/laporan/",
            "/kantor/statistik/",
            "/kantor/makro/",
        ],
    )
    assert not found, "\n".join(found)
    assert browser.violations == []

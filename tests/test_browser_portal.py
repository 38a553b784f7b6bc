"""The citizen's story in a real browser: Debian's chromium driven by Playwright on a 360×740
phone screen. Register → verify the e-mail → file a report with a photo → see it in "Laporan
Saya" → the agency answers (through the actions) → rate it satisfied. Screenshots are kept in
tests/artifacts/. Skips, saying why, only where chromium is not installed."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail

from aduan.accounts.models import Role, User
from aduan.directory.models import Agency, Category
from aduan.reports import actions
from aduan.reports.models import Report, Status
from tests.browser import ARTIFACTS, needs_chromium
from tests.conftest import result_photo
from tests.portal import jpeg_with_gps

DOCS = Path(__file__).resolve().parents[1] / "docs"

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _master_data(master_data_again):
    pass


@pytest.fixture
def page(chromium):
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(
        viewport={"width": 360, "height": 740},
        locale="id-ID",
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(30000)
    yield page
    context.close()


def fits_the_phone(page) -> bool:
    """Nothing widens the page beyond the phone's screen (no sideways scrolling). Measured against
    the screen's width, not `window.innerWidth`: a mobile browser widens its layout viewport to
    fit a page that overflows (and zooms out), so innerWidth grows with the overflow."""
    width = page.viewport_size["width"]
    return page.evaluate("document.documentElement.scrollWidth") <= width


def _shot(page, name, full_page=True):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_it_registers_files_tracks_and_rates_on_a_phone(page, live_server, tmp_path):
    try:
        _story(page, live_server.url, tmp_path)
    except Exception as exc:
        _shot(page, "failure")  # what the browser showed when the story broke
        raise AssertionError(
            f"{exc}\n--- at {page.url}:\n{page.inner_text('body')[:1500]}"
        ) from exc


def _story(page, url, tmp_path):
    # 1. register
    page.goto(f"{url}/daftar/")
    page.fill("#id_username", "ani")
    page.fill("#id_email", "ani@example.test")
    page.fill("#id_password1", "Sumbawa-aman-2026")
    page.fill("#id_password2", "Sumbawa-aman-2026")
    page.fill("#id_full_name", "Ani Suryani")
    page.fill("#id_nik", "5204085203900002")
    page.select_option("#id_sex", "P")
    page.fill("#id_birth_date", "1990-03-12")
    page.fill("#id_occupation", "Guru")
    page.fill("#id_phone", "0813 3910 0033")
    with page.expect_response(re.compile(r".*/wilayah/desa/.*")):
        page.select_option("#id_district", "52.04.08")
    page.wait_for_selector("#id_village option[value='52.04.08.1004']", state="attached")
    page.select_option("#id_village", "52.04.08.1004")
    page.fill("#id_address", "Jl. Garuda 2")
    _shot(page, "01-register")
    page.click("form.card button[type=submit]")
    page.wait_for_url(re.compile(r".*/akun/confirm-email/.*|.*/akun/.*"))
    assert User.objects.filter(username="ani").exists()

    # 2. verify the e-mail with the link from the mail
    link = re.search(r"https?://\S+/akun/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(url + urlsplit(link).path)
    page.click("form.card button[type=submit]")
    page.goto(f"{url}/masuk/")
    page.fill("#id_login", "ani")
    page.fill("#id_password", "Sumbawa-aman-2026")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{url}/")

    # 3. file a report with a photo, watching the checklist fill in
    page.goto(f"{url}/lapor/")
    page.fill("#id_title", "Jalan berlubang di Seketeng")
    page.fill(
        "#id_description",
        "Kemarin sore jalan di depan SD Seketeng berlubang besar dan dua motor "
        "terjatuh; petugas Dinas PUPR belum datang memperbaiki.",
    )
    road = Category.objects.get(code="infrastruktur-jalan")
    with page.expect_response(re.compile(r".*/lapor/pertanyaan/.*")):
        page.select_option("#id_category", str(road.pk))
    page.select_option("#id_q_status-jalan", "kabupaten")  # the category's own question
    page.wait_for_selector("#checklist li[data-key=who].ok")
    assert page.locator("#checklist li.ok").count() == 4
    with page.expect_response(re.compile(r".*/wilayah/desa/.*")):
        page.select_option("#id_district", "52.04.08")
    page.wait_for_selector("#id_village option[value='52.04.08.1004']", state="attached")
    page.select_option("#id_village", "52.04.08.1004")
    photo = tmp_path / "lubang.jpg"
    photo.write_bytes(jpeg_with_gps((640, 480)))
    page.set_input_files("#id_attachments", str(photo))
    _shot(page, "02-filing-form-360")
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
        page.screenshot(path=str(DOCS / "filing-form-phone.png"), full_page=True)
    page.click("#report-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/terkirim/$"))
    code = page.inner_text("#tracking-code").strip()
    assert fits_the_phone(page)
    assert re.fullmatch(r"SBW-[2-9A-Z]{6}", code) and page.inner_text("#tracking-secret").strip()
    _shot(page, "03-filed")
    report = Report.objects.get(code=code)
    assert report.attachments.count() == 1 and report.reporter.username == "ani"
    assert report.category == road and report.extra_answers == {"status-jalan": "kabupaten"}

    # 4. "Laporan Saya"
    page.goto(f"{url}/laporan-saya/")
    assert code in page.inner_text("main")
    _shot(page, "04-my-reports")

    # 5. the dispatcher and the agency act (through the actions), then the reporter is satisfied
    dispatcher = User.objects.create_user("dispatcher-b", role=Role.DISPATCHER)
    pupr = Agency.objects.get(code="pupr")
    officer = User.objects.create_user("petugas-b", role=Role.OFFICER, agency=pupr)
    actions.do_disposition(report, pupr, actor=dispatcher, instruction="Segera perbaiki.")
    actions.do_accept(report, actor=officer)
    actions.do_answer(
        report,
        actor=officer,
        text="Lubang sudah ditambal pada hari ini.",
        attachments=[result_photo()],
    )
    page.goto(f"{url}/laporan/{code}/")
    assert "Lubang sudah ditambal" in page.inner_text("main")
    assert fits_the_phone(page)  # the signed receipt is one long token: it wraps
    page.check("#accept-form input[name=rating][value='5']")
    page.fill("#accept-form textarea[name=comment]", "Cepat, terima kasih.")
    _shot(page, "05-verdict")
    page.click("#accept-form button[type=submit]")
    page.wait_for_selector(".status-closed")
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 5
    _shot(page, "06-closed")


def test_the_public_accountability_pages_fit_a_phone(page, live_server, tx_cast, monkeypatch):
    """The public statistics (cards with their definitions, the month trend and the tables per
    agency and per kecamatan), the audit heads and the receipt check: wide tables scroll inside
    their own box, the page never scrolls sideways, and a definition reads as small print."""
    from aduan.audit import signing
    from tests.conftest import report_in

    # A public key with no "/" to break after (most are like that): it must wrap all the same.
    monkeypatch.setattr(signing, "available", lambda: True)
    monkeypatch.setattr(signing, "public_key", lambda: "Q" * 43 + "=")

    for status in (Status.SUBMITTED, Status.IN_PROGRESS, Status.CLOSED):
        report_in(tx_cast, status, title=f"Jalan rusak {status}")
    for path in ("/statistik/", "/bukti/", "/bukti/periksa/", "/laporan/"):
        page.goto(live_server.url + path)
        assert fits_the_phone(page), path
    page.goto(live_server.url + "/statistik/")
    assert page.locator("#agencies, table").count() >= 3
    definition = page.locator("#totals dd.help").first
    assert definition.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") < 16
    _shot(page, "07-public-statistics")

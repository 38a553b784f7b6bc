"""Before and after on the public page (issue 15), in a real browser at phone size: Debian's
chromium driven by Playwright on a 360×740 screen. A road report filed with a photo, answered
"done" with a photo of the result (through the actions); a visitor sees both photos side by side,
each loaded, each on half the screen. The screenshot is kept in tests/artifacts/."""

import pytest

from aduan.accounts.models import Role, User
from aduan.directory.models import Agency, Category, Region
from aduan.reports import actions
from tests.browser import ARTIFACTS, needs_chromium
from tests.conftest import result_photo
from tests.portal import give_profile

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _master_data(master_data_again):
    pass


def _answered_road_report():
    village = Region.objects.get(code="52.04.08.1004")
    citizen = give_profile(
        User.objects.create_user("warga-foto", role=Role.CITIZEN, full_name="Warga Foto")
    )
    dispatcher = User.objects.create_user("dispatcher-foto", role=Role.DISPATCHER)
    pupr = Agency.objects.get(code="pupr")
    officer = User.objects.create_user("petugas-foto", role=Role.OFFICER, agency=pupr)
    report, _secret = actions.do_file_report(
        reporter=citizen,
        title="Jalan berlubang di depan SD",
        description="Lubang besar di Jalan Garuda, motor sering jatuh.",
        category=Category.objects.get(code="infrastruktur-jalan"),
        district=village.parent,
        village=village,
        address="Jalan Garuda",
        extra_answers={"status-jalan": "kabupaten"},
        attachments=[result_photo(name="lubang.jpg", colour=(150, 60, 40))],
    )
    actions.do_disposition(report, pupr, actor=dispatcher, instruction="Tambal.")
    actions.do_accept(report, actor=officer)
    actions.do_answer(
        report,
        actor=officer,
        text="Lubang sudah ditambal.",
        attachments=[result_photo(name="tambal.jpg", colour=(60, 60, 65))],
    )
    return report


def test_a_visitor_sees_before_and_after_side_by_side_on_a_phone(live_server, chromium):
    report = _answered_road_report()
    ARTIFACTS.mkdir(exist_ok=True)
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, locale="id-ID", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/laporan/{report.code}/")
    section = page.locator("#before-after")
    section.scroll_into_view_if_needed()
    assert "Sebelum dan sesudah" in section.inner_text()
    before, after = section.locator("figure.before img"), section.locator("figure.after img")
    for image in (before, after):
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
    b, a = before.bounding_box(), after.bounding_box()
    # Side by side: the same row, the "before" on the left, each about half of the screen.
    assert abs(b["y"] - a["y"]) < 2 and b["x"] < a["x"]
    assert 120 < b["width"] < 180 and 120 < a["width"] < 180
    assert a["x"] + a["width"] <= 360
    page.screenshot(path=str(ARTIFACTS / "before-after-360.png"), full_page=True)
    context.close()

"""Maps in a real browser (Debian's chromium, 360×740): "Gunakan lokasi saya" picks the desa the
phone is in, a pin placed in another desa asks which one is right, and the feed map draws its
pins from the app's own files under the Content-Security-Policy."""

import json

import pytest

from aduan.directory.boundaries import SHIPPED
from aduan.reports import actions
from tests.browser import needs_chromium
from tests.conftest import PASSWORD, Cast, file_report
from tests.portal import give_profile

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]

FEATURES = {f["properties"]["kode"]: f for f in json.loads(SHIPPED.read_text())["features"]}
# The phone is in a desa of Kecamatan Moyo Hilir (52.04.18); the pin then goes to a desa in town.
MOYO = FEATURES["52.04.18.2004"]["properties"]


@pytest.fixture
def browser_context(chromium):
    context = chromium.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        permissions=["geolocation"],
        geolocation={"latitude": MOYO["lat"], "longitude": MOYO["lng"], "accuracy": 20},
    )
    errors = []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    yield context, errors
    context.close()


def _log_in(page, url, username):
    page.goto(f"{url}/masuk/?next=/lapor/")
    page.fill("#id_login", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{url}/lapor/")


def test_use_my_location_selects_the_desa_and_a_pin_elsewhere_asks(
    browser_context, live_server, master_data_again
):
    context, errors = browser_context
    cast = Cast()
    give_profile(cast.citizen)
    page = context.new_page()
    page.set_default_timeout(30000)
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    _log_in(page, live_server.url, cast.citizen.username)

    page.click("summary")  # "Titik lokasi (opsional)"
    page.click("#use-location")
    expect(page.locator("#id_village")).to_have_value("52.04.18.2004", timeout=20000)
    assert page.input_value("#id_district") == "52.04.18"
    assert abs(float(page.input_value("#id_latitude")) - MOYO["lat"]) < 1e-5
    assert "Kecamatan" in page.inner_text("#location-status")

    # The map loads only when asked for; a tap in another desa asks which desa is right.
    assert page.evaluate("typeof window.L") == "undefined"
    page.click("#open-map")
    page.wait_for_selector("#report-map .leaflet-container, #report-map.leaflet-container")
    page.wait_for_selector("#report-map path.boundary-desa", state="attached")
    town = FEATURES["52.04.08.1005"]["properties"]
    page.locator("#report-map").scroll_into_view_if_needed()  # the tap must land on the map
    # Tap the map where the town's desa is (Leaflet projects the point to the screen).
    x, y = page.evaluate(
        """([lat, lon]) => {
            const box = document.getElementById('report-map'), map = box.leafletMap;
            map.setView([lat, lon], 15, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]), r = box.getBoundingClientRect();
            return [r.left + p.x, r.top + p.y];
        }""",
        [town["lat"], town["lng"]],
    )
    page.mouse.click(x, y)
    page.wait_for_selector("#location-confirm:not([hidden])")
    assert "bukan di desa yang Anda pilih" in page.inner_text("#location-confirm")
    assert page.input_value("#id_village") == "52.04.18.2004"  # nothing changed yet
    page.click("#location-confirm button >> nth=0")
    expect(page.locator("#id_village")).to_have_value("52.04.08.1005", timeout=20000)
    assert page.input_value("#id_district") == "52.04.08"
    assert not errors, errors
    assert not [c for c in console if "Content Security Policy" in c or "htmx" in c], console


def test_the_feed_map_draws_clustered_pins_from_the_apps_own_files(
    browser_context, live_server, master_data_again
):
    context, errors = browser_context
    cast = Cast()
    for _ in range(3):
        report = file_report(cast, latitude="-8.4935", longitude="117.4208")
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tindak")
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/laporan/peta/")
    try:
        page.wait_for_selector("#map .marker-cluster, #map path.pin", state="attached")
    except Exception as exc:
        raise AssertionError((errors, console, page.inner_html("#map")[:2000])) from exc
    page.wait_for_selector("#map path.boundary-kecamatan", state="attached")
    assert all(u.startswith(live_server.url) for u in requests), requests
    assert not errors and not console, (errors, console)

"""The dispatcher's queue on a map in a real browser (Debian's chromium, 360×740): the pins are
drawn from the GeoJSON endpoint under the Content-Security-Policy, and the page fits the phone."""

import pytest

from tests.browser import needs_chromium
from tests.conftest import Cast, file_report

pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.slow, needs_chromium, pytest.mark.django_db(transaction=True)]


def test_the_queue_map_draws_pins_and_fits_the_phone(
    live_server, master_data_again, client, chromium
):
    cast = Cast()
    for _ in range(3):
        file_report(cast, latitude="-8.4935", longitude="117.4208")
    client.force_login(cast.dispatcher)
    session = client.cookies["sessionid"].value
    context = chromium.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": session, "domain": host, "path": "/"}])
    errors, console = [], []
    context.on("weberror", lambda e: errors.append(str(e.error)))
    page = context.new_page()
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/kantor/antrean/peta/")
    try:
        page.wait_for_selector("#map .marker-cluster, #map path.pin", state="attached")
    except Exception as exc:
        raise AssertionError((errors, console, page.content()[:3000])) from exc
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 361)
            .map(e => e.tagName + '#' + e.id + '.' + e.className + ':' +
                 Math.round(e.getBoundingClientRect().right)).slice(0, 8)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide
    assert not errors and not console, (errors, console)
    context.close()

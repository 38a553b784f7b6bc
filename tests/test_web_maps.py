"""The feed map and the point look-up of the filing form (issue 13)."""

import json
import re

import pytest

from aduan.directory import geo
from aduan.reports import actions
from tests.conftest import file_report


def _public(cast, **kwargs):
    report = file_report(cast, **kwargs)
    actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher, instruction="Tindak")
    report.refresh_from_db()
    return report


def _pins(response):
    match = re.search(
        r'<script id="map-pins" type="application/json">(.*?)</script>', response.text, re.S
    )
    return {p["code"]: p for p in json.loads(match.group(1))}


def test_it_locates_a_point_for_the_filing_form(client, db):
    response = client.get("/wilayah/lokasi/", {"lat": "-8.4935", "lon": "117.4208"})
    data = response.json()
    assert data["district"] == "52.04.08" and data["district_name"] == "Sumbawa"
    assert data["village"].startswith("52.04.08.") and data["village_name"]
    outside = client.get("/wilayah/lokasi/", {"lat": "-6.2", "lon": "106.8"}).json()
    assert outside == {
        "district": None,
        "village": None,
        "district_name": None,
        "village_name": None,
    }
    assert client.get("/wilayah/lokasi/", {"lat": "x", "lon": "1"}).status_code == 400
    assert client.get("/wilayah/lokasi/", {"lat": "95", "lon": "1"}).status_code == 400


def test_the_feed_map_pins_public_reports_and_keeps_anonymous_ones_at_their_desa(client, cast):
    exact = _public(cast, latitude="-8.493512", longitude="117.420811")
    anonymous = _public(cast, anonymous=True, latitude="-8.493512", longitude="117.420811")
    only_desa = _public(cast)
    unverified = file_report(cast)  # still waiting for the dispatcher: not public
    response = client.get("/laporan/peta/")
    assert response.status_code == 200
    pins = _pins(response)
    assert set(pins) == {exact.code, anonymous.code, only_desa.code}
    assert unverified.code not in response.text
    desa = geo.region_point(only_desa.village_id)
    assert (pins[exact.code]["lat"], pins[exact.code]["lon"]) == (-8.494, 117.421)  # rounded
    assert pins[exact.code]["at"] == "point"
    assert (pins[anonymous.code]["lat"], pins[anonymous.code]["lon"]) == desa
    assert pins[anonymous.code]["at"] == pins[only_desa.code]["at"] == "desa"
    assert "117.420811" not in response.text and "-8.493512" not in response.text
    assert pins[exact.code]["url"] == f"/laporan/{exact.code}/"
    # the text equivalent: the same reports counted by kecamatan, linked to the list
    assert 'href="/laporan/?district=52.04.08"' in response.text
    assert re.search(r"Sumbawa</a>\s*</td>\s*<td>3</td>", response.text)


def test_the_feed_map_follows_the_feed_filters(client, cast):
    report = _public(cast)
    response = client.get("/laporan/peta/", {"status": "closed"})
    assert report.code not in _pins(response)


def test_the_map_assets_are_served_by_the_app_and_tiles_only_when_configured(client, db):
    page = client.get("/laporan/peta/").text
    assert "/static/vendor/leaflet/leaflet.js" in page
    assert 'data-tiles=""' in page
    assert "http" not in re.search(r'<div class="map".*?>', page, re.S).group(0)
    csp = client.get("/laporan/peta/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp


@pytest.mark.parametrize(
    "url, origin",
    [
        ("https://tiles.example.org/{z}/{x}/{y}.png", "https://tiles.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
    ],
)
def test_a_tile_url_allows_its_host_for_images_and_nothing_else(url, origin):
    from aduan.settings import tile_origin

    assert tile_origin(url) == origin


@pytest.mark.slow
def test_with_a_tile_url_the_policy_allows_that_host_for_images_only():
    import os
    import subprocess
    import sys

    from tests.test_settings import ROOT, UNSET

    code = (
        "import django; django.setup()\nfrom django.test import Client\n"
        "from aduan.web.maps import map_assets\n"
        "r = Client().get('/tidak-ada/')\n"
        "print(r.headers['Content-Security-Policy']); print(map_assets()['tiles'])"
    )
    env = {k: v for k, v in os.environ.items() if k not in UNSET}
    env.update(
        ADUAN_ENV="test",
        ADUAN_DOTENV="/nonexistent",
        DJANGO_SETTINGS_MODULE="aduan.settings",
        MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="© Contoh",
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    policy, page = result.stdout.split("\n", 1)
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["img-src"] == "'self' data: https://tiles.example.org"
    assert sum("tiles.example.org" in v for v in directives.values()) == 1
    assert page.strip() == "https://tiles.example.org/{z}/{x}/{y}.png"


def test_every_page_names_its_icon_and_favicon_ico_leads_to_it(client, db):
    assert '<link rel="icon" href="/static/web/favicon.svg"' in client.get("/").text
    assert '<link rel="icon" href="/static/web/favicon.svg"' in client.get("/tidak-ada/").text
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/web/favicon.svg"
    assert client.get(response["Location"]).status_code == 200

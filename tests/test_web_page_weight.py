"""A first page load stays under 100 KB (DESIGN §5: a cheap phone on a slow connection), counted
uncompressed: the HTML plus every stylesheet and script it links (all served by the app itself)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.portal import give_profile

pytestmark = pytest.mark.django_db
BUDGET = 100 * 1024


def _weight(client, path):
    html = client.get(path).content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert not re.search(rb'(?:href|src)="(?:https?:)?//', html), "no asset from another host"
    sizes = {
        asset.decode(): len(Path(finders.find(asset.decode())).read_bytes()) for asset in assets
    }
    return len(html) + sum(sizes.values()), sizes


@pytest.mark.parametrize("path", ["/", "/laporan/", "/lacak/", "/masuk/", "/daftar/"])
def test_public_pages_stay_under_100_kb(client, cast, path):
    total, _assets = _weight(client, path)
    assert total < BUDGET, f"{path}: {total} bytes"


def test_the_filing_form_with_htmx_stays_under_100_kb(client, cast):
    give_profile(cast.citizen)
    client.force_login(cast.citizen)
    total, assets = _weight(client, "/lapor/")
    assert any("htmx" in name for name in assets)  # the bundled copy of django-htmx
    assert total < BUDGET, f"/lapor/: {total} bytes ({assets})"

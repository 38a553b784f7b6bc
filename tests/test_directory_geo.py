"""`aduan.directory.geo`: kecamatan and desa of a point from the shipped boundaries."""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from aduan.directory import boundaries, geo

SOURCE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "wilayah"
    / "sumbawa_5204_boundaries.geojson"
)
SHIPPED = json.loads(boundaries.SHIPPED.read_text("utf-8"))


def test_it_ships_every_kecamatan_and_desa_with_the_licence():
    levels = [f["properties"]["level"] for f in SHIPPED["features"]]
    assert levels.count(3) == 24
    assert levels.count(4) == 164
    licence = boundaries.SHIPPED.parent / "LICENSE.boundaries"
    assert "MIT License" in licence.read_text() and "Cahya DSN" in licence.read_text()
    assert boundaries.SHIPPED.stat().st_size < 300_000


@pytest.mark.parametrize(
    "feature",
    [f for f in SHIPPED["features"] if f["properties"]["level"] == 4],
    ids=lambda f: f["properties"]["kode"],
)
def test_it_locates_every_desa_at_its_own_point(feature):
    props = feature["properties"]
    assert geo.locate(props["lat"], props["lng"]) == (props["kode"][:8], props["kode"])
    assert geo.region_point(props["kode"]) == (props["lat"], props["lng"])
    assert geo.village_contains(props["kode"], props["lat"], props["lng"]) is True


def test_it_locates_the_town_centre_and_accepts_decimals():
    # Jalan Garuda, Sumbawa Besar: kecamatan Sumbawa (52.04.08)
    located = geo.locate(Decimal("-8.4935"), Decimal("117.4208"))
    assert located.district == "52.04.08"
    assert located.village.startswith("52.04.08.")


def test_it_locates_nothing_outside_the_regency():
    assert geo.locate(-6.2, 106.8) == (None, None)  # Jakarta
    assert geo.locate(-8.0, 117.4) == (None, None)  # open sea, 40 km north of the coast
    assert geo.region_point("31.71") is None


def test_a_point_just_off_the_coast_belongs_to_the_nearest_desa():
    bungin = next(f for f in SHIPPED["features"] if f["properties"]["kode"] == "52.04.05.2007")
    ring = bungin["geometry"]["coordinates"][0]
    lon, lat = max(ring, key=lambda point: point[1])  # the island's northmost vertex
    assert geo.locate(lat + 0.002, lon) == ("52.04.05", "52.04.05.2007")  # ~220 m at sea
    assert geo.locate(lat + 0.006, lon) == (None, None)  # ~660 m at sea


def test_a_pin_outside_the_chosen_desa_is_not_contained():
    props = next(f for f in SHIPPED["features"] if f["properties"]["level"] == 4)["properties"]
    assert geo.village_contains(props["kode"], -8.4935, 117.4208) is False
    assert geo.village_contains("52.04.25.2006", -8.4935, 117.4208) is None  # no boundary


def test_simplifying_keeps_the_ends_of_a_ring_and_drops_collinear_points():
    line = [[0, 0], [1, 0.00001], [2, 0], [2, 2], [0, 2], [0, 0]]
    assert boundaries.simplify_ring(line, 0.001) == [[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]


@pytest.mark.slow
def test_the_shipped_file_is_what_the_command_builds(tmp_path, monkeypatch):
    if not SOURCE.is_file():
        pytest.skip("../shared/data/wilayah is not present")
    out = tmp_path / "b.geojson"
    monkeypatch.setattr(boundaries, "SHIPPED", out)
    call_command("build_boundaries", str(SOURCE))
    assert json.loads(out.read_text("utf-8")) == SHIPPED

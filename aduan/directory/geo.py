"""Where a point lies: kecamatan and desa from the shipped boundaries, with no outside server.

`locate(lat, lon)` answers the filing form's "Gunakan lokasi saya" check, the WhatsApp channel's
shared locations and anyone else holding a coordinate. `region_point(code)` is the point a map
shows for a report that names only its desa (or kecamatan). Both read
`static/directory/boundaries-52.04.geojson` (built by `manage.py build_boundaries`), parsed once per
process.
"""

import json
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from .boundaries import SHIPPED

KECAMATAN, DESA = 3, 4


class Located(NamedTuple):
    """Kemendagri codes (the `Region` primary keys); None where the point falls outside."""

    district: str | None
    village: str | None


class _Area(NamedTuple):
    code: str
    name: str
    level: int
    point: tuple[float, float]  # (lat, lon) of the region's label point
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    polygons: tuple  # each a tuple of rings, each ring a tuple of (lon, lat)


@lru_cache(maxsize=1)
def _areas() -> tuple[_Area, ...]:
    collection = json.loads(SHIPPED.read_text("utf-8"))
    areas = []
    for feature in collection["features"]:
        props, geometry = feature["properties"], feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings = tuple(tuple(tuple(tuple(pt) for pt in ring) for ring in poly) for poly in polygons)
        xs = [pt[0] for poly in rings for pt in poly[0]]
        ys = [pt[1] for poly in rings for pt in poly[0]]
        areas.append(
            _Area(
                props["kode"],
                props["nama"],
                props["level"],
                (props["lat"], props["lng"]),
                (min(xs), min(ys), max(xs), max(ys)),
                rings,
            )
        )
    return tuple(areas)


def _in_ring(x: float, y: float, ring) -> bool:
    """Ray casting (even-odd) to the east of (x, y)."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def _contains(area: _Area, lon: float, lat: float) -> bool:
    west, south, east, north = area.bbox
    if not (west <= lon <= east and south <= lat <= north):
        return False
    for polygon in area.polygons:
        if _in_ring(lon, lat, polygon[0]) and not any(_in_ring(lon, lat, h) for h in polygon[1:]):
            return True
    return False


def _segment_distance(x: float, y: float, a, b) -> float:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / length))
    return ((x - ax - t * dx) ** 2 + (y - ay - t * dy) ** 2) ** 0.5


def _distance(area: _Area, lon: float, lat: float) -> float:
    west, south, east, north = area.bbox
    if not (west - SHORE <= lon <= east + SHORE and south - SHORE <= lat <= north + SHORE):
        return float("inf")
    return min(
        _segment_distance(lon, lat, ring[i - 1], ring[i])
        for polygon in area.polygons
        for ring in polygon[:1]
        for i in range(1, len(ring))
    )


# How far outside every shipped boundary a point may be and still belong to the nearest desa, in
# degrees (~550 m): a pier, a beach, a boat at the jetty, or a simplified coastline's shortcut.
SHORE = 0.005


def locate(lat: float | Decimal, lon: float | Decimal) -> Located:
    """The kecamatan and desa containing the point; `Located(None, None)` outside the regency.

    1. The desa whose boundary holds the point decides (its code starts with its kecamatan's).
    2. Else the nearest desa within `SHORE` (coasts and borders between desa are simplified),
       inside the kecamatan holding the point when one does.
    3. Else the kecamatan alone (one desa has no published boundary), or nothing.
    """
    lat, lon = float(lat), float(lon)
    district = None
    for area in _areas():
        if area.level == DESA and _contains(area, lon, lat):
            return Located(area.code.rsplit(".", 1)[0], area.code)
        if area.level == KECAMATAN and district is None and _contains(area, lon, lat):
            district = area.code
    distance, nearest = min(
        (
            (_distance(a, lon, lat), a.code)
            for a in _areas()
            if a.level == DESA and (district is None or a.code.startswith(district + "."))
        ),
        default=(float("inf"), None),
    )
    if nearest and distance <= SHORE:
        return Located(nearest.rsplit(".", 1)[0], nearest)
    return Located(district, None)


def region_point(code: str) -> tuple[float, float] | None:
    """(lat, lon) of a desa's or kecamatan's label point, None for a region with no boundary."""
    return _points().get(code)


@lru_cache(maxsize=1)
def _points() -> dict[str, tuple[float, float]]:
    return {area.code: area.point for area in _areas()}


def district_shapes() -> list[tuple[str, str, tuple]]:
    """(code, name, polygons) of every kecamatan, for the server-drawn SVG maps."""
    return [(a.code, a.name, a.polygons) for a in _areas() if a.level == KECAMATAN]


def village_contains(code: str, lat: float | Decimal, lon: float | Decimal) -> bool | None:
    """Whether the desa's boundary holds the point; None when the desa has no boundary."""
    for area in _areas():
        if area.code == code:
            return _contains(area, float(lon), float(lat))
    return None

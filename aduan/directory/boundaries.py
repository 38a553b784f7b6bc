"""Build the shipped boundary file from the full kecamatan and desa boundaries.

`manage.py build_boundaries SOURCE.geojson` writes `static/directory/boundaries-52.04.geojson`:
every ring simplified (Douglas-Peucker, tolerance in degrees) and rounded to five decimals (about
1 m), properties cut down to what the maps and `geo.locate` read. The file is committed with its
licence (`static/directory/LICENSE.boundaries`) so that a map works with no outside server.
"""

import itertools
import json
from pathlib import Path

SHIPPED = Path(__file__).parent / "static" / "directory" / "boundaries-52.04.geojson"
DEFAULT_TOLERANCE = (
    0.0005  # ~55 m: invisible at the zoom a kabupaten map is read at; 266 KB (64 KB gzip)
)


def _perpendicular(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify_line(points: list, tolerance: float) -> list:
    """Douglas-Peucker, iterative (rings have thousands of points; no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            d = _perpendicular(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if farthest is not None:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list, tolerance: float) -> list | None:
    """A closed ring split at its farthest point so both halves keep their ends; None when the
    ring collapses to fewer than four points (a tiny islet)."""
    if len(ring) < 5:
        return ring
    far = max(
        range(len(ring)),
        key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2,
    )
    out = simplify_line(ring[: far + 1], tolerance)[:-1] + simplify_line(ring[far:], tolerance)
    out = [[round(x, 5), round(y, 5)] for x, y in out]
    return out if len(out) >= 4 else None


def simplify_geometry(geometry: dict, tolerance: float) -> dict:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    kept = []
    for polygon in polygons:
        outer = simplify_ring(polygon[0], tolerance)
        if outer is None:
            continue
        holes = [r for r in (simplify_ring(h, tolerance) for h in polygon[1:]) if r]
        kept.append([outer, *holes])
    if not kept:  # never drop a whole region: keep its largest ring unsimplified
        kept = [max(polygons, key=lambda p: len(p[0]))]
    if len(kept) == 1:
        return {"type": "Polygon", "coordinates": kept[0]}
    return {"type": "MultiPolygon", "coordinates": kept}


def _inside(x: float, y: float, ring: list) -> bool:
    inside, j = False, len(ring) - 1
    for i in range(len(ring)):
        (xi, yi), (xj, yj) = ring[i], ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def label_point(geometry: dict, lat: float, lng: float) -> tuple[float, float]:
    """The source's point when it lies inside the region (a few coastal desa have theirs in the
    sea); else the middle of the widest stretch of the largest polygon along its middle latitude,
    which is inside by construction. A report with only a desa is drawn here."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    if any(_inside(lng, lat, p[0]) for p in polygons):
        return lat, lng
    ring = max(polygons, key=lambda p: len(p[0]))[0]
    ys = [pt[1] for pt in ring]
    y = (min(ys) + max(ys)) / 2
    crossings = sorted(
        xi + (y - yi) * (xj - xi) / (yj - yi)
        for (xi, yi), (xj, yj) in itertools.pairwise(ring)
        if (yi > y) != (yj > y)
    )
    pairs = list(zip(crossings[::2], crossings[1::2], strict=False))
    west, east = max(pairs, key=lambda pair: pair[1] - pair[0])
    return y, (west + east) / 2


def build(source: dict, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    features = []
    for feature in source["features"]:
        props = feature["properties"]
        geometry = simplify_geometry(feature["geometry"], tolerance)
        lat, lng = label_point(geometry, props["lat"], props["lng"])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "kode": props["kode"],
                    "nama": props["nama"],
                    "level": props["level"],
                    "lat": round(lat, 5),
                    "lng": round(lng, 5),
                },
                "geometry": geometry,
            }
        )
    features.sort(key=lambda f: f["properties"]["kode"])
    return {
        "type": "FeatureCollection",
        "licence": "MIT, (c) 2024 Cahya DSN: see LICENSE.boundaries next to this file",
        "features": features,
    }


def write(collection: dict, path: Path | None = None) -> int:
    path = path or SHIPPED
    text = json.dumps(collection, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return len(text)

"""Maps of the kecamatan shaded by a figure (issue 13), drawn on the server: an SVG for the
dashboard and the monthly evaluation page (no JavaScript, prints as it is), and polygons for the
evaluation's PDF (`draw_pdf`). Two maps: reports received, and the share of them past their
deadline.

The figures are the dashboard's per-kecamatan rows (`figures.dashboard(...)["districts"]`), the
same rows its "Per kecamatan" table shows, so the map and the table cannot disagree.

Geometry: the kecamatan boundaries shipped with the app (`aduan.directory.geo.district_shapes`),
projected once per process (`_projected`):
1. equirectangular, x scaled by cos(mid latitude) so that Sumbawa keeps its shape;
2. fitted into WIDTH pixels with PAD around, y growing southwards;
3. every ring simplified (Douglas-Peucker, SIMPLIFY_PX) and rings that collapse dropped.
"""

import math
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext as _

from aduan.directory import geo
from aduan.directory.boundaries import simplify_ring

WIDTH, PAD = 640, 8
# The shipped boundaries are already simplified (about 880 points for the 24 kecamatan); this
# drops what would fall within a pixel at the drawn size (about 810 points, 10 KB of paths).
SIMPLIFY_PX = 0.8
CLASSES = 5
# ColorBrewer sequential palettes, safe for colour-blind readers and in grey print.
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
ORANGE_REDS = ("#fef0d9", "#fdcc8a", "#fc8d59", "#e34a33", "#b30000")
NO_DATA = "#f2f2f2"


@dataclass(frozen=True)
class _Shape:
    code: str
    name: str
    rings: tuple  # each a tuple of (x, y) in pixels (the shipped kecamatan have no holes)
    d: str  # the SVG path of all rings


@dataclass(frozen=True)
class _Projection:
    width: int
    height: int
    shapes: tuple[_Shape, ...]


def _n(value: float) -> str:
    return f"{value:.1f}"


@lru_cache(maxsize=1)
def _projected() -> _Projection:
    districts = geo.district_shapes()
    points = [pt for _c, _n, polys in districts for poly in polys for pt in poly[0]]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * PAD) / ((east - west) * shrink)
    height = round((north - south) * scale + 2 * PAD)
    shapes = []
    for code, name, polygons in districts:
        rings = []
        for polygon in polygons:
            for ring in polygon:
                projected = [
                    (PAD + (lon - west) * shrink * scale, PAD + (north - lat) * scale)
                    for lon, lat in ring
                ]
                simple = simplify_ring(projected, SIMPLIFY_PX)
                if simple:
                    rings.append(tuple((float(x), float(y)) for x, y in simple))
        d = " ".join("M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in ring) + " Z" for ring in rings)
        shapes.append(_Shape(code, name, tuple(rings), d))
    return _Projection(WIDTH, height, tuple(sorted(shapes, key=lambda s: s.name)))


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    value: int | None  # None: no figure (a share of no reports)
    level: int  # 1..CLASSES, 0 for no figure
    fill: str
    title: str
    d: str
    rings: tuple


@dataclass(frozen=True)
class Key:
    """One entry of a map's legend, drawn under the map inside the same SVG."""

    colour: str
    label: str
    x: int


LEGEND_HEIGHT = 30


@dataclass(frozen=True)
class Map:
    slug: str
    title: str
    width: int
    height: int  # of the map; the SVG adds LEGEND_HEIGHT below it
    areas: list[Area]
    legend: list[Key]

    @property
    def svg_height(self) -> int:
        return self.height + LEGEND_HEIGHT

    @property
    def legend_y(self) -> int:
        return self.height + 8


def _keys(entries) -> list[Key]:
    """Lay the legend out in one row: a swatch, its label (about 8 px a character), a gap."""
    keys, x = [], PAD
    for colour, label in entries:
        keys.append(Key(colour, label, x))
        x += 20 + 8 * len(label) + 14
    return keys


@dataclass(frozen=True)
class Figure:
    """One kecamatan's row of the table beside the maps."""

    code: str
    name: str
    received: int
    overdue: int
    overdue_pct: int | None


def count_step(top: int) -> int:
    """The width of each class of counts: equal steps from 0 to the largest count."""
    return max(1, math.ceil(top / CLASSES))


def count_level(value: int, step: int) -> int:
    return min(CLASSES, max(1, math.ceil(value / step)))


def share_level(pct: int | None) -> int:
    """Fixed steps of 20 percentage points; 0 where there is no share (no reports)."""
    return 0 if pct is None else min(CLASSES, pct // 20 + 1)


def _span(low: int, high: int, suffix: str = "") -> str:
    return f"{low}{suffix}" if low == high else f"{low}–{high}{suffix}"


def figures_by_kecamatan(districts) -> list[Figure]:
    """Every shipped kecamatan with its row of the dashboard's table (zeros where none)."""
    rows = {row.key: row for row in districts if row.key is not None}
    out = []
    for shape in _projected().shapes:
        row = rows.get(shape.code)
        received, overdue = (row.received, row.overdue) if row else (0, 0)
        pct = round(100 * overdue / received) if received else None
        out.append(Figure(shape.code, row.name if row else shape.name, received, overdue, pct))
    return out


def kecamatan_maps(districts) -> dict:
    """{"maps": [received, overdue share], "figures": the table} from the dashboard's rows."""
    projection = _projected()
    shapes = {s.code: s for s in projection.shapes}
    figures = figures_by_kecamatan(districts)
    step = count_step(max((f.received for f in figures), default=0))
    received, late = [], []
    for f in figures:
        shape = shapes[f.code]
        level = count_level(f.received, step)
        received.append(
            Area(
                f.code,
                f.name,
                f.received,
                level,
                BLUES[level - 1],
                _("%(name)s: %(n)s laporan") % {"name": f.name, "n": f.received},
                shape.d,
                shape.rings,
            )
        )
        share = share_level(f.overdue_pct)
        title = (
            _("%(name)s: %(pct)s%% terlambat (%(late)s dari %(n)s laporan)")
            % {"name": f.name, "pct": f.overdue_pct, "late": f.overdue, "n": f.received}
            if f.overdue_pct is not None
            else _("%(name)s: tidak ada laporan") % {"name": f.name}
        )
        late.append(
            Area(
                f.code,
                f.name,
                f.overdue_pct,
                share,
                ORANGE_REDS[share - 1] if share else NO_DATA,
                title,
                shape.d,
                shape.rings,
            )
        )
    count_legend = _keys(
        (BLUES[k - 1], _span(0 if k == 1 else (k - 1) * step + 1, k * step))
        for k in range(1, CLASSES + 1)
    )
    share_legend = _keys(
        [
            (ORANGE_REDS[k - 1], _span((k - 1) * 20, 100 if k == CLASSES else k * 20 - 1, "%"))
            for k in range(1, CLASSES + 1)
        ]
        + [(NO_DATA, _("tidak ada laporan"))]
    )
    size = (projection.width, projection.height)
    return {
        "maps": [
            Map("received", _("Laporan diterima per kecamatan"), *size, received, count_legend),
            Map(
                "overdue",
                _("Bagian laporan yang terlambat per kecamatan"),
                *size,
                late,
                share_legend,
            ),
        ],
        "figures": figures,
    }


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def draw_pdf(pdf, chosen: Map, x: float, y: float, width: float, latin1) -> float:
    """Draw `chosen` on an fpdf2 page at (x, y) mm, `width` mm wide, with its title and legend;
    returns the y below it. Each ring is drawn as a filled polygon (the kecamatan have no
    holes)."""
    scale = width / chosen.width
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_xy(x, y)
    pdf.cell(width, 5, latin1(chosen.title))
    top = y + 6
    pdf.set_draw_color(61, 77, 92)
    pdf.set_line_width(0.15)
    for area in chosen.areas:
        pdf.set_fill_color(*_rgb(area.fill))
        for ring in area.rings:
            pdf.polygon([(x + px * scale, top + py * scale) for px, py in ring], style="DF")
    bottom = top + chosen.height * scale + 2
    pdf.set_font("Helvetica", "", 7)
    cursor = x
    for key in chosen.legend:
        pdf.set_fill_color(*_rgb(key.colour))
        pdf.rect(cursor, bottom + 0.8, 3, 3, style="DF")
        text = latin1(key.label)
        pdf.set_xy(cursor + 3.5, bottom)
        pdf.cell(pdf.get_string_width(text) + 1, 4.5, text)
        cursor += 3.5 + pdf.get_string_width(text) + 4
    pdf.set_fill_color(255, 255, 255)
    return bottom + 6

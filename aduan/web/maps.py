"""What the maps show: a report's pin, and the settings every map page passes to its script.

A pin sits at the report's own point where the viewer may see one
(`aduan.reports.visibility.shown_coordinates`: the public never gets an anonymous report's point,
and gets others' rounded to 3 decimals), else at its desa's point, else at its kecamatan's
(`aduan.directory.geo`). The list or text equivalent of every map is drawn from the same pins.
"""

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse

from aduan.directory import geo
from aduan.reports import sla, visibility

# Pins drawn at most on one map: the newest first. A phone draws a few hundred clustered circles
# quickly; beyond that the map says how many are left out and the list pages through the rest.
MAX_PINS = 1000
MAP_FIELDS = (
    "code",
    "title",
    "public_title",
    "status",
    "anonymous",
    "confidential",
    "latitude",
    "longitude",
    "district_id",
    "village_id",
    "reporter_id",
    "filed_by_id",
    "agency_id",
    "sub_unit_id",
)
# What a staff map also reads: the deadline state that colours a pin's ring (`sla.zone`).
DEADLINE_FIELDS = ("due_at", "warn_at", "paused_at")


def pin(report, viewer, *, staff: bool = False) -> dict | None:
    """{code, title, status, label, lat, lon, at: point|desa|kecamatan, url}, or None when the
    report names no place the map knows; for staff (the back office's maps) also `zone`, the
    deadline state (green, yellow, red, paused or None)."""
    point, at = visibility.shown_coordinates(report, viewer), "point"
    if point is None and report.village_id:
        point, at = geo.region_point(report.village_id), "desa"
    if point is None and report.district_id:
        point, at = geo.region_point(report.district_id), "kecamatan"
    if point is None:
        return None
    url = (
        reverse("backoffice:workspace", args=[report.code])
        if staff
        else reverse("web:report", args=[report.code])
    )
    shown = {
        "code": report.code,
        "title": visibility.shown_text(report, viewer).title,
        "status": report.status,
        "label": str(report.get_status_display()),
        "lat": point[0],
        "lon": point[1],
        "at": at,
        "url": url,
    }
    if staff:
        shown["zone"] = sla.zone(report)
    return shown


def pins(reports, viewer, *, staff: bool = False) -> tuple[list[dict], int]:
    """(pins of the newest MAX_PINS reports, how many reports were left off the map)."""
    fields = (*MAP_FIELDS, *DEADLINE_FIELDS) if staff else MAP_FIELDS
    rows = list(reports.only(*fields).order_by("-submitted_at", "-id")[: MAX_PINS + 1])
    left_off = 0
    if len(rows) > MAX_PINS:
        left_off = reports.count() - MAX_PINS
        rows = rows[:MAX_PINS]
    drawn = [p for p in (pin(r, viewer, staff=staff) for r in rows) if p]
    return drawn, left_off + len(rows) - len(drawn)


def map_assets() -> dict:
    """The data-* attributes a map element carries for web/map.js and web/report_map.js."""
    return {
        "leaflet_js": static("vendor/leaflet/leaflet.js"),
        "leaflet_css": static("vendor/leaflet/leaflet.css"),
        "cluster_js": static("vendor/markercluster/leaflet.markercluster.js"),
        "cluster_css": static("vendor/markercluster/MarkerCluster.css"),
        "cluster_default_css": static("vendor/markercluster/MarkerCluster.Default.css"),
        "boundaries": static("directory/boundaries-52.04.geojson"),
        "tiles": settings.MAP_TILE_URL,
        "attribution": settings.MAP_TILE_ATTRIBUTION,
    }

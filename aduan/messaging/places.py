"""The kecamatan and desa of a shared location, from `directory.geo.locate` (the shipped
boundaries). Until that module is installed, no region is filled: the point is still stored
and the dispatcher completes the place."""

from aduan.directory.models import Region


def locate(latitude: float, longitude: float) -> tuple[Region | None, Region | None]:
    try:
        from aduan.directory import geo
    except ImportError:
        return None, None
    located = geo.locate(latitude, longitude)
    regions = Region.objects.in_bulk([c for c in (located.district, located.village) if c])
    return regions.get(located.district), regions.get(located.village)

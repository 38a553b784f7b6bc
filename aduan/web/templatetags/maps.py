"""`{% map_assets as assets %}`: the URLs a map needs (aduan.web.maps.map_assets), for templates
whose views know nothing of maps (the filing form loads its map only when tapped)."""

from django import template

from aduan.web import maps

register = template.Library()


@register.simple_tag
def map_assets() -> dict:
    return maps.map_assets()

"""The back office's lists on a map (issue 13): the dispatcher's queue, the agency's inbox and
the list of all reports, each as a page with the list's filters and a GeoJSON endpoint its
script reads (`web/map.js`, CSP-safe: no inline script).

The pins are the list's own rows (`lists`: the same function with the same query string), drawn
by `aduan.web.maps.pins` for a staff viewer: at the report's point as
`visibility.shown_coordinates` gives it to that viewer, coloured by status, ringed by deadline
state, each linking to the workspace. The list itself is the map's text equivalent; the page
links to it with the same filters.
"""

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.accounts.access import staff_only
from aduan.reports.models import Status
from aduan.web import maps

from . import lists
from .views import _filter_choices


def _rows(name: str, request):
    """(params, queryset) of the list `name` for this request."""
    if name == "queue":
        params = lists.queue_params(request.GET)
        return params, lists.queue_reports(request.user, params)
    params = request.GET.copy()
    if name == "inbox":
        return params, lists.inbox_reports(request.user, params)
    return params, lists.all_reports(request.user, params)


def _titles(name: str, user) -> str:
    if name == "queue":
        return _("Peta antrean verifikasi")
    if name == "inbox":
        return _("Peta kotak masuk %(agency)s") % {"agency": user.agency.short_name}
    return _("Peta daftar laporan")


LIST_URLS = {"queue": "backoffice:queue", "inbox": "backoffice:inbox", "all": "backoffice:reports"}


def _page(request, name: str):
    params, _qs = _rows(name, request)
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    return render(
        request,
        "backoffice/map.html",
        {
            "title": _titles(name, request.user),
            "params": params,
            "show_agency": name == "all",
            **_filter_choices(),
            "list_url": reverse(LIST_URLS[name]) + suffix,
            "pins_url": reverse(f"{LIST_URLS[name]}_map_data") + suffix,
            "assets": maps.map_assets(),
            "status_choices": Status.choices,
        },
    )


def _data(request, name: str):
    """A GeoJSON FeatureCollection of the list's pins; `left_off` counts the reports of the list
    not drawn (beyond `maps.MAX_PINS`, or with no place the map knows)."""
    _params, qs = _rows(name, request)
    drawn, left_off = maps.pins(qs, request.user, staff=True)
    response = JsonResponse(
        {
            "type": "FeatureCollection",
            "left_off": left_off,
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
                    "properties": {k: v for k, v in p.items() if k not in ("lat", "lon")},
                }
                for p in drawn
            ],
        },
        content_type="application/geo+json",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@staff_only(roles=("dispatcher",))
def queue_map(request):
    return _page(request, "queue")


@require_GET
@staff_only(roles=("dispatcher",))
def queue_map_data(request):
    return _data(request, "queue")


@require_GET
@staff_only(roles=("officer",))
def inbox_map(request):
    return _page(request, "inbox")


@require_GET
@staff_only(roles=("officer",))
def inbox_map_data(request):
    return _data(request, "inbox")


@require_GET
@staff_only()
def reports_map(request):
    return _page(request, "all")


@require_GET
@staff_only()
def reports_map_data(request):
    return _data(request, "all")

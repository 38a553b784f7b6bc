"""Map pages of the public portal (issue 13): the feed on a map, and the point look-up the filing
form's "Gunakan lokasi saya" and map pin use. Each map has its list equivalent on the same page."""

from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from aduan.directory import geo
from aduan.directory.models import Region
from aduan.reports.models import Status
from aduan.reports.visibility import public_reports

from . import maps
from .forms import FeedFilterForm


def _filtered_public(get):
    form = FeedFilterForm(get or None)
    reports = public_reports()
    if form.is_valid():
        for field in ("category", "agency", "district", "status"):
            if form.cleaned_data[field]:
                reports = reports.filter(**{field: form.cleaned_data[field]})
    return form, reports


@require_GET
def feed_map(request):
    """The public reports on a map (clustered pins coloured by status) and, for those who cannot
    use the map, the same reports counted by kecamatan with links to the filtered list."""
    form, reports = _filtered_public(request.GET)
    drawn, left_off = maps.pins(reports, None)
    names = dict(Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", "name"))
    by_district = reports.order_by().values_list("district_id").annotate(n=Count("pk"))
    counts = sorted(
        ((code, names.get(code, "—"), n) for code, n in by_district if code),
        key=lambda row: (-row[2], row[1]),
    )
    return render(
        request,
        "web/feed_map.html",
        {
            "form": form,
            "pins": drawn,
            "left_off": left_off,
            "counts": counts,
            "query": request.GET.urlencode(),
            "assets": maps.map_assets(),
            "status_choices": Status.choices,
        },
    )


@require_GET
def locate(request):
    """{"district": code, "village": code, "district_name", "village_name"} of a point, for the
    filing form; nulls outside the regency, 400 on a malformed point."""
    try:
        lat, lon = float(request.GET["lat"]), float(request.GET["lon"])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError
    except (KeyError, ValueError):
        return JsonResponse({"error": "lat dan lon harus angka"}, status=400)
    located = geo.locate(lat, lon)
    names = dict(
        Region.objects.filter(code__in=[c for c in located if c]).values_list("code", "name")
    )
    return JsonResponse(
        {
            "district": located.district,
            "village": located.village,
            "district_name": names.get(located.district),
            "village_name": names.get(located.village),
        }
    )

"""An Atom feed of public reports (issue 15, "Follow and alerts"), for the kepala desa, the BPD,
the RT/RW and journalists: any feed reader follows a kecamatan, a desa, a category, an agency or a
status without an account. The filters are those of the public list (`FeedFilterForm`) and `desa`;
the entries are what the public list shows: `public_reports`, their text through `shown_text`
(the dispatcher's public version, masked), no reporter, no point."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from aduan.directory.models import Region
from aduan.reports.visibility import public_reports, shown_text

from .forms import FeedFilterForm

ENTRIES = 50


class PublicReportsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        form = FeedFilterForm(request.GET or None)
        if request.GET and not form.is_valid():
            raise Http404(_("Saringan umpan tidak dikenal."))
        filters = {k: v for k, v in (form.cleaned_data if form.is_bound else {}).items() if v}
        filters.pop("q", None)  # a search is a page, not a subscription
        code = (request.GET.get("desa") or "").strip()
        if code:
            village = Region.objects.filter(code=code, level=Region.Level.VILLAGE).first()
            if village is None:
                raise Http404(_("Desa/kelurahan tidak dikenal."))
            filters["village"] = village
        return {"filters": filters, "query": request.GET.urlencode()}

    def title(self, obj):
        names = [str(v) for k, v in obj["filters"].items() if k != "status"]
        status = obj["filters"].get("status")
        if status:
            from aduan.reports.models import Status

            names.append(str(Status(status).label))
        base = _("Laporan publik Aduan Sumbawa")
        return f"{base}: {', '.join(names)}" if names else base

    def subtitle(self, obj):
        return _(
            "Laporan yang sudah diverifikasi dan tidak dirahasiakan, terbaru lebih dulu; "
            "identitas pelapor tidak pernah dicantumkan."
        )

    def link(self, obj):
        url = reverse("web:feed")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def feed_url(self, obj):
        url = reverse("web:feed_atom")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def items(self, obj):
        return (
            public_reports()
            .filter(**obj["filters"])
            .select_related("category", "agency", "district", "village")
            .order_by("-updated_at", "-id")[:ENTRIES]
        )

    def item_title(self, item):
        return f"[{item.code}] {shown_text(item, None).title} — {item.get_status_display()}"

    def item_description(self, item):
        place = item.village or item.district
        lines = [
            shown_text(item, None).description,
            "",
            _("Status: %(status)s") % {"status": item.get_status_display()},
        ]
        if item.category:
            lines.append(_("Kategori: %(name)s") % {"name": item.category.name})
        if place:
            lines.append(_("Lokasi: %(name)s") % {"name": place.name})
        if item.agency:
            lines.append(_("Ditangani: %(name)s") % {"name": item.agency.name})
        return "<br>".join(escape(line).replace("\n", "<br>") for line in lines)

    def item_link(self, item):
        return reverse("web:report", args=[item.code])

    def item_guid(self, item):
        return f"tag:aduan,{item.submitted_at:%Y-%m-%d}:{item.code}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.submitted_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name] if item.category else []

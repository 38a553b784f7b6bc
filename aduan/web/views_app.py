"""The installable web app (issue 13): the manifest, the service worker at the root of the site, the
offline page, and the upload of one file ahead of its report (the phone's outbox)."""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from aduan.reports import attachments

from . import pending
from .models import PendingUpload

# Kept by the service worker when it is installed, so that the filing page works offline.
PRECACHED_STATIC = [
    "web/aduan.css",
    "web/app.js",
    "web/file_report.js",
    "web/report_map.js",
    "web/favicon.svg",
    "web/outbox-core.js",
    "web/outbox-send.js",
    "web/outbox.js",
    "web/draft.js",
    "web/icons/icon-192.png",
    "django_htmx/htmx-2.min.js",
]
ICON_SIZES = (192, 512)
# Unclaimed files one account may have waiting at once: a phone's outbox needs a few reports'
# worth; more is someone filling the disk.
MAX_PENDING_PER_USER = 50


def _static_bytes(path: str) -> bytes:
    found = finders.find(path)
    if found:
        with open(found, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(path) as handle:  # production: collected, maybe hashed
        return handle.read()


@lru_cache(maxsize=1)
def _worker_version() -> str:
    """Changes when any precached file changes, so that phones fetch the new ones."""
    digest = hashlib.sha256()
    for path in PRECACHED_STATIC:
        digest.update(_static_bytes(path))
    return digest.hexdigest()[:12]


@require_GET
@cache_control(no_cache=True)
def service_worker(request):
    """From the root so that its scope is the whole site (a worker under /static/ would only see
    /static/); checked again by the browser on every visit (no-cache)."""
    body = render_to_string(
        "web/sw.js",
        {
            "version": _worker_version(),
            "offline_url": reverse("web:offline"),
            "kept_pages": [reverse("home"), reverse("web:file_report"), reverse("web:my_reports")],
            "precache": [reverse("web:offline"), *(static(p) for p in PRECACHED_STATIC)],
            "outbox_core": static("web/outbox-core.js"),
            "outbox_send": static("web/outbox-send.js"),
            "static_prefix": settings.STATIC_URL,
            "site_name": settings.SITE_NAME,
            "icon": static("web/icons/icon-192.png"),
        },
    )
    return HttpResponse(body, content_type="text/javascript; charset=utf-8")


@require_GET
@cache_control(max_age=86400)
def manifest(request):
    data = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME[:12],
        "description": _("Layanan pengaduan publik"),
        "lang": "id",
        "start_url": reverse("home") + "?sumber=aplikasi",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0e5a8c",
        "icons": [
            {
                "src": static(f"web/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in ICON_SIZES
        ],
    }
    return HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )


@require_GET
def offline(request):
    """Shown by the service worker for a page that needs the network when there is none. Kept on
    the phone, so drawn for nobody in particular: no account name in it."""
    request.user = AnonymousUser()
    return render(request, "web/offline.html")


@login_required
@require_POST
def upload(request):
    """One file of a report still on the phone, with its own `Idempotency-Key`: checked and cleaned
    now, kept until the report claims it (`PendingUpload`). The same key again answers with the
    file already kept, so a retry after a lost answer stores nothing twice."""
    key = request.headers.get("Idempotency-Key", "")
    if not pending.valid_key(key):
        return JsonResponse({"error": _("Idempotency-Key tidak valid.")}, status=400)
    kept = PendingUpload.objects.filter(user=request.user, key=key).first()
    if kept is None:
        if PendingUpload.objects.filter(user=request.user).count() >= MAX_PENDING_PER_USER:
            return JsonResponse(
                {"error": _("Terlalu banyak lampiran menunggu; kirim laporannya dulu.")},
                status=429,
            )
        upload = request.FILES.get("file")
        if upload is None:
            return JsonResponse({"error": _("Pilih berkas untuk diunggah.")}, status=422)
        try:
            kept = pending.keep(request.user, attachments.clean_upload(upload), key)
        except attachments.AttachmentRefused as refused:
            return JsonResponse({"error": refused.message}, status=422)
        status = 201
    else:
        status = 200
    return JsonResponse(
        {"key": kept.key, "name": kept.original_name, "size": kept.size}, status=status
    )

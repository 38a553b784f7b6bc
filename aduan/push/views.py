"""The portal's doors to Web Push, called by web/push.js on /akun/notifikasi/: subscribe this
browser, unsubscribe it. JSON in, JSON out, `{"error": "…"}` with a 4xx when refused; CSRF
checked as for any POST of the portal (the script sends the page's token)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import sender, subscriptions

# A subscription is a few hundred bytes; anything much bigger is not one.
MAX_BODY_BYTES = 4096


def _refuse(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _read(request) -> dict | JsonResponse:
    """The checked subscription of the request, or the answer that refuses it."""
    if not request.user.is_authenticated:
        return _refuse(_("Masuk ke akun Anda terlebih dahulu untuk mengaktifkan notifikasi."), 401)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
        return _refuse(_("Data langganan terlalu besar."), 413)
    try:
        return subscriptions.parse(request.body)
    except subscriptions.SubscriptionRefused as refused:
        return _refuse(refused.message, 400)


@require_POST
def subscribe(request):
    found = _read(request)
    if isinstance(found, JsonResponse):
        return found
    if not sender.enabled():
        return _refuse(_("Notifikasi push belum disiapkan di server ini."), 404)
    _row, created = subscriptions.do_subscribe(
        request.user, user_agent=request.headers.get("User-Agent", ""), **found
    )
    return JsonResponse(
        {"ok": True, "message": _("Notifikasi di ponsel ini aktif.")},
        status=201 if created else 200,
    )


@require_POST
def unsubscribe(request):
    """Takes the same body (the browser sends its subscription as it had it); only the endpoint
    counts, and only among the account's own subscriptions."""
    found = _read(request)
    if isinstance(found, JsonResponse):
        return found
    removed = subscriptions.do_unsubscribe(request.user, endpoint=found["endpoint"])
    return JsonResponse(
        {"ok": True, "removed": removed, "message": _("Notifikasi di ponsel ini dimatikan.")}
    )

"""Replay: `GET /integrasi/peristiwa/?since=<id>&limit=<n>` with `Authorization: Bearer <key>`
gives the events after `since`, oldest first, signed like a delivery, so a receiver that was down
longer than the retries fetches what it missed: of the kinds the subscription chose, like its
deliveries. Without a valid key: 401."""

import json
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from aduan.core.http import error_response

from . import events, signing
from .models import FeedEvent, Subscription


@require_GET
def replay(request):
    auth = request.headers.get("Authorization", "")
    key = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
    subscription = Subscription.for_key(key) if key else None
    if subscription is None:
        return error_response(401, _("Kunci langganan tidak sah."))
    try:
        since = int(request.GET.get("since", "0"))
        limit = min(max(int(request.GET.get("limit", "100")), 1), settings.FEED_REPLAY_MAX)
    except ValueError:
        return error_response(400, _("since dan limit harus bilangan bulat."))
    chosen = FeedEvent.objects.filter(pk__gt=since)
    if subscription.kinds:  # the kinds it chose, as its deliveries (ids still only grow)
        chosen = chosen.filter(kind__in=subscription.kinds)
    items = list(events.still_public(chosen).order_by("pk")[:limit])
    page = {
        "events": [events.as_dict(item) for item in items],
        "next_since": items[-1].pk if items else since,
        "more": len(items) == limit,
    }
    body = json.dumps(page, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    response = HttpResponse(body, content_type="application/json")
    for name, value in signing.headers(subscription.secret, int(time.time()), body).items():
        response[name] = value
    return response

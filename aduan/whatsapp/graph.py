"""The WhatsApp Business Cloud API (Meta's Graph API): send a message, fetch a media file.

Every call carries `Authorization: Bearer WHATSAPP_ACCESS_TOKEN`; a failure (no answer, a status
other than 2xx) raises `GraphError`, and the outbox retries with backoff.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings


class GraphError(Exception):
    pass


def _call(url: str, payload: dict | None = None, *, limit: int = 1_000_000) -> tuple[bytes, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode() if payload is not None else None,
        method="POST" if payload is not None else "GET",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.WHATSAPP_ACCESS_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.WHATSAPP_TIMEOUT) as response:
            body = response.read(limit + 1)
            content_type = response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        raise GraphError(f"Graph API answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise GraphError(f"Graph API unreachable: {exc}") from None
    if len(body) > limit:
        raise GraphError("answer too large")
    return body, content_type


def base() -> str:
    return settings.WHATSAPP_GRAPH_URL.rstrip("/")


def send(payload: dict) -> str:
    """POST /<phone-number-id>/messages; returns the message id (wamid…)."""
    url = f"{base()}/{settings.WHATSAPP_PHONE_NUMBER_ID}/messages"
    body, _type = _call(url, {"messaging_product": "whatsapp", **payload})
    try:
        return str(json.loads(body)["messages"][0]["id"])
    except (ValueError, KeyError, IndexError, TypeError):
        raise GraphError("Graph API answer without a message id") from None


def media(media_id: str, limit: int) -> tuple[bytes, str]:
    """GET /<media-id> gives a short-lived URL; GET that URL (with the token) gives the bytes."""
    body, _type = _call(f"{base()}/{media_id}")
    try:
        url = str(json.loads(body)["url"])
    except (ValueError, KeyError, TypeError):
        raise GraphError("media answer without a url") from None
    return _call(url, limit=limit)

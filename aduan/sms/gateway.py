"""The pluggable SMS gateway: one HTTP POST per message, called by the outbox worker.

Any gateway that accepts `{"to": "+62…", "message": "…"}` as JSON with a Bearer token fits; a
failure (no answer, or a status other than 2xx) raises, and the outbox retries with backoff.
"""

import json
import urllib.error
import urllib.request

from django.conf import settings


class GatewayError(Exception):
    pass


def send(to: str, message: str) -> None:
    if not settings.SMS_GATEWAY_URL:
        raise GatewayError("SMS_GATEWAY_URL is not set")
    request = urllib.request.Request(
        settings.SMS_GATEWAY_URL,
        data=json.dumps({"to": to, "message": message}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as exc:
        raise GatewayError(f"gateway answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise GatewayError(f"gateway unreachable: {exc}") from None
    if not 200 <= status < 300:
        raise GatewayError(f"gateway answered {status}")

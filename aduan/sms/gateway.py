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


def send_notification(notification) -> None:
    """The outbox transport of channel "sms" (registered in `SmsConfig.ready()`)."""
    send(notification.address, notification.body)


def compose(*, kind: str, subject: str, body: str, link: str, context: dict) -> str:
    """An SMS is the subject and the link: one or two SMS, not the whole e-mail. When the
    reporter is asked something (information, a verdict) it says what to reply, with the
    agency's question or answer as far as it fits."""
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    with override("id"):
        hint = {
            "info_requested": _("Balas pesan ini dengan informasinya (teks atau foto)."),
            "report_answered": _(
                "Balas PUAS jika Anda puas, BELUM SELESAI jika masalahnya belum beres, atau "
                "TIDAK PUAS diikuti alasannya."
            ),
            "verdict_reminder": _(
                "Balas PUAS jika Anda puas, BELUM SELESAI jika masalahnya belum beres, atau "
                "TIDAK PUAS diikuti alasannya."
            ),
        }.get(kind, "")
    if not hint:
        return f"{subject} {link}".strip()[:320]
    text = " ".join(str(context.get("text") or "").split())
    room = 320 - len(subject) - len(hint) - len(link) - 4
    if text and room > 20:
        text = text if len(text) <= room else text[: room - 1].rstrip() + "…"
        return f"{subject}: {text} {hint} {link}".strip()
    return f"{subject} {hint} {link}".strip()[:320]


def verified_phone_of(user) -> str:
    """Accounts hear by SMS on a phone they proved is theirs, never on a typed-in number."""
    from .models import VerifiedPhone

    return VerifiedPhone.objects.filter(user=user).values_list("phone", flat=True).first() or ""

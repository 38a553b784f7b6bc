"""Messages to WhatsApp, sent by the outbox worker (the transport registered in `apps.py`).

WhatsApp's rule: inside the 24-hour customer-service window (24 hours after the citizen's last
message) any text may be sent; outside it only a template approved by Meta. So at the moment of
sending (not of queueing: a retry may cross the boundary) the window is checked, and outside it
the message goes as the configured template, its parameters the report code and the message's
first line. The Indonesian text of the templates, as submitted to Meta, is in `TEMPLATES`.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.messaging.models import Conversation

from . import graph

WINDOW = dt.timedelta(hours=24)

# Submit these to Meta (WhatsApp Manager › Message templates, category Utility, language id);
# WHATSAPP_TEMPLATE_* names the one approved. {{1}} is the report code, {{2}} the news.
TEMPLATES = {
    "aduan_kabar_laporan": (
        "Kabar laporan {{1}} dari Aduan Sumbawa: {{2}}\n"
        "Balas pesan ini untuk melihat rinciannya atau menanggapi."
    ),
    "aduan_peringatan_petugas": (
        "Aduan Sumbawa, untuk petugas: laporan {{1}} — {{2}}\n"
        "Buka aplikasi Aduan untuk menanganinya."
    ),
}


def enabled() -> bool:
    return bool(settings.WHATSAPP_ACCESS_TOKEN and settings.WHATSAPP_PHONE_NUMBER_ID)


def in_window(phone: str, now=None) -> bool:
    now = now or timezone.now()
    last = (
        Conversation.objects.filter(channel="whatsapp", phone=phone)
        .values_list("last_inbound_at", flat=True)
        .first()
    )
    return last is not None and last > now - WINDOW


def compose(*, kind: str, subject: str, body: str, link: str, context: dict) -> str:
    """The e-mail's text without its e-mail footer, and what the citizen can reply."""
    text = body.split("\n--\n", 1)[0].strip()
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
    return "\n\n".join(part for part in (f"*{subject}*", text, hint) if part)[:4000]


def _to(phone: str) -> str:
    return phone.lstrip("+")


def payload_for(notification, *, now=None) -> dict:
    to = _to(notification.address)
    if in_window(notification.address, now):
        buttons = (notification.extra or {}).get("buttons") or []
        if buttons:
            return {
                "to": to,
                "type": "interactive",
                "interactive": {
                    "type": "button",
                    "body": {"text": notification.body[:1024]},
                    "action": {
                        "buttons": [
                            {"type": "reply", "reply": {"id": str(i)[:256], "title": str(t)[:20]}}
                            for i, t in buttons[:3]
                        ]
                    },
                },
            }
        return {"to": to, "type": "text", "text": {"body": notification.body[:4096]}}
    staff = bool((notification.extra or {}).get("staff"))
    name = settings.WHATSAPP_STAFF_TEMPLATE if staff else settings.WHATSAPP_TEMPLATE
    code = notification.report.code if notification.report_id else "-"
    news = " ".join(notification.subject.split()).removeprefix(f"[{code}]").strip()[:200]
    return {
        "to": to,
        "type": "template",
        "template": {
            "name": name,
            "language": {"code": settings.WHATSAPP_TEMPLATE_LANGUAGE},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": code}, {"type": "text", "text": news}],
                }
            ],
        },
    }


def send_notification(notification) -> str:
    payload = payload_for(notification)
    if payload["type"] == "template":
        notification.extra = {**(notification.extra or {}), "template": payload["template"]["name"]}
        notification.save(update_fields=["extra"])
    return graph.send(payload)

"""The webhook of the WhatsApp Business Cloud API (`/whatsapp/webhook`).

GET: Meta's verification handshake: `hub.mode=subscribe`, `hub.verify_token` equal to
WHATSAPP_VERIFY_TOKEN → `hub.challenge` echoed; anything else 403.

POST: a notification.
1. Off (404) unless WHATSAPP_APP_SECRET is set; the body must carry `X-Hub-Signature-256:
   sha256=<HMAC-SHA256 of the raw body with the app secret>` (401 otherwise).
2. Each message is handled once: its id is recorded (`ReceivedMessage`, unique) in the same
   transaction as what it caused, so Meta's re-deliveries and a replayed body change nothing.
3. Photos and documents are fetched through the Graph media API and pass the attachment checker
   and metadata cleaning of every other surface; a refused file is answered, not stored. If the
   media API is unreachable the whole message rolls back and the answer is 503: Meta delivers it
   again later.
4. A shared location fills the point and the kecamatan/desa; a button's id is read as the text.
5. Status callbacks (sent / delivered / read / failed) are recorded on the outbox row whose
   message id they name.
6. Rate limit per sender as for SMS: over it, one notice per window and the message dropped.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from aduan.accounts.phone import normalise_phone_or_none
from aduan.messaging import engine
from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.ops import ratelimit
from aduan.reports import attachments

from . import graph

log = logging.getLogger(__name__)
RECEIPTS = ("sent", "delivered", "read", "failed")


def valid_signature(body: bytes, header: str) -> bool:
    expected = hmac.new(settings.WHATSAPP_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    given = header.removeprefix("sha256=").strip().lower()
    return hmac.compare_digest(expected, given)


@csrf_exempt
def webhook(request):
    if request.method == "GET":
        token = settings.WHATSAPP_VERIFY_TOKEN
        if (
            token
            and request.GET.get("hub.mode") == "subscribe"
            and hmac.compare_digest(request.GET.get("hub.verify_token", ""), token)
        ):
            return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
        return HttpResponse(status=403)
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if not settings.WHATSAPP_APP_SECRET:
        return HttpResponse(status=404)
    body = request.body
    if not valid_signature(body, request.headers.get("X-Hub-Signature-256", "")):
        return JsonResponse({"error": "bad signature"}, status=401)
    try:
        payload = json.loads(body)
        changes = [
            change.get("value") or {}
            for entry in payload.get("entry", [])
            for change in entry.get("changes", [])
        ]
    except (ValueError, AttributeError, TypeError):
        return JsonResponse({"error": "not a Cloud API notification"}, status=400)
    handled = 0
    for value in changes:
        for status in value.get("statuses") or []:
            _record_receipt(status)
        for message in value.get("messages") or []:
            try:
                handled += _handle_message(message)
            except graph.GraphError as exc:
                log.warning("WhatsApp media unavailable, asking Meta to deliver again: %s", exc)
                return JsonResponse({"error": "media unavailable"}, status=503)
    return JsonResponse({"status": "ok", "handled": handled})


def _record_receipt(status: dict) -> None:
    name, message_id = str(status.get("status", "")), str(status.get("id", ""))
    if name not in RECEIPTS or not message_id:
        return
    try:
        at = dt.datetime.fromtimestamp(int(status.get("timestamp")), tz=dt.UTC)
    except (TypeError, ValueError):
        at = timezone.now()
    # Receipts may arrive out of order or twice: only a newer one replaces the last.
    rows = Notification.objects.filter(channel="whatsapp", external_id=message_id)
    rows.filter(receipt_at__isnull=True).update(receipt=name, receipt_at=at)
    rows.filter(receipt_at__lt=at).update(receipt=name, receipt_at=at)
    if name == "failed":
        errors = status.get("errors") or [{}]
        detail = str(errors[0].get("title") or errors[0].get("message") or "failed")[:2000]
        for row in rows:
            row.delivery_attempts.create(ok=False, error=f"WhatsApp: {detail}")


def _handle_message(message: dict) -> int:
    phone = normalise_phone_or_none("+" + str(message.get("from", "")).lstrip("+"))
    message_id = str(message.get("id", ""))[:200]
    if not phone or not message_id:
        return 0
    if engine.delivered_before("whatsapp", message_id):
        return 0
    refusal = ratelimit.hit(
        ratelimit.Rule(
            "whatsapp:phone",
            f"phone:{phone}",
            settings.WHATSAPP_RATE_LIMIT_PER_PHONE_PER_HOUR,
            ratelimit.HOUR,
        )
    )
    if refusal is not None:
        if ratelimit.first_notice(refusal, phone):
            with transaction.atomic():
                outbox.send_to(
                    "whatsapp",
                    phone,
                    _(
                        "Aduan Sumbawa: terlalu banyak pesan dari nomor ini. Pesan Anda belum "
                        "diproses; kirim lagi dalam %(wait)s."
                    )
                    % {"wait": refusal.wait_text()},
                    kind="chat_reply",
                )
        return 0
    incoming = engine.Incoming(channel="whatsapp", phone=phone)
    refused = _read(message, incoming)
    try:
        with transaction.atomic():
            engine.record_delivery("whatsapp", message_id)
            engine.record_inbound("whatsapp", phone)
            if refused:
                outbox.send_to("whatsapp", phone, refused, kind="chat_reply")
            if incoming.text or incoming.files or incoming.latitude is not None:
                engine.handle(incoming)
    except IntegrityError:  # the same message, delivered twice at once: the other copy won
        return 0
    return 1


def _read(message: dict, incoming: engine.Incoming) -> str:
    """Fill `incoming` from the message; returns why a file was refused ("" if none was)."""
    kind = message.get("type")
    content = message.get(kind) or {}
    if kind == "text":
        incoming.text = str(content.get("body", ""))  # its length: `rules.check_description`
    elif kind == "interactive":
        reply = content.get("button_reply") or content.get("list_reply") or {}
        incoming.text = str(reply.get("id") or reply.get("title") or "")[:200]
    elif kind == "button":
        incoming.text = str(content.get("payload") or content.get("text") or "")[:200]
    elif kind == "location":
        try:
            incoming.latitude = float(content["latitude"])
            incoming.longitude = float(content["longitude"])
        except (KeyError, TypeError, ValueError):
            return ""
        incoming.place = " ".join(
            str(content.get(k, "")) for k in ("name", "address") if content.get(k)
        )[:255]
    elif kind in ("image", "document", "video"):
        incoming.text = str(content.get("caption", ""))
        limit = max(settings.ATTACHMENT_MAX_MB, settings.ATTACHMENT_MAX_VIDEO_MB) * 1024 * 1024
        data, _type = graph.media(str(content.get("id", "")), limit)
        name = str(content.get("filename") or f"whatsapp-{kind}")
        try:
            incoming.files.append(attachments.clean_upload(ContentFile(data, name=name)))
        except attachments.AttachmentRefused as exc:
            return exc.message
    else:
        return _("Jenis pesan ini belum dapat dibaca. Kirim teks, foto, dokumen atau lokasi.")
    return ""

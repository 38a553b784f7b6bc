"""The webhook the SMS gateway calls for every incoming message (`POST /sms/webhook`).

1. The shared secret must be configured (503 otherwise: refuse rather than accept unsigned mail).
2. Timestamp, nonce and signature headers must be present and the signature valid (401).
3. The timestamp must be within SMS_WEBHOOK_TOLERANCE of now (401), and the nonce new (409):
   a captured request cannot be replayed later, nor twice at once (unique constraint).
4. The body is JSON `{"from": "+62…", "text": "…"}` (400 otherwise), with the gateway's `"id"`
   of the message where it has one: a message whose id was already handled (a retry after a
   time-out, with a new nonce) answers 200 `"duplicate"` and does nothing, as WhatsApp's do.
5. Rate limits (`ops.ratelimit`): calls per address, checked first, and messages per sender's
   number, checked once the message is proven genuine. Over either: 429 with `Retry-After`, nothing
   filed and the nonce not used. A refused sender gets one SMS per window saying the message was
   not processed and when to send it again (one, not one per message: a flood or a loop with an
   auto-responder costs one SMS). The gateway should not re-deliver a 429: the citizen resends.
"""

import datetime as dt
import json
import time

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from aduan.accounts.phone import normalise_phone_or_none
from aduan.messaging import engine
from aduan.ops import ratelimit

from . import commands, signing
from .models import WebhookNonce
from .replies import queue_reply


def _refuse(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": status, "message": message}}, status=status)


def _too_many(refusal, *, reply: str | None = None) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": 429, "message": ratelimit.too_many_message(refusal)}, "reply": reply},
        status=429,
    )
    response["Retry-After"] = str(refusal.retry_after)
    return response


@csrf_exempt
@require_POST
def webhook(request):
    secret = settings.SMS_WEBHOOK_SECRET
    if not secret:
        return _refuse(503, "SMS_WEBHOOK_SECRET belum diatur.")
    refusal = ratelimit.sms_address(request)
    if refusal is not None:
        return _too_many(refusal)
    try:
        body = request.body
    except RequestDataTooBig:
        return _refuse(413, "Permintaan terlalu besar.")
    timestamp = request.headers.get("X-Aduan-Timestamp", "")
    nonce = request.headers.get("X-Aduan-Nonce", "")
    signature = request.headers.get("X-Aduan-Signature", "")
    if not (timestamp and 8 <= len(nonce) <= 100 and signature):
        return _refuse(401, "Permintaan tidak bertanda tangan.")
    if not signing.valid(secret, timestamp, nonce, body, signature):
        return _refuse(401, "Tanda tangan tidak valid.")
    try:
        sent_at = int(timestamp)
    except ValueError:
        return _refuse(401, "Timestamp tidak valid.")
    if abs(time.time() - sent_at) > settings.SMS_WEBHOOK_TOLERANCE:
        return _refuse(401, "Timestamp terlalu lama atau di masa depan.")
    try:
        message = json.loads(body)
        phone = normalise_phone_or_none(str(message["from"]))
        text = str(message["text"])
        # The gateway's id of the message, where it sends one: a retry of the same message (a
        # new nonce and time, after a time-out) is then handled once, as WhatsApp's are.
        message_id = str(message.get("id") or "")[:200]
    except (ValueError, KeyError, TypeError, AttributeError):
        return _refuse(400, 'Isi harus JSON {"from": "+62…", "text": "…"}.')
    if phone is None or "\x00" in text or "\x00" in message_id:
        return _refuse(400, "Nomor pengirim atau teks tidak valid.")
    if message_id and engine.delivered_before("sms", message_id):
        return JsonResponse({"status": "duplicate", "reply": None})
    refusal = ratelimit.sms_phone(phone)
    if refusal is not None:
        reply = None
        if ratelimit.first_notice(refusal, phone):
            reply = _(
                "Aduan Sumbawa: terlalu banyak SMS dari nomor ini. Pesan Anda belum diproses; "
                "kirim lagi dalam %(wait)s."
            ) % {"wait": refusal.wait_text()}
            queue_reply(phone, reply)
        return _too_many(refusal, reply=reply)
    now = timezone.now()
    try:
        with transaction.atomic():
            WebhookNonce.objects.create(nonce=nonce, received_at=now)
            if message_id:
                engine.record_delivery("sms", message_id)
            reply = commands.handle(phone, text)
    except IntegrityError:  # the nonce again, or the same message arriving twice at once
        return _refuse(409, "Permintaan ini sudah pernah diterima (nonce dipakai ulang).")
    horizon = now - dt.timedelta(seconds=2 * settings.SMS_WEBHOOK_TOLERANCE)
    WebhookNonce.objects.filter(received_at__lt=horizon).delete()
    return JsonResponse({"status": "ok", "reply": reply})

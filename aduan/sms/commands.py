"""An incoming SMS, once the webhook proved it comes from the gateway: handed to the
conversation engine shared with WhatsApp (`aduan.messaging.engine`), which files, answers `CEK`,
takes information and verdicts, and queues the reply in the outbox."""

from aduan.messaging import engine
from aduan.messaging.identity import account_for  # noqa: F401 - the SMS app's own name for it


def handle(phone: str, text: str) -> str:
    """Act on one message and queue the reply; returns the reply."""
    replies = engine.handle(engine.Incoming(channel="sms", phone=phone, text=text or ""))
    return "\n".join(r.text for r in replies)

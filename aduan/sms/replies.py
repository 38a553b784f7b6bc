"""SMS replies are rows of the outbox (channel SMS), delivered by its worker through the
transport the SMS app registers (`SmsConfig.ready()`)."""

from aduan.notifications import outbox
from aduan.notifications.models import Channel, Notification


def queue_reply(phone: str, text: str, *, report=None, secret: str = "") -> Notification:
    """`secret`: a value the text carries that must not be stored in clear (a tracking secret, a
    verification code); the row keeps the text sealed until delivery (`outbox.send_to`)."""
    return outbox.send_to(
        Channel.SMS,
        phone,
        text[:480],
        kind="sms_reply",
        report=report,
        subject="SMS",
        secret=secret,
    )

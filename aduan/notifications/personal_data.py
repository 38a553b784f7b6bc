"""The outbox's part of a citizen's personal data (`aduan.accounts.personal_data`): the channels
they chose and the messages addressed to them (in-app ones with their text, as `/notifikasi/`
shows them; others by subject, channel and time: their text may be sealed).

Erasure: messages still waiting are dropped (no one is to be told anything at an erased address);
sent ones stay as the record that the person was told (an Ombudsman asks "was the reporter
informed?"), without the address or the text."""

from django.db.models import Q

from .models import Channel, Notification, Preference

REDACTED = "[dihapus atas permintaan pemilik data]"


def _addressed_to(user, emails=(), phones=()):
    return Q(recipient=user) | Q(recipient__isnull=True, address__in=[*emails, *phones])


def collect(user) -> dict:
    preference = Preference.objects.filter(user=user).first()
    return {
        "channels": preference.channels if preference is not None else None,
        "messages": [
            {
                "at": n.created_at,
                "channel": n.channel,
                "kind": n.kind,
                "report": n.report.code if n.report else "",
                "subject": n.subject,
                "body": n.body if n.channel == Channel.IN_APP else "",
                "state": n.state,
                "sent_at": n.sent_at,
                "read_at": n.read_at,
            }
            for n in Notification.objects.filter(recipient=user)
            .select_related("report")
            .order_by("created_at", "id")
        ],
    }


def erase(identity) -> dict[str, int]:
    theirs = Notification.objects.filter(
        _addressed_to(identity.user, identity.emails, identity.phones)
    )
    _total, dropped = theirs.filter(
        state__in=(Notification.State.PENDING, Notification.State.SENDING)
    ).delete()
    redacted = theirs.update(address="", body=REDACTED, extra={})
    preferences, _per_model = Preference.objects.filter(user=identity.user).delete()
    return {
        "notifications_dropped": dropped.get(Notification._meta.label, 0),
        "notifications_redacted": redacted,
        "notification_preferences": preferences,
    }


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("notifications", collect=collect, erase=erase)

"""The chats' part of a citizen's personal data (`aduan.accounts.personal_data`): the SMS and
WhatsApp conversations with the person's numbers (a guided filing in progress, its files).
Erasure deletes them: a conversation is working state, not a record (what it filed is a report,
and the report keeps its text)."""

from .models import Conversation


def collect(user) -> dict:
    from aduan.accounts.personal_data import identity_of

    phones = identity_of(user).phones
    return {
        "conversations": [
            {
                "channel": c.channel,
                "phone": c.phone,
                "step": c.step,
                "draft": c.draft,
                "updated_at": c.updated_at,
            }
            for c in Conversation.objects.filter(phone__in=list(phones)).order_by("id")
        ]
    }


def erase(identity) -> dict[str, int]:
    conversations = list(Conversation.objects.filter(phone__in=list(identity.phones)))
    for conversation in conversations:
        for pending in conversation.files.all():
            pending.file.delete(save=False)
    _total, deleted = Conversation.objects.filter(pk__in=[c.pk for c in conversations]).delete()
    return {"conversations": deleted.get(Conversation._meta.label, 0)}


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("messaging", collect=collect, erase=erase)

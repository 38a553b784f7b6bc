"""The Web Push part of a citizen's personal data (`aduan.accounts.personal_data`): the browsers
subscribed for the account, with their endpoints and keys. Erasure deletes them, so no phone is
woken for an erased account."""

from .models import PushSubscription


def collect(user) -> dict:
    return {
        "push_subscriptions": [
            {
                "endpoint": s.endpoint,
                "p256dh": s.p256dh,
                "auth": s.auth,
                "user_agent": s.user_agent,
                "created_at": s.created_at,
                "last_success_at": s.last_success_at,
            }
            for s in PushSubscription.objects.filter(user=user)
        ]
    }


def erase(identity) -> dict[str, int]:
    _total, deleted = PushSubscription.objects.filter(user=identity.user).delete()
    return {"push_subscriptions": deleted.get(PushSubscription._meta.label, 0)}


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("push", collect=collect, erase=erase)

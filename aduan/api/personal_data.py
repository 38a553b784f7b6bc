"""The API's part of a citizen's personal data (`aduan.accounts.personal_data`): the replies kept
for idempotent retries hold copies of what the API answered the person (their reports, sealed).
Erasure deletes them; the tokens themselves are listed and revoked by the accounts part."""

from .models import IdempotencyRecord


def _replies(user):
    return IdempotencyRecord.objects.filter(owner=f"user:{user.pk}")


def collect(user) -> dict:
    return {
        "kept_replies": [
            {"endpoint": r.endpoint, "created_at": r.created_at}
            for r in _replies(user).order_by("created_at", "id")
        ]
    }


def erase(identity) -> dict[str, int]:
    _total, deleted = _replies(identity.user).delete()
    return {"idempotency_replies": deleted.get(IdempotencyRecord._meta.label, 0)}


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("api", collect=collect, erase=erase)

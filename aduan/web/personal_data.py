"""The portal's part of a citizen's personal data (`aduan.accounts.personal_data`): the e-mail
digests at any of the person's addresses (they need no account, so they are found by address),
and the files kept for a filing not yet sent.

Erasure deletes the digests at the person's addresses, the files waiting for a report and the
form tokens (nothing of them is a record anyone needs)."""

from .models import DigestSubscription, FilingToken, PendingUpload


def _digests(emails):
    return DigestSubscription.objects.filter(email__in=list(emails))


def collect(user) -> dict:
    from aduan.accounts.personal_data import identity_of

    emails = identity_of(user).emails
    return {
        "digest_subscriptions": [
            {
                "email": sub.email,
                "district": sub.district.name if sub.district_id else "",
                "village": sub.village.name if sub.village_id else "",
                "category": sub.category.display_name if sub.category_id else "",
                "created_at": sub.created_at,
                "confirmed_at": sub.confirmed_at,
                "stopped_at": sub.stopped_at,
            }
            for sub in _digests(emails)
            .select_related("district", "village", "category")
            .order_by("created_at", "id")
        ],
        "files_waiting_for_a_report": [
            {"name": p.original_name, "size": p.size, "created_at": p.created_at}
            for p in PendingUpload.objects.filter(user=user).order_by("created_at", "id")
        ],
    }


def erase(identity) -> dict[str, int]:
    pending = list(PendingUpload.objects.filter(user=identity.user))
    for upload in pending:
        upload.file.delete(save=False)
    PendingUpload.objects.filter(pk__in=[p.pk for p in pending]).delete()
    _total, digests = _digests({e.lower() for e in identity.emails}).delete()
    _total, tokens = FilingToken.objects.filter(user=identity.user).delete()
    return {
        "pending_uploads": len(pending),
        "digest_subscriptions": digests.get(DigestSubscription._meta.label, 0),
        "filing_tokens": tokens.get(FilingToken._meta.label, 0),
    }


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("portal", collect=collect, erase=erase)

"""The SMS app's part of a citizen's personal data (`aduan.accounts.personal_data`): the phone
numbers proven to be theirs. Erasure deletes them and the codes sent to prove them, so SMS from
those numbers no longer act for the erased account. The numbers are also what the reports and the
chats find the person's rows by (`identifiers`), read before they go."""

from .models import PhoneChallenge, VerifiedPhone


def collect(user) -> dict:
    return {
        "verified_phones": [
            {"phone": v.phone, "verified_at": v.verified_at}
            for v in VerifiedPhone.objects.filter(user=user).order_by("verified_at", "id")
        ]
    }


def identifiers(user) -> dict[str, set[str]]:
    return {"phones": set(VerifiedPhone.objects.filter(user=user).values_list("phone", flat=True))}


def erase(identity) -> dict[str, int]:
    _total, phones = VerifiedPhone.objects.filter(user=identity.user).delete()
    _total, challenges = PhoneChallenge.objects.filter(user=identity.user).delete()
    return {
        "verified_phones": phones.get(VerifiedPhone._meta.label, 0),
        "phone_challenges": challenges.get(PhoneChallenge._meta.label, 0),
    }


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("sms", collect=collect, identifiers=identifiers, erase=erase)

"""Housekeeping of the portal, run by the huey worker."""

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .models import FilingToken

# A filing form left open longer than this is refused with "sudah kedaluwarsa" (nothing typed is
# lost: the form comes back filled in with a fresh token).
UNUSED_TOKEN_LIFETIME = dt.timedelta(days=2)
# Used tokens keep answering a resent form with the report it filed, then go.
USED_TOKEN_LIFETIME = dt.timedelta(days=30)


def purge_filing_tokens(now=None) -> int:
    now = now or timezone.now()
    unused = FilingToken.objects.filter(
        report__isnull=True, created_at__lt=now - UNUSED_TOKEN_LIFETIME
    ).delete()[0]
    used = FilingToken.objects.filter(
        report__isnull=False, created_at__lt=now - USED_TOKEN_LIFETIME
    ).delete()[0]
    return unused + used


@db_periodic_task(crontab(minute="17", hour="3"))
def purge_filing_tokens_daily() -> int:
    return purge_filing_tokens()


@db_periodic_task(crontab(minute="27", hour="3"))
def purge_pending_uploads_daily() -> int:
    from . import pending

    return pending.purge()


# huey's clock is UTC: Sunday 23:05 UTC is Monday 07:05 in Sumbawa (WITA).
@db_periodic_task(crontab(day_of_week="0", hour="23", minute="5"))
def send_digests_weekly() -> int:
    """Every Monday morning: the e-mail digests of public reports (`digests`)."""
    from . import digests

    return digests.send_digests()

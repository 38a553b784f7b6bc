import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .models import IdempotencyRecord

# A retry comes within minutes; a day is generous, and the key may be used again afterwards.
KEEP_IDEMPOTENCY = dt.timedelta(hours=24)


def prune_idempotency_records(now=None) -> int:
    now = now or timezone.now()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - KEEP_IDEMPOTENCY).delete()
    return deleted


@db_periodic_task(crontab(minute="17"))
def prune_idempotency() -> int:
    return prune_idempotency_records()

"""Files that wait for their report (`PendingUpload`): kept across a submit that failed, and sent
one by one by the phone's outbox before the report itself. Every file is checked and cleaned by
`aduan.reports.attachments` before it is kept, so a kept file is already what would be stored."""

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from aduan.reports import attachments

from .models import PendingUpload

KEY_LENGTH = 64


def valid_key(key: str) -> bool:
    return 8 <= len(key) <= KEY_LENGTH and key.isascii() and key.replace("-", "").isalnum()


def keep(user, cleaned: attachments.Cleaned, key: str = "") -> PendingUpload:
    """Store one cleaned file for `user` under `key` (a new random key when none is given). The
    same key twice (the outbox retrying a file whose answer was lost) returns the first file."""
    key = key or secrets.token_hex(16)
    found = PendingUpload.objects.filter(user=user, key=key).first()
    if found is not None:
        return found
    pending = PendingUpload(
        user=user,
        key=key,
        original_name=cleaned.name[:255],
        content_type=cleaned.content_type,
        size=len(cleaned.data),
    )
    pending.file.save(cleaned.name, ContentFile(cleaned.data), save=False)
    try:
        with transaction.atomic():
            pending.save()
    except IntegrityError:
        # The same key sent twice at once (the page and the service worker both retrying): the
        # first one stored wins; this copy of the file goes.
        pending.file.delete(save=False)
        return PendingUpload.objects.get(user=user, key=key)
    return pending


def of_user(user, keys) -> list[PendingUpload]:
    """The user's kept files among `keys`, in the order given; other people's keys find nothing."""
    keys = [k for k in dict.fromkeys(keys) if k and valid_key(k)]
    if not keys:
        return []
    found = {p.key: p for p in PendingUpload.objects.filter(user=user, key__in=keys)}
    return [found[k] for k in keys if k in found]


def as_files(pending: list[PendingUpload]) -> list[ContentFile]:
    """The kept files as uploads for `actions.do_file_report` (already cleaned: stored as is)."""
    files = []
    for item in pending:
        with attachments.open_stored(item.file) as handle:
            upload = ContentFile(handle.read(), name=item.original_name)
        upload.content_type = item.content_type
        files.append(upload)
    return files


def discard(pending: list[PendingUpload]) -> None:
    """After the report that claimed them is committed: the rows and their stored files go."""
    for item in pending:
        name, storage = item.file.name, item.file.storage
        PendingUpload.objects.filter(pk=item.pk).delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))


def purge(now=None) -> int:
    """Files no report claimed within PENDING_UPLOAD_DAYS (aduan.web.tasks, daily)."""
    now = now or timezone.now()
    old = list(
        PendingUpload.objects.filter(
            created_at__lt=now - dt.timedelta(days=settings.PENDING_UPLOAD_DAYS)
        )
    )
    for item in old:
        item.file.delete(save=False)
    return PendingUpload.objects.filter(pk__in=[p.pk for p in old]).delete()[0]

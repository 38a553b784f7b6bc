"""What an exchange (SMS or WhatsApp) is made of, shared by the engine and the guided filing: a
message in, a reply out, and the files that wait in the exchange until what they belong to is
sent."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile

from aduan.reports.attachments import Cleaned
from aduan.reports.models import Report

from .models import Conversation, PendingFile


@dataclass
class Incoming:
    channel: str
    phone: str
    text: str = ""
    files: list[Cleaned] = field(default_factory=list)
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""  # the name or address of a shared location


@dataclass
class Reply:
    text: str
    report: Report | None = None
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (id, title), WhatsApp only
    secret: str = ""  # the tracking secret the text carries: sealed in the outbox row


def reset(conversation: Conversation) -> None:
    for pending in conversation.files.all():
        pending.file.delete(save=False)
        pending.delete()
    conversation.step, conversation.draft, conversation.report = "", {}, None


def keep_files(conversation: Conversation, files: list[Cleaned]) -> int:
    """Store cleaned files until the report or the information they belong to is sent;
    at most ATTACHMENT_MAX_FILES (later ones are dropped and the sender told)."""
    if conversation.pk is None:
        conversation.save()
    room = settings.ATTACHMENT_MAX_FILES - conversation.files.count()
    for cleaned in files[: max(room, 0)]:
        pending = PendingFile(
            conversation=conversation,
            name=cleaned.name,
            content_type=cleaned.content_type,
            size=len(cleaned.data),
        )
        pending.file.save(cleaned.name, ContentFile(cleaned.data), save=False)
        pending.save()
    return conversation.files.count()


def take_files(conversation: Conversation) -> list[ContentFile]:
    taken = []
    for pending in conversation.files.all():
        with pending.file.open("rb") as f:
            upload = ContentFile(f.read(), name=pending.name)
        upload.content_type = pending.content_type
        taken.append(upload)
    return taken

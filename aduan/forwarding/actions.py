"""Forwarding a report to an outside body, and what the body does through its link (issue 16).

Every change of the report's state is a call of `aduan.reports.actions` (the life cycle stays in
one place); these functions wrap each call in one transaction with what this app keeps: the
forwarding row, its link and the messages to the body. The link view, the back-office forms and
the sweep all call them.
"""

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aduan.audit import trail as audit_trail
from aduan.notifications import outbox, transports
from aduan.notifications.models import Channel
from aduan.reports import actions as report_actions
from aduan.reports import errors
from aduan.reports.models import EventKind, Report, Status
from aduan.reports.transitions import OutsideParty

from . import links
from .models import Forwarding, OutsideContact

log = logging.getLogger(__name__)


def _contact(contact) -> OutsideContact:
    if contact is None or not contact.is_active:
        raise errors.InvalidInput(_("Pilih kontak pihak luar yang aktif."), field="contact")
    return contact


def do_propose(report: Report, contact, *, actor, text: str = "", expected_version=None) -> Report:
    """The agency asks a dispatcher to forward the report to `contact`."""
    contact = _contact(contact)
    return report_actions.do_propose_forward(
        report,
        actor=actor,
        body_name=contact.name,
        contact_id=contact.pk,
        text=text,
        expected_version=expected_version,
    )


def latest_proposal(report: Report):
    """The agency's proposal still waiting for a dispatcher (the newest one after the last
    forwarding), or None: the forward form starts from it."""
    events = report.events.filter(
        kind__in=[EventKind.FORWARD_PROPOSED, EventKind.FORWARDED]
    ).order_by("-created_at", "-id")
    last = events.select_related("actor").first()
    return last if last is not None and last.kind == EventKind.FORWARD_PROPOSED else None


def do_forward(
    report: Report, contact, *, actor, text: str, expected_version=None
) -> tuple[Forwarding, str]:
    """Forward the report to `contact` with a link valid FORWARD_LINK_DAYS days; returns the
    forwarding and the link's token (sent to the body, never stored). `text` is what the body
    sees of the report: the dispatcher's choice, never the reporter."""
    contact = _contact(contact)
    text = (text or "").strip()
    if not text:
        raise errors.InvalidInput(
            _("Tuliskan apa yang diteruskan kepada pihak luar."), field="text"
        )
    with transaction.atomic():
        proposal = latest_proposal(report)
        proposed_by = (
            proposal.actor
            if proposal is not None and proposal.data.get("contact") == contact.pk
            else None
        )
        r = report_actions.do_forward(
            report,
            actor=actor,
            body_name=contact.name,
            contact_id=contact.pk,
            proposed_by=proposed_by,
            expected_version=expected_version,
        )
        token = links.new_token()
        now = timezone.now()
        forwarding = Forwarding.objects.create(
            report=r,
            contact=contact,
            text=text,
            token_hash=links.token_hash(token),
            created_by=actor,
            proposed_by=proposed_by,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.FORWARD_LINK_DAYS),
        )
        _tell_body(forwarding, "link", token=token)
    return forwarding, token


def current_forwarding(report: Report) -> Forwarding | None:
    return report.forwardings.filter(state=Forwarding.State.SENT).select_related("contact").first()


def do_reply(report: Report, *, actor, text: str, expected_version=None) -> Report:
    """A dispatcher answers the body's question: shown on the link page, and the body is told."""
    forwarding = current_forwarding(report)
    if forwarding is None:
        raise errors.InvalidState(_("Laporan ini tidak sedang diteruskan ke pihak luar."))
    with transaction.atomic():
        r = report_actions.do_reply_outside(
            report,
            actor=actor,
            text=text,
            forwarding_id=forwarding.pk,
            expected_version=expected_version,
        )
        _tell_body(forwarding, "reply", text=text.strip())
    return r


def do_recall(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """A dispatcher takes the report back: the link is revoked at once."""
    with transaction.atomic():
        forwarding = _lock_current(report)
        r = report_actions.do_recall_forward(
            report,
            actor=actor,
            reason=reason,
            forwarding_id=forwarding.pk if forwarding else 0,
            expected_version=expected_version,
        )
        if forwarding is not None:
            _end(forwarding, Forwarding.State.RECALLED)
            _tell_body(forwarding, "recalled")
    return r


def _lock_current(report: Report) -> Forwarding | None:
    return (
        Forwarding.objects.select_for_update()
        .filter(report=report, state=Forwarding.State.SENT)
        .select_related("contact")
        .first()
    )


def _end(forwarding: Forwarding, state: str) -> None:
    forwarding.state, forwarding.ended_at = state, timezone.now()
    forwarding.save(update_fields=["state", "ended_at"])


# --- through the link -------------------------------------------------------------------------


class LinkRefused(Exception):
    """The link exists but no longer works (answered, declined, recalled, expired)."""


def open_link(token: str) -> Forwarding:
    """The forwarding a token opens. Forwarding.DoesNotExist for a token that was never issued
    (the view answers 404); LinkRefused for one that no longer works (410)."""
    forwarding = Forwarding.objects.select_related("report", "contact").get(
        token_hash=links.token_hash(token or "")
    )
    if not usable(forwarding):
        raise LinkRefused(forwarding)
    return forwarding


def usable(forwarding: Forwarding) -> bool:
    return (
        forwarding.state == Forwarding.State.SENT
        and forwarding.expires_at > timezone.now()
        and forwarding.report.status == Status.FORWARDED
    )


def record_use(forwarding: Forwarding, use: str) -> None:
    """Each use of a link (opened, answered, asked, declined, refused) goes to the audit chain."""
    audit_trail.record(
        "outside_link_used",
        report=forwarding.report,
        detail={"forwarding": forwarding.pk, "outside_body": forwarding.contact.name, "use": use},
    )
    Forwarding.objects.filter(pk=forwarding.pk).update(last_used_at=timezone.now())


def _party(forwarding: Forwarding) -> OutsideParty:
    return OutsideParty(forwarding.pk, forwarding.report_id, forwarding.contact.name)


def do_answer_by_link(forwarding: Forwarding, *, text: str, attachments=()) -> Report:
    with transaction.atomic():
        forwarding = _relock(forwarding)
        r = report_actions.do_outside_answer(
            forwarding.report, outside=_party(forwarding), text=text, attachments=attachments
        )
        _end(forwarding, Forwarding.State.ANSWERED)
        record_use(forwarding, "answered")
    return r


def do_ask_by_link(forwarding: Forwarding, *, text: str) -> Report:
    with transaction.atomic():
        forwarding = _relock(forwarding)
        r = report_actions.do_outside_question(
            forwarding.report, outside=_party(forwarding), text=text
        )
        record_use(forwarding, "asked")
    return r


def do_decline_by_link(forwarding: Forwarding, *, reason: str) -> Report:
    with transaction.atomic():
        forwarding = _relock(forwarding)
        r = report_actions.do_outside_decline(
            forwarding.report, outside=_party(forwarding), reason=reason
        )
        _end(forwarding, Forwarding.State.DECLINED)
        record_use(forwarding, "declined")
    return r


def _relock(forwarding: Forwarding) -> Forwarding:
    """The forwarding locked and read again: a recall or the expiry sweep at the same moment
    either finished first (the link is refused) or waits for this answer."""
    fresh = (
        Forwarding.objects.select_for_update(of=("self",))
        .select_related("report", "contact")
        .get(pk=forwarding.pk)
    )
    if not usable(fresh):
        raise errors.InvalidState(_("Tautan ini sudah tidak berlaku."))
    return fresh


def conversation(forwarding: Forwarding):
    """The body's questions and the dispatchers' replies on this forwarding, oldest first."""
    return forwarding.report.events.filter(
        kind__in=[EventKind.OUTSIDE_QUESTION, EventKind.OUTSIDE_REPLY],
        data__forwarding=forwarding.pk,
    ).order_by("created_at", "id")


# --- the sweep --------------------------------------------------------------------------------


def expire_due(now: dt.datetime | None = None) -> int:
    """Links past their time: the forwarding ends (compare-and-swap on its state, so two sweeps
    expire it once) and the report returns to whoever held it."""
    now = now or timezone.now()
    done = 0
    due = Forwarding.objects.filter(state=Forwarding.State.SENT, expires_at__lte=now)
    for forwarding in due.select_related("contact").order_by("expires_at")[:500]:
        with transaction.atomic():
            if not Forwarding.objects.filter(pk=forwarding.pk, state=Forwarding.State.SENT).update(
                state=Forwarding.State.EXPIRED, ended_at=now
            ):
                continue
            # Conflict or InvalidState: the report already left the forwarded status (closed by a
            # dispatcher).
            with contextlib.suppress(errors.Conflict, errors.InvalidState):
                report_actions.do_expire_forward(
                    forwarding.report,
                    forwarding_id=forwarding.pk,
                    body_name=forwarding.contact.name,
                )
            done += 1
    return done


def remind_due(now: dt.datetime | None = None) -> int:
    """Once per forwarding, when its report's clock turns yellow, the body is reminded (the
    dispatchers are reminded by the report's own sweep). Compare-and-swap on `reminded_at`."""
    now = now or timezone.now()
    done = 0
    due = Forwarding.objects.filter(
        state=Forwarding.State.SENT,
        reminded_at__isnull=True,
        report__status=Status.FORWARDED,
        report__warn_at__lte=now,
    ).select_related("contact", "report")
    for forwarding in due[:500]:
        with transaction.atomic():
            if Forwarding.objects.filter(pk=forwarding.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                _tell_body(forwarding, "reminder")
                done += 1
    return done


# --- messages to the body ---------------------------------------------------------------------


def link_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("forwarding:link", args=[token])


def _tell_body(forwarding: Forwarding, kind: str, *, token: str = "", text: str = "") -> None:
    """One message to the body on each channel it has (e-mail, WhatsApp when enabled), through
    the outbox. A message carrying the link is sealed at rest like a tracking secret."""
    report = forwarding.report
    context = {
        "forwarding": forwarding,
        "report": report,
        "contact": forwarding.contact,
        "link": link_url(token) if token else "",
        "text": text,
        "site_name": settings.SITE_NAME,
    }
    with translation.override("id"):
        rendered = render_to_string(f"forwarding/messages/{kind}.txt", context).strip()
    subject, _sep, body = rendered.partition("\n")
    contact = forwarding.contact
    channels = [(Channel.EMAIL, contact.email)]
    if transports.is_enabled(Channel.WHATSAPP):
        channels.append((Channel.WHATSAPP, contact.whatsapp))
    for channel, address in channels:
        if address:
            outbox.send_to(
                channel,
                address,
                body.strip() + "\n",
                kind=f"outside_{kind}",
                report=report,
                subject=" ".join(subject.split())[:200],
                secret=token,
            )

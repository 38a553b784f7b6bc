"""Queue messages in the outbox (inside the caller's transaction) and deliver them (worker).

`queue()` is called by the report actions; it renders the message at once, so what is sent is
what was true when the change was made, and nothing is sent if that change rolls back.
`deliver()` is called by the huey tasks; it claims a row by compare-and-swap so that several
workers on several machines never send the same message twice.
"""

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from aduan.ops import sealing

from . import recipients, transports
from .models import Channel, DeliveryAttempt, Notification

log = logging.getLogger(__name__)

# A message claimed longer ago than this was left by a worker that died; it is tried again.
STALE_CLAIM = dt.timedelta(minutes=10)


def render(kind: str, context: dict, *, staff: bool = False) -> tuple[str, str]:
    """Subject (first line of the template) and body of a message, in Indonesian. Staff get the
    link to the back-office workspace (`/kantor/laporan/<code>/`), everyone else the report page."""
    report = context.get("report")
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "report_url": report_url(report, staff=staff) if report is not None else "",
        **context,
    }
    if context.get("target") is not None:
        context["target_url"] = report_url(context["target"])
    with translation.override("id"):
        text = render_to_string(f"notifications/{kind}.txt", context).strip()
    subject, _, body = text.partition("\n")
    # One line, short: header injection is impossible and clients show it whole.
    subject = " ".join(subject.split())[:200]
    return subject, body.strip() + "\n"


# The channels an account hears on when it has chosen nothing else.
DEFAULT_USER_CHANNELS = (Channel.IN_APP, Channel.EMAIL)


# Staff alerts by WhatsApp (per agency, `Agency.whatsapp_alerts`): a report dispositioned to the
# agency, nearing its deadline (yellow) and past it (red).
STAFF_ALERT_KINDS = ("report_dispositioned", "report_reminder", "report_overdue")


def channels_for(user) -> tuple[str, ...]:
    """The channels `user` hears about reports on: those chosen (`Preference`), else in-app and
    e-mail, plus the chat a citizen last filed by (WhatsApp or SMS) when it reaches them."""
    return channels_of([user])[user.pk]


def channels_of(users: Iterable) -> dict:
    """`channels_for` of each of `users` (by primary key), in one statement whatever their
    number: `queue` asks it for every recipient of a message at once."""
    users = [u for u in users if u is not None]
    if not users:
        return {}
    known = _chosen_and_last_chat({u.pk for u in users})
    channels = {}
    for user in users:
        chosen, last = known.get(user.pk, (None, None))
        if chosen is not None:
            channels[user.pk] = tuple(c for c in chosen if c in Channel.values)
        elif getattr(user, "role", "") != "citizen" or not last:
            channels[user.pk] = DEFAULT_USER_CHANNELS
        else:
            channels[user.pk] = (*DEFAULT_USER_CHANNELS, last)
    return channels


def _chosen_and_last_chat(pks: set) -> dict:
    """For each account: its `Preference` channels (None: no choice) and the channel of its last
    report filed by WhatsApp or SMS (None: none). Written out, as two correlated subqueries per
    account: the ORM spent twice the CPU building them that the per-account queries they replace
    cost (measured by bench/actions_cost.py). The reports are reached through the accounts'
    reverse relation: the outbox, a layer below the reports app, does not import it."""
    from django.contrib.auth import get_user_model
    from django.db import connections, router

    from .models import Preference

    # Typed loosely: django-stubs types a field looked up by name as possibly a relation.
    accounts: Any = get_user_model()._meta
    reports: Any = accounts.get_field("reports").related_model._meta
    preferences: Any = Preference._meta
    database = connections[router.db_for_read(Preference)]
    q = database.ops.quote_name
    pk = f"{q(accounts.db_table)}.{q(accounts.pk.column)}"
    chosen = (
        f"SELECT {q(preferences.get_field('channels').column)} FROM {q(preferences.db_table)}"
        f" WHERE {q(preferences.get_field('user').column)} = {pk}"
    )
    channel = q(reports.get_field("channel").column)
    last_chat = (
        f"SELECT {channel} FROM {q(reports.db_table)}"
        f" WHERE {q(reports.get_field('reporter').column)} = {pk} AND {channel} IN (%s, %s)"
        f" ORDER BY {q(reports.get_field('submitted_at').column)} DESC LIMIT 1"
    )
    marks = ", ".join(["%s"] * len(pks))
    sql = f"SELECT {pk}, ({chosen}), ({last_chat}) FROM {q(accounts.db_table)} WHERE {pk} IN "
    sql += f"({marks})"
    decode = preferences.get_field("channels").from_db_value
    with database.cursor() as cursor:
        cursor.execute(sql, [Channel.WHATSAPP, Channel.SMS, *pks])
        rows = cursor.fetchall()
    return {
        row[0]: (decode(row[1], None, database) if row[1] is not None else None, row[2])
        for row in rows
    }


def choosable_channels() -> list[str]:
    """What a person may choose now: in-app always, and each enabled channel that can reach an
    account (e-mail, SMS, WhatsApp, push once its app registers it)."""
    return [
        c for c in Channel.values if transports.is_enabled(c) and transports.get(c).reaches_accounts
    ]


def set_channels(user, channels) -> list[str]:
    """Record `user`'s choice; unknown or disabled channels are dropped, in-app always kept
    (the list in the portal is the record of every notification)."""
    from .models import Preference

    allowed = choosable_channels()
    kept = [c for c in dict.fromkeys([Channel.IN_APP, *channels]) if c in allowed]
    Preference.objects.update_or_create(user=user, defaults={"channels": kept})
    return kept


def _staff_alerts(kind, report, users, add) -> None:
    agency = getattr(report, "agency", None) if report is not None else None
    if (
        kind not in STAFF_ALERT_KINDS
        or agency is None
        or not agency.whatsapp_alerts
        or not transports.is_enabled(Channel.WHATSAPP)
    ):
        return
    transport = transports.get(Channel.WHATSAPP)
    officers = [u for u in users if u.is_officer and u.agency_id == agency.pk]
    if not officers:  # this message is for the reporter, not the agency
        return
    for user in officers:
        for phone in transport.addresses(user):
            add(Channel.WHATSAPP, phone, user, extra={"staff": True})
    if agency.whatsapp_alerts_head and agency.head_phone:
        add(Channel.WHATSAPP, agency.head_phone, None, extra={"staff": True})


def queue(
    kind: str,
    *,
    report=None,
    users: Iterable = (),
    addresses: Iterable[str] = (),
    phones: Iterable[str] = (),
    context=None,
    qr: str = "",
) -> list[Notification]:
    """Write the notifications of `users` on their channels (in-app and e-mail unless they chose
    otherwise), e-mail for bare `addresses`, and a short SMS (the subject and the link) for bare
    `phones` when an SMS gateway is configured. Each channel's transport says whether it is
    enabled, how it reaches an account (`address_for`) and how it shortens the message. `qr`: a
    text e-mails carry as a QR code picture too (a filing receipt's verification URL)."""
    context = {"report": report, **(context or {})}
    subject, body = render(kind, context)
    secret = str(context.get("secret") or "")
    staff_body = None  # rendered once, for the first staff recipient
    followed = None  # (account, message) of the last follower rendered: once per account
    link = report_url(report) if report is not None else ""
    now = timezone.now()
    rows: list[Notification] = []
    seen: set[tuple[str, str]] = set()

    def add(channel: str, address: str, recipient=None, extra=None) -> None:
        nonlocal staff_body, followed
        kind_for, subject_for, body_for, link_for, context_for = kind, subject, body, link, context
        if (
            report is not None
            and _is_staff(recipient)
            and recipient.pk not in (report.reporter_id, report.filed_by_id)
        ):
            if staff_body is None:
                staff_body = render(kind, context, staff=True)[1]
            body_for, link_for = staff_body, report_url(report, staff=True)
        elif _is_follower(report, recipient):
            if followed is None or followed[0] != recipient.pk:
                followed = (recipient.pk, _followed(report, recipient))
            kind_for, context_for = FOLLOWED, {"report": report}
            subject_for, body_for = followed[1]
            link_for = report_url(report) if report.is_public else ""
        transport = transports.get(channel)
        key = (channel, address.lower())
        if address and key in seen:
            return
        seen.add(key)
        if qr and channel == Channel.EMAIL:
            extra = {**(extra or {}), "qr": qr}
        immediate = transport.immediate
        text = (
            transport.compose(
                kind=kind_for,
                subject=subject_for,
                body=body_for,
                link=link_for,
                context=context_for,
            )
            if transport.compose
            else body_for
        )
        rows.append(
            Notification(
                recipient=recipient,
                address=address,
                channel=channel,
                kind=kind_for,
                report=report,
                subject=subject_for,
                body=_at_rest(text, secret, shown=immediate),
                extra=extra or {},
                state=Notification.State.SENT if immediate else Notification.State.PENDING,
                sent_at=now if immediate else None,
                next_attempt_at=None if immediate else now,
            )
        )

    users = list({u.pk: u for u in users if u is not None}.values())
    heard_on = channels_of(users)
    for user in users:
        for channel in heard_on[user.pk]:
            if not transports.is_enabled(channel):
                continue
            transport = transports.get(channel)
            if transport.immediate:
                add(channel, "", user)
            else:
                for address in transport.addresses(user):
                    add(channel, address, user)
    _staff_alerts(kind, report, users, add)
    for address in addresses:
        if address:
            add(Channel.EMAIL, address)
    # A reporter known only by a number hears on the chat they filed on.
    chat = Channel.SMS
    if report is not None and report.channel == Channel.WHATSAPP:
        chat = Channel.WHATSAPP
    if transports.is_enabled(chat):
        for phone in phones:
            if phone:
                add(chat, phone)
    created = Notification.objects.bulk_create(rows)
    to_send = [n.pk for n in created if n.state == Notification.State.PENDING]
    if to_send:
        transaction.on_commit(lambda: _schedule(to_send))
    return created


SEALED_PURPOSE = "aduan.notifications.body"
MASKED_SECRET = "••••••••"


def _at_rest(text: str, secret: str, *, shown: bool) -> str:
    """What a row stores of a message that carries the tracking secret (issue 11 §6: stored
    nowhere in clear): a message shown from the row itself (in-app) has the secret masked, the
    reporter has an account and needs none; one waiting to be sent is sealed
    (`aduan.ops.sealing`) and opened by `deliver` only in memory, and stays sealed once sent."""
    if not secret or secret not in text:
        return text
    if shown:
        return text.replace(secret, MASKED_SECRET)
    return sealing.seal_text(text, SEALED_PURPOSE)


def send_to(
    channel: str,
    address: str,
    body: str,
    *,
    kind: str,
    report=None,
    subject: str = "",
    extra: dict | None = None,
    secret: str = "",
) -> Notification:
    """One message to a bare address (a channel's reply to the number that wrote to it, a code
    to verify a phone), queued like any other: delivered by the worker through the channel's
    transport after the caller's transaction commits, with retries."""
    notification = Notification.objects.create(
        address=address,
        channel=channel,
        kind=kind,
        report=report,
        subject=(subject or str(Channel(channel).label))[:200],
        body=_at_rest(body, secret, shown=False),
        extra=extra or {},
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(lambda: _schedule([notification.pk]))
    return notification


def report_url(report, *, staff: bool = False) -> str:
    """The absolute address of the report for messages sent away: the back-office workspace for
    staff, the portal's report page for everyone else."""
    name, code = ("backoffice:workspace" if staff else "web:report"), report.code
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[code])


# What the reporters of a duplicate hear of the report it was merged into (issue 11 §1).
FOLLOWED = "report_followed"


def _is_follower(report, user) -> bool:
    """An account told about a report that is not its own and that it does not work on: the
    reporter of a duplicate merged into it (`recipients.reporters`). It is no party to the
    report, so it hears its code and status, never its title or what is written on it, which
    can be confidential."""
    return (
        report is not None
        and user is not None
        and not _is_staff(user)
        and user.pk not in (report.reporter_id, report.filed_by_id)
    )


def _followed(report, user) -> tuple[str, str]:
    """Subject and body of a follower's message; the link only to a report they may open. A
    supporter's message ends with a link that stops them (the reporter of a merged duplicate
    follows as a party of their own report and stops through their notification settings); the
    RT/RW of the desa, asked "Sudah diperbaiki?" without following, is told why."""
    merged = user.pk in recipients.merged_parties(report)
    supporter = not merged and report.supports.filter(user=user).exists()
    with translation.override("id"):
        context = {
            "report": report,
            "status": report.get_status_display(),
            "link": report_url(report) if report.is_public else "",
            "merged": merged,
            # "Sudah diperbaiki?" (issue 15): asked with the change to an answer that says done.
            "ask_fix": report.status == "responded" and report.answer_outcome == "done",
            "stop_link": stop_following_url(report, user) if supporter else "",
            "desa_rt": not merged and not supporter,
            "site_name": settings.SITE_NAME,
        }
        text = render_to_string(f"notifications/{FOLLOWED}.txt", context).strip()
    subject, _, body = text.partition("\n")
    return " ".join(subject.split())[:200], body.strip() + "\n"


STOP_FOLLOWING_SALT = "aduan.notifications.stop-following"


def stop_following_url(report, user) -> str:
    """A link that stops `user` following `report`, without logging in (a signed value of both;
    the page it opens asks for one click, so that a mail scanner opening it changes nothing)."""
    from django.core import signing

    token = signing.dumps([report.pk, user.pk], salt=STOP_FOLLOWING_SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("stop_following", args=[token])


def read_stop_following(token: str) -> tuple[int, int] | None:
    from django.core import signing

    try:
        report_pk, user_pk = signing.loads(token, salt=STOP_FOLLOWING_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return int(report_pk), int(user_pk)


def _is_staff(user) -> bool:
    """Staff who work on reports (they open them in the back office)."""
    return bool(user is not None and (user.is_dispatcher or user.is_officer or user.is_supervisor))


def _schedule(ids: list[int]) -> None:
    from .tasks import deliver_notifications

    try:
        deliver_notifications(ids)
    except Exception:  # the periodic sweep picks them up; the change itself is already committed
        log.exception("could not schedule delivery of notifications %s", ids)


def claim(notification_id: int) -> bool:
    """Take a pending message for this worker. Compare-and-swap: of several workers that try at
    once, exactly one changes the row and sends; the others see 0 rows and skip it."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).update(
            state=Notification.State.SENDING, claimed_at=now
        )
    )


def deliver(notification_id: int) -> bool:
    """Send one message if it is due and nobody else has it; record the attempt. True if sent."""
    if not claim(notification_id):
        return False
    notification = Notification.objects.get(pk=notification_id)
    text = sealing.unseal_text(notification.body, SEALED_PURPOSE)
    if text is None:  # sealed under a SECRET_KEY since rotated: fails closed
        _record_failure(notification, ValueError("sealed body unreadable (SECRET_KEY rotated)"))
        return False
    notification.body = text  # in memory only: the row keeps the sealed text
    try:
        external_id = transports.get(notification.channel).send(notification)
    except transports.Undeliverable as exc:  # the address is gone: retrying cannot help
        _record_failure(notification, exc, final=True)
        return False
    except Exception as exc:  # any gateway failure: record it and retry with backoff
        _record_failure(notification, exc)
        return False
    notification.attempts += 1
    notification.state = Notification.State.SENT
    notification.sent_at = timezone.now()
    notification.external_id = (external_id or "")[:128]
    notification.save(update_fields=["attempts", "state", "sent_at", "external_id"])
    DeliveryAttempt.objects.create(notification=notification, ok=True)
    return True


def _record_failure(notification: Notification, exc: Exception, *, final: bool = False) -> None:
    notification.attempts += 1
    if final or notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        notification.state = Notification.State.FAILED
        notification.next_attempt_at = None
    else:
        notification.state = Notification.State.PENDING
        delay = settings.OUTBOX_BACKOFF_SECONDS * 2 ** (notification.attempts - 1)
        notification.next_attempt_at = timezone.now() + dt.timedelta(seconds=delay)
    notification.save(update_fields=["attempts", "state", "next_attempt_at"])
    DeliveryAttempt.objects.create(
        notification=notification, ok=False, error=f"{type(exc).__name__}: {exc}"[:2000]
    )
    log.warning(
        "delivery of notification %s failed (attempt %s): %s",
        notification.pk,
        notification.attempts,
        exc,
    )


def due_ids(limit: int = 500) -> list[int]:
    """Pending messages whose time has come, after releasing claims of workers that died."""
    now = timezone.now()
    Notification.objects.filter(
        state=Notification.State.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(state=Notification.State.PENDING)
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def requeue_failed(queryset) -> int:
    """Give failed messages of `queryset` a new round of attempts (a sysadmin's action once the
    receiver is fixed): pending again, due now, attempts counted from zero; the earlier attempts
    stay recorded. Compare-and-swap on the state, so a row a worker took meanwhile is left alone.
    Returns how many were requeued."""
    now = timezone.now()
    ids = list(
        queryset.filter(state=Notification.State.FAILED).values_list("pk", flat=True)[:10_000]
    )
    count = Notification.objects.filter(pk__in=ids, state=Notification.State.FAILED).update(
        state=Notification.State.PENDING, attempts=0, next_attempt_at=now, claimed_at=None
    )
    if count:
        transaction.on_commit(lambda: _schedule(ids))
    return count

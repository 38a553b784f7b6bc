"""The conversation engine shared by SMS and WhatsApp: what a message asks for, and the answer.

A channel (the SMS or the WhatsApp webhook) proves where a message comes from, turns it into an
`Incoming` (text, cleaned files, a shared location, a button's id) and calls `handle()`, inside a
transaction. The engine keeps the state of the exchange in the database (`Conversation`), calls
the same report actions as the portal, and queues its replies in the outbox on the same channel.

1. Commands, at any time: `BANTUAN`, `BATAL`, `CEK <kode>`, `LAPOR <isi>` (files at once),
   `PUAS [<kode>] [1-5]`, `TIDAK PUAS [<kode>] <alasan>`, `BELUM SELESAI [<kode>] [<alasan>]`,
   `INFO <kode> <isi>`.
2. A step of the guided exchange waiting for its answer (rating, reason, filing).
3. A report of the sender's awaiting information: the message is the information.
4. Otherwise a greeting gets the help, anything else starts a guided filing (`filing`): the
   completeness checklist (what / where / when / who) decides what is asked, then the anonymous
   and confidential choice in plain words, a summary to confirm, and the tracking code.

`Incoming`, `Reply` and the files waiting in an exchange are in `exchange`; the channels use them
as `engine.Incoming`.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.notifications import outbox
from aduan.reports import actions, errors, rules
from aduan.reports.models import EventKind, Report, Status
from aduan.reports.visibility import visible_events

from .exchange import Incoming, Reply, keep_files, reset, take_files
from .filing import file_at_once, filing_step, start_filing
from .identity import Sender
from .models import Conversation, ReceivedMessage

CODE = re.compile(r"^[2-9A-HJ-NP-Z]{6}$")
GREETINGS = {
    "halo", "hallo", "hai", "hi", "hello", "p", "ping", "tes", "test", "assalamualaikum",
    "assalamu'alaikum", "selamat pagi", "selamat siang", "selamat sore", "selamat malam", "menu",
}  # fmt: skip


def handle(message: Incoming) -> list[Reply]:
    """Act on one message and queue the replies (call inside the webhook's transaction)."""
    # The text as every channel stores it (`rules.plain_text`), before any of it is kept in the
    # conversation's draft: PostgreSQL refuses a NUL in JSON, a DataError would lose the message.
    message.text, message.place = rules.plain_text(message.text), rules.plain_text(message.place)
    sender = Sender.of(message.channel, message.phone)
    now = timezone.now()
    conversation, _created = Conversation.objects.select_for_update().get_or_create(
        channel=message.channel, phone=message.phone, defaults={"updated_at": now}
    )
    replies: list[Reply] = []
    if conversation.step and conversation.updated_at < now - expiry():
        reset(conversation)
        conversation.draft = {"expired": True}
    if conversation.draft.get("expired"):  # by the line above, or by the sweep (`expire_drafts`)
        replies.append(Reply(_("Percakapan sebelumnya sudah lewat waktu dan dibatalkan.")))
        conversation.draft = {}
    replies += _dispatch(sender, conversation, message)
    conversation.updated_at = conversation.last_inbound_at = now
    conversation.save()
    for reply in replies:
        outbox.send_to(
            message.channel,
            message.phone,
            reply.text,
            kind="chat_reply",
            report=reply.report,
            subject=_("Balasan"),
            extra={"buttons": reply.buttons} if reply.buttons else None,
            secret=reply.secret,
        )
    return replies


def record_inbound(channel: str, phone: str) -> None:
    """The number wrote to us (WhatsApp's 24-hour window opens), even if nothing else follows."""
    now = timezone.now()
    updated = Conversation.objects.filter(channel=channel, phone=phone).update(last_inbound_at=now)
    if not updated:
        Conversation.objects.get_or_create(
            channel=channel, phone=phone, defaults={"updated_at": now, "last_inbound_at": now}
        )


def expiry() -> dt.timedelta:
    return dt.timedelta(hours=settings.MESSAGING_CONVERSATION_HOURS)


# Message ids kept to drop a second delivery: the gateways retry for hours, Meta for up to a week.
KEEP_RECEIVED = dt.timedelta(days=14)


def delivered_before(channel: str, external_id: str) -> bool:
    """Whether the channel already delivered the message `external_id` (its gateway's id): a
    retry, handled as nothing. The same rule for SMS and WhatsApp."""
    return ReceivedMessage.objects.filter(channel=channel, external_id=external_id).exists()


def record_delivery(channel: str, external_id: str) -> None:
    """Note the message as handled, inside the transaction that handles it: a second copy that
    arrives at the same moment fails here (IntegrityError) and does nothing."""
    ReceivedMessage.objects.create(
        channel=channel, external_id=external_id, received_at=timezone.now()
    )


def expire_drafts(now: dt.datetime | None = None) -> dict[str, int]:
    """The sweep: exchanges left unfinished longer than MESSAGING_CONVERSATION_HOURS are dropped
    with their photos and documents (they may show a person or a KTP; nothing of them is kept
    for a report that was never filed). The number's next message says the exchange lapsed.
    Message ids older than KEEP_RECEIVED are forgotten."""
    now = now or timezone.now()
    expired = 0
    stale = Conversation.objects.filter(updated_at__lt=now - expiry()).exclude(step="")
    for pk in stale.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            conversation = (
                Conversation.objects.select_for_update()
                .filter(pk=pk, updated_at__lt=now - expiry())  # unless the number wrote meanwhile
                .exclude(step="")
                .first()
            )
            if conversation is None:
                continue
            reset(conversation)
            conversation.draft = {"expired": True}
            conversation.save(update_fields=["step", "draft", "report"])
            expired += 1
    forgotten, _ = ReceivedMessage.objects.filter(received_at__lt=now - KEEP_RECEIVED).delete()
    return {"expired": expired, "forgotten_ids": forgotten}


def help_text() -> str:
    return _(
        "Aduan Sumbawa. Ceritakan masalah Anda di sini (boleh dengan foto dan lokasi), atau kirim "
        "LAPOR <isi laporan> untuk melapor, atau CEK <kode> untuk melihat status."
    )


# --- 1. commands --------------------------------------------------------------------------


def _dispatch(sender: Sender, conversation: Conversation, message: Incoming) -> list[Reply]:
    text = (message.text or "").strip()
    words = text.split()
    upper = [w.upper() for w in words]
    head = upper[0] if upper else ""
    if head in {"BATAL", "STOP"} and len(words) == 1:
        had = bool(conversation.step)
        reset(conversation)
        return [Reply(_("Dibatalkan.") if had else help_text())]
    if head in {"BANTUAN", "HELP", "MENU"} and len(words) == 1:
        return [Reply(help_text())]
    if head == "CEK" and len(words) >= 2:
        return [_status(sender, upper[1])]
    if head == "INFO" and len(words) >= 3 and CODE.match(upper[1]):
        report = sender.reports().filter(code=upper[1]).first()
        return [_provide_info(sender, conversation, report, " ".join(words[2:]), message.files)]
    if upper[:2] == ["TIDAK", "PUAS"]:
        return [_not_satisfied(sender, conversation, words[2:])]
    if upper[:2] == ["BELUM", "SELESAI"]:  # the answer to the reminder before auto-close
        return [_not_satisfied(sender, conversation, words[2:], not_fixed=True)]
    if head == "PUAS":
        return [_satisfied(sender, conversation, words[1:])]
    if head == "LAPOR" and not conversation.step.startswith("filing"):
        rest = text[len(words[0]) :].strip() if words else ""
        if rest:
            return [file_at_once(sender, rest, message)]
        return start_filing(sender, conversation, Incoming(**{**message.__dict__, "text": ""}))
    # --- 2. a step waiting for its answer
    if conversation.step == "rating":
        return [_satisfied(sender, conversation, words)]
    if conversation.step == "reason":
        return [_not_satisfied(sender, conversation, words)]
    if conversation.step == "info":
        return [_info_step(sender, conversation, message)]
    if conversation.step.startswith("filing"):
        return filing_step(sender, conversation, message)
    # --- 3. the agency waits for this sender's information
    waiting = list(sender.reports().filter(status=Status.IN_PROGRESS, paused_at__isnull=False)[:2])
    if len(waiting) == 1:
        conversation.step, conversation.report = "info", waiting[0]
        return [_info_step(sender, conversation, message)]
    # --- 4. a greeting, or a new report
    if not message.files and message.latitude is None and text.lower().strip("!.,") in GREETINGS:
        return [Reply(help_text())]
    return start_filing(sender, conversation, message)


def _own(sender: Sender, code: str, status: str | None = None):
    reports = sender.reports().select_related("agency")
    if code:
        return reports.filter(code=code).first()
    candidates = list(reports.filter(status=status)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _status(sender: Sender, code: str) -> Reply:
    """Only the reporter's own number learns the status (the code alone is not enough)."""
    code = code[:20]
    report = _own(sender, code)
    if report is None:
        return Reply(_("Laporan %(code)s tidak ditemukan untuk nomor ini.") % {"code": code})
    text = _("Laporan %(code)s: %(status)s.") % {
        "code": report.code,
        "status": report.get_status_display(),
    }
    if report.due_at and report.is_open:
        text += " " + _("Batas waktu tahap ini: %(date)s.") % {
            "date": timezone.localtime(report.due_at).strftime("%d-%m-%Y")
        }
    if report.status == Status.IN_PROGRESS and report.paused_at is not None:
        question = _last_text(report, EventKind.INFO_REQUESTED)
        text += "\n" + _("Perangkat daerah meminta informasi: %(q)s") % {"q": question}
        text += "\n" + _("Balas pesan ini dengan informasinya (teks atau foto).")
    elif report.status == Status.RESPONDED:
        text += "\n" + _("Tindak lanjut: %(a)s") % {"a": _last_text(report, EventKind.ANSWERED)}
        text += "\n" + verdict_hint()
    return Reply(text, report)


def verdict_hint() -> str:
    return _(
        "Balas PUAS jika Anda puas, BELUM SELESAI jika masalahnya belum beres, atau "
        "TIDAK PUAS diikuti alasannya."
    )


def _last_text(report: Report, kind: str) -> str:
    """The newest text of `kind` the reporter may read: the sender proved it is the reporter by
    the phone that filed the report."""
    event = next(
        (e for e in reversed(visible_events(report, None, reporter=True)) if e.kind == kind), None
    )
    return event.text if event else ""


# --- verdicts and information -------------------------------------------------------------


def _code_in(words: list[str]) -> tuple[str, list[str]]:
    if words and CODE.match(words[0].upper()):
        return words[0].upper(), words[1:]
    return "", words


def _satisfied(sender: Sender, conversation: Conversation, words: list[str]) -> Reply:
    code, words = _code_in(words)
    report = _own(sender, code or "", Status.RESPONDED) if code else None
    if report is None:
        report = conversation.report if conversation.step == "rating" else None
        report = report or _own(sender, "", Status.RESPONDED)
    if report is None:
        return Reply(
            _("Tidak ada laporan yang menunggu tanggapan Anda. Sebutkan kodenya: PUAS <kode>.")
        )
    rating = words[0] if words and words[0].isdigit() else ""
    if not rating:
        conversation.step, conversation.report = "rating", report
        return Reply(
            _(
                "Terima kasih. Beri nilai 1 sampai 5 untuk tindak lanjut laporan %(code)s "
                "(5 = sangat puas)."
            )
            % {"code": report.code},
            report,
            buttons=[("5", "5"), ("4", "4"), ("3", "3")],
        )
    reset(conversation)
    try:
        actions.do_accept_answer(
            report, actor=sender.actor_for(report), rating=rating, comment=" ".join(words[1:])
        )
    except errors.ActionError as exc:
        return Reply(str(exc.message), report)
    return Reply(
        _("Terima kasih atas penilaian Anda. Laporan %(code)s selesai.") % {"code": report.code},
        report,
    )


def _not_satisfied(
    sender: Sender, conversation: Conversation, words: list[str], *, not_fixed: bool = False
) -> Reply:
    """TIDAK PUAS asks for the reason; BELUM SELESAI is its own reason ("not fixed yet")."""
    code, words = _code_in(words)
    report = _own(sender, code, Status.RESPONDED) if code else None
    if report is None:
        report = conversation.report if conversation.step == "reason" else None
        report = report or _own(sender, "", Status.RESPONDED)
    if report is None:
        return Reply(
            _(
                "Tidak ada laporan yang menunggu tanggapan Anda. Sebutkan kodenya: "
                "TIDAK PUAS <kode> <alasan>."
            )
        )
    reason = " ".join(words).strip()
    if not_fixed:
        reason = actions.not_fixed_reason(reason)
    if not reason:
        conversation.step, conversation.report = "reason", report
        return Reply(_("Apa alasan Anda tidak puas? Tuliskan dalam satu pesan."), report)
    reset(conversation)
    try:
        actions.do_reject_answer(report, actor=sender.actor_for(report), reason=reason)
    except errors.ActionError as exc:
        return Reply(str(exc.message), report)
    return Reply(
        _("Tanggapan Anda diteruskan. Laporan %(code)s kembali ditangani perangkat daerah.")
        % {"code": report.code},
        report,
    )


def _info_step(sender: Sender, conversation: Conversation, message: Incoming) -> Reply:
    """Photos without words wait for the words; the words send everything."""
    report = conversation.report
    text = (message.text or "").strip()
    if not text:
        keep_files(conversation, message.files)
        return Reply(_("Foto/berkas diterima. Sekarang kirim keterangannya dalam teks."), report)
    return _provide_info(sender, conversation, report, text, message.files)


def _provide_info(sender, conversation, report, text, files) -> Reply:
    if report is None:
        return Reply(_("Laporan itu tidak ditemukan untuk nomor ini."))
    keep_files(conversation, files)
    attachments = take_files(conversation)
    reset(conversation)
    try:
        actions.do_provide_info(
            report, actor=sender.actor_for(report), text=text, attachments=attachments
        )
    except errors.ActionError as exc:
        return Reply(str(exc.message), report)
    return Reply(
        _("Informasi Anda untuk laporan %(code)s sudah diteruskan ke perangkat daerah.")
        % {"code": report.code},
        report,
    )

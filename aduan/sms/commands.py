"""What an incoming SMS asks for, and the reply: `LAPOR <text>`, `CEK <code>`, or help.

Called by the webhook once the message is proven to come from the gateway. Filing goes through
`actions.do_file_report`; the reply is queued in the outbox (`replies.queue_reply`).
"""

import re

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.reports import actions, errors
from aduan.reports.models import Channel, Report

from .models import VerifiedPhone
from .replies import queue_reply

TITLE_LENGTH = 80


def normalize_phone(raw: str) -> str:
    """`0813-3910 0011`, `62813…`, `+62 813…` → `+62813…`."""
    digits = re.sub(r"[^\d+]", "", raw or "")
    if digits.startswith("+"):
        return "+" + digits[1:].replace("+", "")
    if digits.startswith("0"):
        return "+62" + digits[1:]
    if digits.startswith("62"):
        return "+" + digits
    return digits


def account_for(phone: str):
    verified = (
        VerifiedPhone.objects.select_related("user")
        .filter(phone=phone, user__is_active=True)
        .first()
    )
    return verified.user if verified else None


def handle(phone: str, text: str) -> str:
    """Act on one message and queue the reply; returns the reply."""
    words = (text or "").strip().split(None, 1)
    command = words[0].upper() if words else ""
    rest = words[1].strip() if len(words) > 1 else ""
    report = None
    if command == "LAPOR" and rest:
        report, reply = _file(phone, rest)
    elif command == "CEK" and rest:
        report, reply = _status(phone, rest)
    else:
        reply = _(
            "Aduan Sumbawa: kirim LAPOR <isi laporan> untuk melapor, atau CEK <kode> untuk melihat status."
        )
    queue_reply(phone, reply, report=report)
    return reply


def _file(phone: str, text: str):
    user = account_for(phone)
    first_line = text.splitlines()[0]
    title = (
        first_line
        if len(first_line) <= TITLE_LENGTH
        else first_line[: TITLE_LENGTH - 1].rstrip() + "…"
    )
    try:
        report, secret = actions.do_file_report(
            channel=Channel.SMS,
            reporter=user,
            reporter_phone="" if user else phone,
            title=title,
            description=text[:5000],
        )
    except errors.ActionError as exc:
        return None, str(exc.message)
    return report, _(
        "Laporan diterima. Kode: %(code)s, kode rahasia: %(secret)s. Cek status: kirim CEK %(code)s"
    ) % {"code": report.code, "secret": secret}


def _status(phone: str, code: str):
    """Only the reporter's own phone learns the status of a report (the code alone is not enough)."""
    code = code.split()[0].upper()[:20]
    user = account_for(phone)
    report = Report.objects.filter(code=code).first()
    own = report is not None and (
        report.reporter_phone == phone
        or (user is not None and user.pk in (report.reporter_id, report.filed_by_id))
    )
    if not own:
        return None, _("Laporan %(code)s tidak ditemukan untuk nomor ini.") % {"code": code}
    reply = _("Laporan %(code)s: %(status)s.") % {
        "code": report.code,
        "status": report.get_status_display(),
    }
    if report.due_at and report.is_open:
        reply += " " + _("Batas waktu tahap ini: %(date)s.") % {
            "date": timezone.localtime(report.due_at).strftime("%d-%m-%Y")
        }
    return report, reply

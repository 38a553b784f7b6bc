"""Outside the regency: outside parties (`aduan.forwarding` keeps the links) and the hand-over to
the Ombudsman (issue 16)."""

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.directory.models import SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    errors,
    sla,
)
from ..models import (
    Audience,
    EventKind,
    Report,
    Status,
)
from ..transitions import Action
from ._core import _attach, _begin, _current_disposition, _finish, _now, _required, _sync

# --- outside parties (aduan.forwarding calls these; it keeps the links) -----------------------


def do_propose_forward(
    report: Report, *, actor, body_name: str, contact_id: int, text: str = "", expected_version=None
) -> Report:
    """The agency asks the dispatcher to forward the report to an outside body; nothing leaves
    the regency until a dispatcher agrees (`do_forward`)."""
    with transaction.atomic():
        r = _begin(report, Action.PROPOSE_FORWARD, actor, expected_version)
        _finish(
            r,
            Action.PROPOSE_FORWARD,
            actor,
            EventKind.FORWARD_PROPOSED,
            text=(text or "").strip(),
            audience=Audience.INTERNAL,
            data={"contact": contact_id, "outside_body": body_name},
        )
        outbox.queue(
            "outside_update",
            report=r,
            users=recipients.dispatchers(),
            context={
                "what": _("Perangkat daerah mengusulkan laporan ini diteruskan kepada %(body)s.")
                % {"body": body_name},
                "text": text,
            },
        )
    return _sync(report, r)


def do_forward(
    report: Report,
    *,
    actor,
    body_name: str,
    contact_id: int,
    proposed_by=None,
    expected_version=None,
) -> Report:
    """Forward the report to an outside body (the dispatcher; on the agency's proposal, this is
    the dispatcher's consent). The outside body's answer has its own clock (SlaStep.OUTSIDE);
    the reporter sees where the report went, never the text passed to the body."""
    data = {"outside_body": body_name, "contact": contact_id}
    if proposed_by is not None:
        data["proposed_by"] = proposed_by.get_username()
    return _forward(report, Action.FORWARD, actor, body_name, data, expected_version)


def do_forward_remote(
    report: Report, *, actor, server_name: str, server_id: int, expected_version=None
) -> Report:
    """Forward the report to another GeoReport v2 server (`aduan.federation` keeps the request
    and sends it after this commits): the same step as a link to an outside body, with the same
    clock, timeline event and message to the reporter."""
    data = {"outside_body": server_name, "remote_server": server_id}
    return _forward(report, Action.FORWARD_REMOTE, actor, server_name, data, expected_version)


def _forward(report, action, actor, body_name, data, expected_version) -> Report:
    with transaction.atomic():
        r = _begin(report, action, actor, expected_version)
        now = _now()
        sla.set_clock(r, SlaStep.OUTSIDE, now)
        _finish(
            r,
            action,
            actor,
            EventKind.FORWARDED,
            text=_("Laporan diteruskan kepada %(body)s untuk ditindaklanjuti.")
            % {"body": body_name},
            data=data,
        )
        outbox.queue(
            "report_forwarded",
            report=r,
            users=[*recipients.reporters(r), *recipients.handlers(r)],
            **recipients.contacts(r),
            context={"outside_body": body_name},
        )
    return _sync(report, r)


def do_outside_answer(report: Report, *, outside, text: str, attachments=()) -> Report:
    """The outside body answers through its link: the answer is the report's follow-up, and the
    reporter now says whether it satisfies (as with an agency's answer)."""
    text = _required(text, "text", _("Isi jawaban wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_ANSWER, outside, None)
        now = _now()
        on_time = r.due_at is None or now <= r.due_at
        r.responded_at = now
        sla.set_clock(r, SlaStep.VERDICT, now)
        event = _finish(
            r,
            Action.OUTSIDE_ANSWER,
            outside,
            EventKind.ANSWERED,
            text=text,
            data={"round": r.reopen_count + 1, "on_time": on_time},
        )
        _attach(r, attachments, event, outside, public=True)
        outbox.queue(
            "report_answered",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text, "outside_body": outside.name},
        )
        _tell_holders(r, _("%(body)s menjawab laporan ini.") % {"body": outside.name}, text)
    return _sync(report, r)


def do_outside_question(report: Report, *, outside, text: str) -> Report:
    """The outside body asks the regency a question; a dispatcher replies (`do_reply_outside`)."""
    text = _required(text, "text", _("Tuliskan pertanyaan Anda."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_QUESTION, outside, None)
        _finish(
            r,
            Action.OUTSIDE_QUESTION,
            outside,
            EventKind.OUTSIDE_QUESTION,
            text=text,
            audience=Audience.INTERNAL,
        )
        _tell_holders(r, _("%(body)s mengajukan pertanyaan.") % {"body": outside.name}, text)
    return _sync(report, r)


def do_outside_decline(report: Report, *, outside, reason: str) -> Report:
    """The outside body cannot handle the report: it comes back to whoever held it."""
    reason = _required(reason, "reason", _("Sebutkan alasan penolakan."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_DECLINE, outside, None)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.OUTSIDE_DECLINE,
            outside,
            EventKind.OUTSIDE_DECLINED,
            text=reason,
            audience=Audience.PARTIES,
            target=target,
        )
        _tell_holders(
            r, _("%(body)s tidak dapat menangani laporan ini.") % {"body": outside.name}, reason
        )
    return _sync(report, r)


def do_outside_note(report: Report, *, outside, text: str, remote_status: str = "") -> Report:
    """News from the outside body while it still works on the report: the status notes another
    GeoReport v2 server published (`aduan.federation`'s sync). The reporter sees it and is told;
    the report stays forwarded."""
    text = _required(text, "text", _("Kabar perkembangan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_NOTE, outside, None)
        _finish(
            r,
            Action.OUTSIDE_NOTE,
            outside,
            EventKind.OUTSIDE_NOTE,
            text=text,
            audience=Audience.PARTIES,
            data={"remote_status": remote_status} if remote_status else None,
        )
        outbox.queue(
            "outside_note",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text, "outside_body": outside.name},
        )
    return _sync(report, r)


def do_reply_outside(
    report: Report, *, actor, text: str, forwarding_id: int, expected_version=None
) -> Report:
    """A dispatcher answers the outside body's question; `aduan.forwarding` shows it on the link
    page and tells the body."""
    text = _required(text, "text", _("Jawaban tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.REPLY_OUTSIDE, actor, expected_version)
        _finish(
            r,
            Action.REPLY_OUTSIDE,
            actor,
            EventKind.OUTSIDE_REPLY,
            text=text,
            audience=Audience.INTERNAL,
            data={"forwarding": forwarding_id},
        )
    return _sync(report, r)


def do_recall_forward(
    report: Report, *, actor, reason: str, forwarding_id: int, expected_version=None
) -> Report:
    """A dispatcher takes the report back from the outside body; its link stops working."""
    reason = _required(reason, "reason", _("Sebutkan alasan pembatalan."))
    with transaction.atomic():
        r = _begin(report, Action.RECALL_FORWARD, actor, expected_version)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.RECALL_FORWARD,
            actor,
            EventKind.FORWARD_RECALLED,
            text=reason,
            audience=Audience.PARTIES,
            data={"forwarding": forwarding_id},
            target=target,
        )
    return _sync(report, r)


def do_expire_forward(report: Report, *, forwarding_id: int, body_name: str) -> Report:
    """The link ran out without an answer (the sweep of `aduan.forwarding`): back to whoever held
    the report, and the dispatchers are told."""
    with transaction.atomic():
        r = _begin(report, Action.EXPIRE_FORWARD, None, None)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.EXPIRE_FORWARD,
            None,
            EventKind.FORWARD_EXPIRED,
            text=_("%(body)s tidak menjawab sebelum tautan kedaluwarsa.") % {"body": body_name},
            audience=Audience.PARTIES,
            data={"forwarding": forwarding_id, "outside_body": body_name},
            target=target,
        )
        _tell_holders(
            r, _("Tautan untuk %(body)s kedaluwarsa tanpa jawaban.") % {"body": body_name}, ""
        )
    return _sync(report, r)


def _back_from_outside(r: Report) -> str:
    """Where a report returns from an outside body: to the agency holding it (its answer clock
    running again from the disposition), else to the dispatcher's queue with a new clock."""
    if r.agency_id is not None:
        sla.set_clock(r, SlaStep.ANSWER, _current_disposition(r).created_at)
        return Status.IN_PROGRESS
    sla.set_clock(r, SlaStep.VERIFY, _now())
    return Status.SUBMITTED


def _tell_holders(r: Report, what: str, text: str) -> None:
    """The dispatchers, and the officers of the agency holding the report."""
    outbox.queue(
        "outside_update",
        report=r,
        users=[*recipients.dispatchers(), *recipients.handlers(r)],
        context={"what": what, "text": text},
    )


# --- the Ombudsman ("no wrong door", issue 16) --------------------------------------------------


def do_hand_over_to_ombudsman(
    report: Report, *, actor, consent: bool = False, expected_version=None
) -> Report:
    """The reporter takes a report whose legal time limit has passed to the Ombudsman RI, saying
    so in as many words (`consent`): the hand-over is recorded in the timeline and the audit
    chain, and the supervisors and the Inspektorat are told. It is a record, not a close: the
    status, the clock and the agency stay, and the regency goes on handling the report. The
    case file the Ombudsman receives is drawn from it (`case_file.render`). Once only (the
    table's guard)."""
    if consent is not True:
        raise errors.InvalidInput(
            _(
                "Centang pernyataan persetujuan untuk menyerahkan laporan ini beserta riwayatnya "
                "kepada Ombudsman."
            ),
            field="consent",
        )
    with transaction.atomic():
        r = _begin(report, Action.HAND_OVER_OMBUDSMAN, actor, expected_version)
        now = _now()
        r.ombudsman_at = now
        _finish(
            r,
            Action.HAND_OVER_OMBUDSMAN,
            actor,
            EventKind.OMBUDSMAN,
            text=_(
                "Pelapor menyerahkan laporan ini kepada Ombudsman Republik Indonesia karena batas "
                "waktu penanganannya terlewati. Penanganan oleh pemerintah kabupaten tetap "
                "berjalan."
            ),
            audience=Audience.PARTIES,
            data={
                "consent_at": now.isoformat(),
                "step": r.due_step,
                "due_at": r.due_at.isoformat() if r.due_at else "",
            },
        )
        outbox.queue(
            "report_to_ombudsman",
            report=r,
            users=[*recipients.supervisors(), *recipients.inspectorate()],
        )
    return _sync(report, r)

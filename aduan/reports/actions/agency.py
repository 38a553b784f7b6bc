"""The agency: accept or decline, assign, notes, questions to the reporter, the answer (done,
cannot, scheduled) and its approval."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.directory.models import SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    errors,
    proof,
    rules,
    sla,
    transitions,
)
from ..models import (
    AnswerOutcome,
    Attachment,
    Audience,
    EventKind,
    Report,
    Status,
    TimelineEvent,
)
from ..transitions import Action
from ._core import (
    _attach,
    _begin,
    _current_disposition,
    _event,
    _finish,
    _holding_agency,
    _now,
    _required,
    _sync,
)


def do_accept(report: Report, *, actor, expected_version=None) -> Report:
    with transaction.atomic():
        r = _begin(report, Action.ACCEPT, actor, expected_version)
        now = _now()
        current = _current_disposition(r)
        current.accepted_at, current.accepted_by = now, actor
        current.save(update_fields=["accepted_at", "accepted_by"])
        if r.assigned_to_id is None:
            r.assigned_to = actor
        # The answer's limit counts from the disposition, not from the acceptance (DESIGN §4).
        sla.set_clock(r, SlaStep.ANSWER, current.created_at)
        _finish(r, Action.ACCEPT, actor, EventKind.ACCEPTED)
        outbox.queue(
            "report_accepted", report=r, users=recipients.reporters(r), **recipients.contacts(r)
        )
    return _sync(report, r)


def do_decline(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    reason = _required(reason, "reason", _("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.DECLINE, actor, expected_version)
        now = _now()
        agency = _holding_agency(r)
        current = _current_disposition(r)
        current.declined_at, current.decline_reason, current.ended_at = now, reason, now
        current.save(update_fields=["declined_at", "decline_reason", "ended_at"])
        r.agency, r.assigned_to, r.sub_unit = None, None, None
        sla.set_clock(r, SlaStep.VERIFY, now)
        _finish(
            r,
            Action.DECLINE,
            actor,
            EventKind.DECLINED,
            text=reason,
            audience=Audience.INTERNAL,
            data={"agency": agency.code},
        )
        outbox.queue(
            "report_declined",
            report=r,
            users=recipients.dispatchers(),
            context={"agency": agency, "text": reason},
        )
    return _sync(report, r)


def do_assign(report: Report, officer, *, actor, expected_version=None) -> Report:
    with transaction.atomic():
        # The actor's permission first: checking the officer before it told anyone who may see the
        # report (its reporter, a supervisor) which usernames are officers of the agency holding it.
        r = _begin(report, Action.ASSIGN, actor, expected_version)
        if (
            officer is None
            or not officer.is_active
            or not officer.is_officer
            or officer.agency_id != r.agency_id
            or officer.sub_unit_id not in (None, r.sub_unit_id)
        ):
            raise errors.InvalidInput(
                _("Pilih petugas dari perangkat daerah yang menangani laporan."), field="officer"
            )
        r.assigned_to = officer
        _finish(
            r,
            Action.ASSIGN,
            actor,
            EventKind.ASSIGNED,
            audience=Audience.INTERNAL,
            data={"officer": officer.username},
        )
        if officer != actor:
            outbox.queue(
                "report_dispositioned", report=r, users=[officer], context={"for_agency": True}
            )
    return _sync(report, r)


def do_add_note(
    report: Report, *, actor, text: str, public: bool = False, attachments=(), expected_version=None
) -> Report:
    """A progress note from the agency: public (the reporter and, for public reports, everyone
    sees it) or internal (staff only)."""
    text = _required(text, "text", _("Catatan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.NOTE, actor, expected_version)
        event = _finish(
            r,
            Action.NOTE,
            actor,
            EventKind.NOTE,
            text=text,
            audience=Audience.PUBLIC if public else Audience.INTERNAL,
        )
        _attach(r, attachments, event, actor, public=public)
        if public:
            outbox.queue(
                "report_note",
                report=r,
                users=recipients.reporters(r),
                **recipients.contacts(r),
                context={"text": text},
            )
    return _sync(report, r)


def do_request_info(report: Report, *, actor, text: str, expected_version=None) -> Report:
    """Ask the reporter for information; the agency's clock stops until they answer."""
    text = _required(text, "text", _("Tuliskan informasi yang dibutuhkan dari pelapor."))
    with transaction.atomic():
        r = _begin(report, Action.REQUEST_INFO, actor, expected_version)
        r.paused_at = _now()
        _finish(
            r,
            Action.REQUEST_INFO,
            actor,
            EventKind.INFO_REQUESTED,
            text=text,
            audience=Audience.PARTIES,
        )
        outbox.queue(
            "info_requested",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text},
        )
    return _sync(report, r)


def do_answer(
    report: Report,
    *,
    actor,
    text: str,
    outcome: str = AnswerOutcome.DONE,
    scheduled_for: dt.date | None = None,
    responsible_body: str = "",
    attachments=(),
    expected_version=None,
) -> Report:
    """The agency's follow-up (tindak lanjut), with its outcome (issue 15):

    - DONE: the reporter now has a limit to give a verdict. For a physical category (roads,
      bridges, lighting, drains, school buildings) at least one photo of the result is required;
      each photo's capture time and place are checked (`proof`) and what looks wrong is flagged
      to the dispatchers;
    - CANNOT: the reason (`text`) and who can (`responsible_body`); the reporter gives a verdict;
    - SCHEDULED: a promise, not an answer: the report stays in progress and the promised date
      becomes the agency's deadline; it can never close the report.

    Where the agency asks for approval (issue 17) and the officer is not one of its approvers,
    the answer is kept as a draft the agency alone sees (`_draft_answer`); nothing reaches the
    reporter until `do_approve_answer`.
    """
    text = _required(text, "text", _("Isi tindak lanjut wajib diisi."))
    attachments = list(attachments)
    if outcome not in AnswerOutcome.values:
        raise errors.InvalidInput(_("Pilih hasil tindak lanjut."), field="outcome")
    responsible_body = (responsible_body or "").strip()[:200]
    if outcome == AnswerOutcome.SCHEDULED:
        _check_schedule(scheduled_for)
    elif outcome == AnswerOutcome.CANNOT and not responsible_body:
        raise errors.InvalidInput(
            _("Sebutkan instansi atau pihak yang dapat menanganinya."), field="responsible_body"
        )
    action = Action.SCHEDULE if outcome == AnswerOutcome.SCHEDULED else Action.ANSWER
    with transaction.atomic():
        r = _begin(report, action, actor, expected_version)
        if outcome == AnswerOutcome.DONE:
            _require_result_photo(r, attachments)
        answer = _Answer(text, outcome, scheduled_for, responsible_body)
        if answer_needs_approval(r, actor):
            _draft_answer(r, actor, answer, attachments)
        elif outcome == AnswerOutcome.SCHEDULED:
            event = _record_schedule(r, actor, answer)
            _attach(r, attachments, event, actor, public=True)
        else:
            event = _record_answer(r, actor, answer)
            stored = _attach(r, attachments, event, actor, public=True, keep_capture=True)
            _after_answer(r, answer, [item for item in stored if proof.is_photo(item)], actor)
    return _sync(report, r)


@dataclass(frozen=True)
class _Answer:
    text: str
    outcome: str
    scheduled_for: dt.date | None = None
    responsible_body: str = ""
    approval: dict | None = None  # who approved the draft it came from (issue 17)


def _check_schedule(scheduled_for) -> None:
    if not isinstance(scheduled_for, dt.date):
        raise errors.InvalidInput(
            _("Tindak lanjut yang dijadwalkan memerlukan tanggalnya."), field="scheduled_for"
        )
    today = sla.local_date(_now())
    if scheduled_for <= today:
        raise errors.InvalidInput(
            _("Tanggal jadwal harus setelah hari ini."), field="scheduled_for"
        )
    if scheduled_for > today + dt.timedelta(days=366):
        raise errors.InvalidInput(
            _("Tanggal jadwal paling lambat satu tahun dari sekarang."), field="scheduled_for"
        )


def _require_result_photo(r: Report, files) -> None:
    category = r.category
    if category is not None and category.physical and not any(proof.is_photo(f) for f in files):
        raise errors.InvalidInput(
            _(
                "Kategori “%(category)s” memerlukan bukti perbaikan: lampirkan minimal satu "
                "foto hasil pekerjaan."
            )
            % {"category": category.display_name},
            field="attachments",
        )


def _record_answer(r: Report, actor, answer: _Answer) -> TimelineEvent:
    """The answer itself (done or cannot): the reporter's verdict clock starts."""
    now = _now()
    # Whether the agency answered within its limit, kept for the dashboard (the clock is reset
    # below).
    on_time = r.due_at is None or r.paused_at is not None or now <= r.due_at
    r.responded_at = now
    r.answer_outcome, r.follow_up_on = answer.outcome, None
    r.external_body = answer.responsible_body if answer.outcome == AnswerOutcome.CANNOT else ""
    if r.is_part:
        # A part's answer waits for no verdict: the reporter judges the main report's (issue 16).
        sla.stop_clock(r)
    else:
        sla.set_clock(r, SlaStep.VERDICT, now)
    data = {
        "agency": _holding_agency(r).code,
        "round": r.reopen_count + 1,
        "on_time": on_time,
        "outcome": answer.outcome,
        **(answer.approval or {}),
    }
    if r.external_body:
        data["responsible_body"] = r.external_body
    return _finish(
        r,
        Action.ANSWER,
        actor,
        EventKind.ANSWERED,
        text=answer.text,
        data=data,
        target=Status.RESPONDED,
    )


def _after_answer(r: Report, answer: _Answer, photos: list[Attachment], actor) -> None:
    if answer.outcome == AnswerOutcome.DONE:
        _check_proof(r, photos, actor)
    outbox.queue(
        "report_answered",
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"text": answer.text, "outcome": answer.outcome},
    )
    # "Sudah diperbaiki?" to the RT/RW of the desa who do not follow it already (the followers'
    # message of this change asks them too).
    if answer.outcome == AnswerOutcome.DONE and (
        asked := recipients.desa_representatives_not_following(r)
    ):
        outbox.queue(outbox.FOLLOWED, report=r, users=asked)


def _record_schedule(r: Report, actor, answer: _Answer) -> TimelineEvent:
    scheduled_for = answer.scheduled_for
    assert scheduled_for is not None
    r.answer_outcome, r.follow_up_on = AnswerOutcome.SCHEDULED, scheduled_for
    sla.set_follow_up(r, scheduled_for, _now())
    event = _finish(
        r,
        Action.SCHEDULE,
        actor,
        EventKind.SCHEDULED,
        text=answer.text,
        data={
            "agency": _holding_agency(r).code,
            "outcome": AnswerOutcome.SCHEDULED,
            "scheduled_for": scheduled_for.isoformat(),
            **(answer.approval or {}),
        },
        target=Status.IN_PROGRESS,
    )
    outbox.queue(
        "report_scheduled",
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"text": answer.text, "scheduled_for": scheduled_for},
    )
    return event


# --- answer approval (issue 17) ------------------------------------------------------------


def answer_needs_approval(r: Report, actor) -> bool:
    """Whether `actor`'s answer to `r` waits as a draft: an agency that asks for approval and has
    someone to give it (`transitions.answer_approvers`; without one the setting would hold every
    answer forever, so it does not apply), unless `actor` approves it themselves. A sub-unit's
    answer (issue 16) always waits for the agency: its approvers, else any officer of the agency
    itself (`transitions.oversees_sub_unit`), so there is always someone to give it. The back
    office's answer form asks this too, to say so before the answer is sent."""
    if getattr(actor, "sub_unit_id", None) is not None:
        return True
    return (
        _holding_agency(r).answers_need_approval
        and not transitions.approves_answers(actor, r.agency_id)
        and transitions.agency_has_approvers(r.agency_id)
    )


def _draft_answer(r: Report, actor, answer: _Answer, files) -> None:
    """Keep the answer as a draft for the agency (its files too, not public), and ask its
    approvers. The report's status and clock do not change: the limit still runs."""
    data = {"agency": _holding_agency(r).code, "outcome": answer.outcome}
    if answer.scheduled_for:
        data["scheduled_for"] = answer.scheduled_for.isoformat()
    if answer.responsible_body and answer.outcome == AnswerOutcome.CANNOT:
        data["responsible_body"] = answer.responsible_body
    draft = _finish(
        r,
        Action.ANSWER,
        actor,
        EventKind.ANSWER_DRAFTED,
        text=answer.text,
        audience=Audience.AGENCY,
        data=data,
        target=r.status,
    )
    r.pending_answer = draft
    r.save(update_fields=["pending_answer"])
    _attach(r, files, draft, actor, public=False, keep_capture=True)
    approvers = list(transitions.answer_approvers(r.agency_id))
    if not approvers and getattr(actor, "sub_unit_id", None) is not None:
        approvers = recipients.officers(r.agency)  # the agency's oversight of its sub-unit
    if approvers:
        outbox.queue(
            "answer_drafted",
            report=r,
            users=approvers,
            context={"text": answer.text, "author": getattr(actor, "display_name", "")},
        )


def do_approve_answer(report: Report, *, actor, text: str = "", expected_version=None) -> Report:
    """The agency head or liaison approves the waiting draft: it becomes the answer, under its
    author's name, with the approver recorded (`approved_by`) and, when they reworded it, the
    draft kept beside it for the agency. Every rule of an answer holds again (a physical
    category still needs its result photo)."""
    with transaction.atomic():
        r = _begin(report, Action.APPROVE_ANSWER, actor, expected_version)
        assert r.pending_answer_id is not None  # the guard: a draft waits
        draft = TimelineEvent.objects.select_related("actor").get(pk=r.pending_answer_id)
        r.pending_answer = None
        final = rules.plain_text((text or "").strip()) or draft.text
        files = list(draft.attachments.all())
        outcome = draft.data.get("outcome", AnswerOutcome.DONE)
        scheduled_for = draft.data.get("scheduled_for")
        answer = _Answer(
            final,
            outcome,
            dt.date.fromisoformat(scheduled_for) if scheduled_for else None,
            draft.data.get("responsible_body", ""),
            approval={
                "approved_by": actor.pk,
                "approver": actor.display_name,
                "draft": draft.pk,
                "edited": final != draft.text,
            },
        )
        if outcome == AnswerOutcome.DONE:
            _require_result_photo(r, files)
        if answer.scheduled_for:
            _check_schedule(answer.scheduled_for)  # the promised day may have passed meanwhile
        author = draft.actor
        if outcome == AnswerOutcome.SCHEDULED:
            event = _record_schedule(r, author, answer)
        else:
            event = _record_answer(r, author, answer)
        Attachment.objects.filter(pk__in=[f.pk for f in files]).update(event=event, public=True)
        if outcome != AnswerOutcome.SCHEDULED:
            _after_answer(r, answer, [f for f in files if proof.is_photo(f)], author)
    return _sync(report, r)


def do_return_answer(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """The approver sends the draft back to the agency with what to change; the officer answers
    again. Neither the draft nor the reason ever reaches the reporter."""
    reason = _required(reason, "reason", _("Tuliskan apa yang perlu diperbaiki pada draf."))
    with transaction.atomic():
        r = _begin(report, Action.RETURN_ANSWER, actor, expected_version)
        assert r.pending_answer_id is not None  # the guard: a draft waits
        draft = TimelineEvent.objects.select_related("actor").get(pk=r.pending_answer_id)
        r.pending_answer = None
        _finish(
            r,
            Action.RETURN_ANSWER,
            actor,
            EventKind.ANSWER_RETURNED,
            text=reason,
            audience=Audience.AGENCY,
            data={"agency": _holding_agency(r).code, "draft": draft.pk},
        )
        if draft.actor is not None and draft.actor.is_active:
            outbox.queue("answer_returned", report=r, users=[draft.actor], context={"text": reason})
    return _sync(report, r)


def _check_proof(r: Report, photos: list[Attachment], actor) -> None:
    """Flag each result photo (`proof.flags_for`); tell the dispatchers once when one was taken
    before the report was filed or away from its place."""
    alerting = []
    for photo in photos:
        photo.proof_flags = proof.flags_for(r, photo)
        photo.save(update_fields=["proof_flags"])
        if any(flag in proof.ALERTING for flag in photo.proof_flags):
            alerting.append({"attachment": photo.pk, "flags": photo.proof_flags})
    if not alerting:
        return
    _event(
        r,
        EventKind.PROOF_FLAGGED,
        None,
        r.status,
        r.status,
        audience=Audience.INTERNAL,
        text="; ".join(
            dict.fromkeys(label for item in alerting for label in proof.labels(item["flags"]))
        ),
        data={"photos": alerting, "agency": _holding_agency(r).code},
    )
    outbox.queue(
        "proof_flagged",
        report=r,
        users=recipients.dispatchers(),
        context={"flags": proof.labels({f for item in alerting for f in item["flags"]})},
    )

"""Bagi laporan (issue 16): one report split between agencies, each part with its own clock."""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.directory.models import SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    errors,
    sla,
    tracking,
    transitions,
)
from ..models import (
    PART_SETTLED_STATUSES,
    AnswerOutcome,
    Attachment,
    Audience,
    EventKind,
    Report,
    Status,
)
from ..transitions import Action
from ._core import _begin, _end_current_disposition, _event, _finish, _now, _required, _sync
from .dispatcher import do_disposition
from .outside import _back_from_outside

# --- split between agencies ("bagi laporan", issue 16) ----------------------------------------

# What a part copies of its main report: the facts the agency needs, the privacy flags, and the
# reporter (for ownership and identity rules; a part never talks to them, `recipients`).
PART_FIELDS = (
    "classification",
    "category",
    "supervisory",
    "title",
    "description",
    "incident_date",
    "district",
    "village",
    "address",
    "latitude",
    "longitude",
    "parties_involved",
    "extra_answers",
    "channel",
    "anonymous",
    "confidential",
    "reporter",
    "filed_by",
    "reporter_name",
    "reporter_phone",
    "reporter_email",
    "reporter_nik_encrypted",
    "reporter_nik_hash",
    "representative_relationship",
    "consent_recorded_at",
    "priority",
    "public_title",
    "public_description",
)
MIN_PARTS = 2


def do_split(report: Report, *, actor, parts, expected_version=None) -> Report:
    """The dispatcher splits a report between several agencies (`parts`: (agency, note) pairs,
    at least two distinct active agencies):

    1. the main report leaves the agency that may hold it (its disposition ends), its own clock
       stops and it waits in SPLIT, its timeline saying which agencies took which part;
    2. each part is a report of its own, coded `<main code>-<n>`, copying the facts, privacy
       flags and reporter of the main report and its files (the same stored files), then
       dispositioned to its agency through `do_disposition` with the note as the instruction,
       so the agency is told and its clocks, reminders and escalations run as usual.

    Answers: see `after_part_or_main_moved`."""
    pairs = [(agency, (note or "").strip()) for agency, note in parts or ()]
    agencies = [agency for agency, _note in pairs]
    if any(agency is None or not agency.is_active for agency in agencies):
        raise errors.InvalidInput(_("Pilih perangkat daerah yang aktif."), field="parts")
    if len({agency.pk for agency in agencies}) != len(agencies):
        raise errors.InvalidInput(
            _("Setiap perangkat daerah hanya mendapat satu bagian."), field="parts"
        )
    if len(agencies) < MIN_PARTS:
        raise errors.InvalidInput(
            _("Bagi laporan kepada paling sedikit dua perangkat daerah yang berbeda."),
            field="parts",
        )
    with transaction.atomic():
        r = _begin(report, Action.SPLIT, actor, expected_version)
        now = _now()
        previous = r.agency
        _end_current_disposition(r, now)
        r.agency, r.assigned_to, r.split_at = None, None, now
        sla.stop_clock(r)
        numbered = r.parts.count()
        made = []
        for number, (agency, note) in enumerate(pairs, start=numbered + 1):
            part = _new_part(r, number, actor, now)
            do_disposition(part, agency, actor=actor, instruction=note)
            made.append(
                {"code": part.code, "agency": agency.code, "agency_name": agency.short_name}
            )
        data: dict[str, object] = {"parts": made}
        if previous is not None:
            data["previous_agency"] = previous.code
        _finish(
            r,
            Action.SPLIT,
            actor,
            EventKind.SPLIT,
            text=", ".join(item["agency_name"] for item in made),
            data=data,
        )
    return _sync(report, r)


def _new_part(main: Report, number: int, actor, now) -> Report:
    part = Report(parent=main, status=Status.SUBMITTED, submitted_at=now)
    for name in PART_FIELDS:
        setattr(part, name, getattr(main, name))
    part.code = f"{main.code}-{number}"
    # Nobody tracks a part by its secret: the reporter follows the main report.
    part.secret_hash = tracking.secret_hash(part.code, secrets.token_hex(16))
    part.save()
    for item in main.attachments.filter(event__isnull=True) | main.attachments.filter(
        from_reporter=True
    ):
        Attachment.objects.create(
            report=part,
            file=item.file.name,
            original_name=item.original_name,
            content_type=item.content_type,
            size=item.size,
            uploaded_by=item.uploaded_by,
            public=item.public,
            from_reporter=item.from_reporter,
            blurred_file=item.blurred_file.name if item.blurred_file else "",
            blurred_regions=item.blurred_regions,
            agency_may_open=item.agency_may_open,
        )
    _event(
        part,
        EventKind.PART_CREATED,
        actor,
        "",
        Status.SUBMITTED,
        audience=Audience.INTERNAL,
        data={"main": main.code},
        now=now,
    )
    return part


def after_part_or_main_moved(r: Report, before: str) -> None:
    """Called by `_finish` after every status change (so every action and channel gets it):

    - a part settled (answered, closed or archived): if it was the last open part of a main report
      that waits, the main report is answered to the reporter now (`do_answer_parts`). The main row
      is locked first: two agencies answering the last two parts at once are serialised, so the
      second sees the first's answer and exactly one of them answers the main report;
    - a split main report closed (satisfied, closed by the dispatcher, closed by the sweep): its
      answered parts close with it (`CLOSE_PART`)."""
    if r.is_part and r.status in PART_SETTLED_STATUSES:
        assert r.parent_id is not None  # a part has its main report
        main = Report.objects.select_for_update(of=("self",)).get(pk=r.parent_id)
        if main.status == Status.SPLIT and transitions.parts_settled(main):
            do_answer_parts(main)
    if r.is_split and r.status == Status.CLOSED:
        for part in r.parts.filter(status=Status.RESPONDED).order_by("id"):
            do_close_part(part)


def do_close_part(part: Report) -> Report:
    """An answered part closes with its main report (the system, in the main report's
    transaction; refused while the main report is open)."""
    with transaction.atomic():
        p = _begin(part, Action.CLOSE_PART, None, None)
        assert p.parent is not None  # CLOSE_PART's guard: a part
        main_code = p.parent.code
        p.closed_at = _now()
        _end_current_disposition(p, p.closed_at)
        sla.stop_clock(p)
        _finish(
            p,
            Action.CLOSE_PART,
            None,
            EventKind.CLOSED,
            text=_("Ditutup bersama laporan utama %(code)s.") % {"code": main_code},
            audience=Audience.INTERNAL,
            data={"main": main_code},
        )
    return _sync(part, p)


def do_answer_parts(main: Report) -> Report:
    """Every part is settled: the main report is answered to the reporter with each part's
    agency and answer (or why it was closed), and waits for their verdict like any answer.
    Taken by the system when the last part settles (`after_part_or_main_moved`); refused while
    any part is open."""
    with transaction.atomic():
        r = _begin(main, Action.ANSWER_PARTS, None, None)
        lines, summary, outcomes, bodies = [], [], [], []
        for part in r.parts.select_related("agency").order_by("id"):
            who = part.agency.short_name if part.agency else (part.external_body or "—")
            answer = (
                part.events.filter(kind=EventKind.ANSWERED, audience=Audience.PUBLIC)
                .order_by("-created_at", "-id")
                .first()
            )
            if part.status == Status.RESPONDED and answer is not None:
                said = answer.text
                outcomes.append(part.answer_outcome or AnswerOutcome.DONE)
                if part.answer_outcome == AnswerOutcome.CANNOT and part.external_body:
                    bodies.append(part.external_body)
            else:
                said = _("Tidak ditindaklanjuti: %(reason)s") % {
                    "reason": part.close_reason
                    or part.get_archive_reason_display()
                    or part.get_status_display()
                }
                outcomes.append(AnswerOutcome.CANNOT)
            lines.append(f"{who}: {said}")
            summary.append({"code": part.code, "agency": part.agency.code if part.agency else ""})
        outcome = (
            AnswerOutcome.DONE
            if all(o == AnswerOutcome.DONE for o in outcomes)
            else AnswerOutcome.CANNOT
        )
        text = "\n\n".join(
            [_("Tindak lanjut dari setiap perangkat daerah yang menangani laporan ini:"), *lines]
        )
        now = _now()
        r.responded_at, r.answer_outcome, r.follow_up_on = now, outcome, None
        r.external_body = "; ".join(bodies)[:200] if outcome == AnswerOutcome.CANNOT else ""
        sla.set_clock(r, SlaStep.VERDICT, now)
        _finish(
            r,
            Action.ANSWER_PARTS,
            None,
            EventKind.ANSWERED,
            text=text,
            data={
                "combined": True,
                "parts": summary,
                "round": r.reopen_count + 1,
                "outcome": outcome,
            },
        )
        outbox.queue(
            "report_answered",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text, "outcome": outcome},
        )
    return _sync(main, r)


def _reopen_split(r: Report, actor, reason: str) -> None:
    """The reporter is not satisfied with a split report's answer (inside `do_reject_answer`):
    the main report waits again, and every answered part goes back to its agency with the
    reporter's reason. The dispatcher closes, with a reason, a part that needs no new answer."""
    sla.stop_clock(r)
    _finish(
        r,
        Action.REJECT_ANSWER,
        actor,
        EventKind.REOPENED,
        text=reason,
        audience=Audience.PARTIES,
        data={"reopen_count": r.reopen_count},
        target=Status.SPLIT,
    )
    for part in r.parts.filter(status=Status.RESPONDED).order_by("id"):
        _reopen_part(part, None, reason)


def do_reopen_part(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """The dispatcher sends an answered part back to its agency while the main report still
    waits for its other parts (the answer is not enough)."""
    reason = _required(reason, "reason", _("Sebutkan mengapa bagian ini dibuka kembali."))
    with transaction.atomic():
        # The main report first, as `after_part_or_main_moved` locks them (no deadlock).
        if report.parent_id is not None:
            Report.objects.select_for_update(of=("self",)).filter(pk=report.parent_id).first()
        r = _reopen_part(report, actor, reason, expected_version=expected_version)
    return _sync(report, r)


def _reopen_part(part: Report, actor, reason: str, *, expected_version=None) -> Report:
    r = _begin(part, Action.REOPEN_PART, actor, expected_version)
    r.reopen_count += 1
    target = _back_from_outside(r)  # to its agency, or the dispatcher's queue if it has none
    if target == Status.IN_PROGRESS:
        sla.set_clock(r, SlaStep.ANSWER, _now())
    _finish(
        r,
        Action.REOPEN_PART,
        actor,
        EventKind.REOPENED,
        text=reason,
        audience=Audience.INTERNAL,
        data={"reopen_count": r.reopen_count},
        target=target,
    )
    outbox.queue(
        "report_reopened",
        report=r,
        users=recipients.officers(r.agency) if r.agency_id else recipients.dispatchers(),
        context={"text": reason},
    )
    return r

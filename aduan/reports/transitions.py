"""The one table of the life cycle (DESIGN §3): which action moves a report from which statuses to
which status, and who may take it. Actions, web buttons, API 409s and the tests all read it."""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from aduan.accounts.models import Role

from . import errors
from .models import (
    OPEN_STATUSES,
    PART_SETTLED_STATUSES,
    STAFF_CLOCK_STATUSES,
    AnswerOutcome,
    Report,
    Status,
)
from .visibility import handles


class Actor(enum.Enum):
    """How a user stands towards one report."""

    REPORTER = "reporter"  # the reporter, or the representative who filed for them
    DISPATCHER = "dispatcher"
    AGENCY = "agency"  # an officer of the agency that holds the report now
    SUPERVISOR = "supervisor"  # Inspektorat / Bagian Organisasi: decides deadline extensions
    SYSTEM = "system"  # sweeps and other background work (actor=None)
    OUTSIDE = "outside"  # a body outside the regency, through its forwarding link (OutsideParty)
    # The head or complaints liaison of the agency that holds the report, where its answers need
    # approval (`Agency.answer_approvers`).
    APPROVER = "approver"
    # An officer of the agency's sub-unit the report was passed down to (issue 16): works on it
    # (notes, questions to the reporter, the answer, which the agency approves), nothing more.
    SUB_UNIT = "sub_unit"


@dataclass(frozen=True)
class PhoneReporter:
    """Someone known only by a phone number (SMS, WhatsApp), acting on a report filed from that
    number without an account: its reporter, for the reporter's own steps. Timeline events and
    files it adds have no account as author (`actions._core._account`)."""

    phone: str
    pk = None
    is_authenticated = True
    is_active = True


@dataclass(frozen=True)
class OutsideParty:
    """A body outside the regency acting through the link of one forwarding
    (`aduan.forwarding`): it has no account, and it may act only on that forwarding's report
    (the link view checks the token before it calls an action). Its events have no account as
    author; they name the body."""

    forwarding_id: int
    report_id: int
    name: str
    # Set when the body is another GeoReport v2 server (`aduan.federation`): the id of the
    # RemoteRequest whose fetched status speaks for it (forwarding_id is then 0).
    remote_request_id: int | None = None
    pk = None
    is_authenticated = True
    is_active = True


class Action(enum.StrEnum):
    RETURN = "return"
    RESUBMIT = "resubmit"
    DISPOSITION = "disposition"
    REDISPOSITION = "redisposition"
    ARCHIVE = "archive"
    MERGE = "merge"
    UNMERGE = "unmerge"
    ACCEPT = "accept"
    DECLINE = "decline"
    ASSIGN = "assign"
    NOTE = "note"
    DISPATCHER_NOTE = "dispatcher_note"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ANSWER = "answer"
    SCHEDULE = "schedule"
    ACCEPT_ANSWER = "accept_answer"
    REJECT_ANSWER = "reject_answer"
    AUTO_CLOSE = "auto_close"
    AUTO_ARCHIVE = "auto_archive"
    CLOSE = "close"
    RECLASSIFY = "reclassify"
    EDIT_PUBLIC = "edit_public"
    SHARE_EVIDENCE = "share_evidence"
    SET_PRIORITY = "set_priority"
    PROPOSE_FORWARD = "propose_forward"
    FORWARD = "forward"
    FORWARD_REMOTE = "forward_remote"
    OUTSIDE_ANSWER = "outside_answer"
    OUTSIDE_QUESTION = "outside_question"
    OUTSIDE_DECLINE = "outside_decline"
    OUTSIDE_NOTE = "outside_note"
    REPLY_OUTSIDE = "reply_outside"
    RECALL_FORWARD = "recall_forward"
    EXPIRE_FORWARD = "expire_forward"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    HOLD = "hold"
    RESUME = "resume"
    APPROVE_ANSWER = "approve_answer"
    RETURN_ANSWER = "return_answer"
    HAND_OVER_OMBUDSMAN = "hand_over_ombudsman"
    SPLIT = "split"
    ANSWER_PARTS = "answer_parts"
    REOPEN_PART = "reopen_part"
    CLOSE_PART = "close_part"
    PASS_DOWN = "pass_down"
    TAKE_BACK = "take_back"


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the status stays as it is
    actors: frozenset[Actor]
    label: str


def _t(sources, target, actors, label) -> Transition:
    return Transition(frozenset(sources), target, frozenset(actors), label)


S = Status
TRANSITIONS: dict[Action, Transition] = {
    Action.RETURN: _t(
        {S.SUBMITTED}, S.RETURNED, {Actor.DISPATCHER}, _("Kembalikan untuk dilengkapi")
    ),
    Action.RESUBMIT: _t({S.RETURNED}, S.SUBMITTED, {Actor.REPORTER}, _("Kirim ulang laporan")),
    Action.DISPOSITION: _t({S.SUBMITTED}, S.DISPOSITIONED, {Actor.DISPATCHER}, _("Disposisikan")),
    Action.REDISPOSITION: _t(
        {S.DISPOSITIONED}, S.DISPOSITIONED, {Actor.DISPATCHER}, _("Disposisikan ulang")
    ),
    Action.ARCHIVE: _t({S.SUBMITTED}, S.ARCHIVED, {Actor.DISPATCHER}, _("Arsipkan")),
    Action.MERGE: _t(
        {S.SUBMITTED}, S.ARCHIVED, {Actor.DISPATCHER}, _("Gabungkan sebagai duplikat")
    ),
    Action.UNMERGE: _t({S.ARCHIVED}, S.SUBMITTED, {Actor.DISPATCHER}, _("Batalkan penggabungan")),
    Action.ACCEPT: _t({S.DISPOSITIONED}, S.IN_PROGRESS, {Actor.AGENCY}, _("Terima")),
    Action.DECLINE: _t({S.DISPOSITIONED}, S.SUBMITTED, {Actor.AGENCY}, _("Tolak disposisi")),
    Action.ASSIGN: _t(
        {S.DISPOSITIONED, S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Tugaskan petugas")
    ),
    Action.NOTE: _t({S.IN_PROGRESS}, None, {Actor.AGENCY, Actor.SUB_UNIT}, _("Tambah catatan")),
    Action.DISPATCHER_NOTE: _t(
        OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Tambah catatan internal")
    ),
    Action.REQUEST_INFO: _t(
        {S.IN_PROGRESS},
        None,
        {Actor.AGENCY, Actor.SUB_UNIT},
        _("Minta informasi kepada pelapor"),
    ),
    Action.PROVIDE_INFO: _t({S.IN_PROGRESS}, None, {Actor.REPORTER}, _("Kirim informasi tambahan")),
    # A sub-unit's answer is always a draft the agency approves (`actions.agency._needs_approval`).
    Action.ANSWER: _t(
        {S.IN_PROGRESS}, S.RESPONDED, {Actor.AGENCY, Actor.SUB_UNIT}, _("Kirim tindak lanjut")
    ),
    # A promise with a date (issue 15): the report stays in progress, so it can never close on it.
    Action.SCHEDULE: _t(
        {S.IN_PROGRESS}, None, {Actor.AGENCY, Actor.SUB_UNIT}, _("Jadwalkan tindak lanjut")
    ),
    Action.ACCEPT_ANSWER: _t({S.RESPONDED}, S.CLOSED, {Actor.REPORTER}, _("Puas")),
    Action.REJECT_ANSWER: _t({S.RESPONDED}, S.IN_PROGRESS, {Actor.REPORTER}, _("Tidak puas")),
    Action.AUTO_CLOSE: _t({S.RESPONDED}, S.CLOSED, {Actor.SYSTEM}, _("Tutup otomatis")),
    Action.AUTO_ARCHIVE: _t({S.RETURNED}, S.ARCHIVED, {Actor.SYSTEM}, _("Arsipkan otomatis")),
    Action.CLOSE: _t(OPEN_STATUSES, S.CLOSED, {Actor.DISPATCHER}, _("Tutup laporan")),
    Action.RECLASSIFY: _t(OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Ubah klasifikasi")),
    Action.EDIT_PUBLIC: _t(
        OPEN_STATUSES | {S.CLOSED}, None, {Actor.DISPATCHER}, _("Ubah versi publik")
    ),
    Action.SET_PRIORITY: _t(OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Ubah prioritas")),
    Action.SHARE_EVIDENCE: _t(
        OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Bagikan bukti kepada perangkat daerah")
    ),
    # Outside parties (aduan.forwarding). The agency asks, the dispatcher forwards (its consent).
    # Coming back from outside (declined, recalled, expired) the report returns to whoever held it:
    # the agency when one holds it (IN_PROGRESS), else the dispatcher's queue (SUBMITTED); see
    # `actions.outside._back_from_outside`. So does a reporter's "not satisfied" with an outside
    # answer when no agency holds the report.
    Action.PROPOSE_FORWARD: _t(
        {S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Usulkan diteruskan ke pihak luar")
    ),
    Action.FORWARD: _t(
        {S.SUBMITTED, S.IN_PROGRESS}, S.FORWARDED, {Actor.DISPATCHER}, _("Teruskan ke pihak luar")
    ),
    # Another GeoReport v2 server as the outside body (aduan.federation): the same step, sent by
    # HTTP instead of a link; its fetched status comes back as OUTSIDE_NOTE (still open) and
    # OUTSIDE_ANSWER (closed), a refusal of the request as OUTSIDE_DECLINE.
    Action.FORWARD_REMOTE: _t(
        {S.SUBMITTED, S.IN_PROGRESS},
        S.FORWARDED,
        {Actor.DISPATCHER},
        _("Teruskan ke server Open311 lain"),
    ),
    Action.OUTSIDE_ANSWER: _t({S.FORWARDED}, S.RESPONDED, {Actor.OUTSIDE}, _("Jawab")),
    Action.OUTSIDE_QUESTION: _t({S.FORWARDED}, None, {Actor.OUTSIDE}, _("Ajukan pertanyaan")),
    Action.OUTSIDE_DECLINE: _t({S.FORWARDED}, S.SUBMITTED, {Actor.OUTSIDE}, _("Tolak")),
    Action.OUTSIDE_NOTE: _t({S.FORWARDED}, None, {Actor.OUTSIDE}, _("Kabar perkembangan")),
    Action.REPLY_OUTSIDE: _t(
        {S.FORWARDED}, None, {Actor.DISPATCHER}, _("Jawab pertanyaan pihak luar")
    ),
    Action.RECALL_FORWARD: _t(
        {S.FORWARDED}, S.SUBMITTED, {Actor.DISPATCHER}, _("Batalkan penerusan ke pihak luar")
    ),
    Action.EXPIRE_FORWARD: _t(
        {S.FORWARDED}, S.SUBMITTED, {Actor.SYSTEM}, _("Kedaluwarsakan tautan pihak luar")
    ),
    Action.REQUEST_EXTENSION: _t(
        {S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Ajukan perpanjangan batas waktu")
    ),
    Action.DECIDE_EXTENSION: _t(
        {S.IN_PROGRESS}, None, {Actor.SUPERVISOR}, _("Putuskan perpanjangan batas waktu")
    ),
    # "Tunda" (issue 17): the dispatcher holds a report before verifying it, under the hold's own
    # limit; past it the report is overdue like any staff step (reminded, escalated).
    Action.HOLD: _t({S.SUBMITTED}, S.ON_HOLD, {Actor.DISPATCHER}, _("Tunda")),
    Action.RESUME: _t({S.ON_HOLD}, S.SUBMITTED, {Actor.DISPATCHER}, _("Akhiri penundaan")),
    # Answer approval (issue 17): where the agency asks for it, an officer's answer is a draft
    # (`do_answer`) until its head or liaison approves it (then it is the answer) or returns it.
    Action.APPROVE_ANSWER: _t(
        {S.IN_PROGRESS}, S.RESPONDED, {Actor.APPROVER}, _("Setujui draf tindak lanjut")
    ),
    Action.RETURN_ANSWER: _t(
        {S.IN_PROGRESS}, None, {Actor.APPROVER}, _("Kembalikan draf tindak lanjut")
    ),
    # "No wrong door" (issue 16): once the legal limit of a step staff owe has passed, the
    # reporter may take the report to the Ombudsman, with their consent. A record, not a close:
    # the status stays and the regency goes on handling it.
    Action.HAND_OVER_OMBUDSMAN: _t(
        STAFF_CLOCK_STATUSES, None, {Actor.REPORTER}, _("Serahkan ke Ombudsman")
    ),
    # "Bagi laporan" (issue 16): from where a disposition may be made, the dispatcher splits the
    # report into parts, one per agency; the main report waits (SPLIT) while they are open.
    # When the last part is answered, the main report is answered to the reporter with every
    # part's answer, in the same transaction (ANSWER_PARTS); when it closes, so do its answered
    # parts (CLOSE_PART). Not satisfied: the main report waits again and its answered parts
    # go back to their agencies (REOPEN_PART, by the system; the dispatcher may reopen one too).
    Action.SPLIT: _t(
        {S.SUBMITTED, S.DISPOSITIONED}, S.SPLIT, {Actor.DISPATCHER}, _("Bagi laporan")
    ),
    Action.ANSWER_PARTS: _t(
        {S.SPLIT}, S.RESPONDED, {Actor.SYSTEM}, _("Kirim tindak lanjut gabungan")
    ),
    Action.REOPEN_PART: _t(
        {S.RESPONDED},
        S.IN_PROGRESS,
        {Actor.DISPATCHER, Actor.SYSTEM},
        _("Buka kembali bagian laporan"),
    ),
    Action.CLOSE_PART: _t(
        {S.RESPONDED}, S.CLOSED, {Actor.SYSTEM}, _("Tutup bersama laporan utama")
    ),
    # Sub-units (issue 16): the agency that holds a report it has accepted passes it down to one
    # of its sub-units (or on to another), and takes it back. The status does not change: the
    # agency still holds the report, its clock still runs.
    Action.PASS_DOWN: _t({S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Teruskan ke sub-unit")),
    Action.TAKE_BACK: _t({S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Tarik kembali dari sub-unit")),
}

# Conditions beyond the status, with the reason shown when they fail; an action with several has
# a list of them, checked in order (the first that fails is the reason given).
Guard = tuple[Callable[[Report], bool], Any]
GUARDS: dict[Action, Guard | list[Guard]] = {
    Action.SHARE_EVIDENCE: (
        lambda r: r.anonymous,
        _(
            "Hanya bukti laporan anonim yang perlu dibagikan; perangkat daerah membuka bukti "
            "laporan lain."
        ),
    ),
    Action.UNMERGE: (
        lambda r: r.merged_into_id is not None,
        _("Laporan ini tidak digabungkan ke laporan lain."),
    ),
    Action.REQUEST_INFO: (
        lambda r: r.paused_at is None,
        _("Permintaan informasi sebelumnya belum dijawab pelapor."),
    ),
    Action.PROVIDE_INFO: (
        lambda r: r.paused_at is not None,
        _("Perangkat daerah tidak sedang meminta informasi."),
    ),
    Action.ACCEPT_ANSWER: (
        lambda r: r.answer_outcome != AnswerOutcome.SCHEDULED,
        _("Tindak lanjut yang baru dijadwalkan tidak dapat menutup laporan."),
    ),
    Action.AUTO_CLOSE: (
        lambda r: r.answer_outcome != AnswerOutcome.SCHEDULED,
        _("Tindak lanjut yang baru dijadwalkan tidak dapat menutup laporan."),
    ),
    Action.ANSWER: (
        lambda r: r.pending_answer_id is None,
        _("Draf tindak lanjut sebelumnya masih menunggu persetujuan."),
    ),
    Action.SCHEDULE: (
        lambda r: r.pending_answer_id is None,
        _("Draf tindak lanjut sebelumnya masih menunggu persetujuan."),
    ),
    Action.APPROVE_ANSWER: (
        lambda r: r.pending_answer_id is not None,
        _("Tidak ada draf tindak lanjut yang menunggu persetujuan."),
    ),
    Action.RETURN_ANSWER: (
        lambda r: r.pending_answer_id is not None,
        _("Tidak ada draf tindak lanjut yang menunggu persetujuan."),
    ),
    Action.REQUEST_EXTENSION: (
        lambda r: r.pending_extension_id is None,
        _("Permintaan perpanjangan sebelumnya belum diputuskan."),
    ),
    Action.DECIDE_EXTENSION: (
        lambda r: r.pending_extension_id is not None,
        _("Tidak ada permintaan perpanjangan yang menunggu keputusan."),
    ),
    Action.HAND_OVER_OMBUDSMAN: [
        (
            lambda r: r.ombudsman_at is None,
            _("Laporan ini sudah diserahkan ke Ombudsman."),
        ),
        (
            lambda r: r.is_overdue(),
            _(
                "Laporan baru dapat diserahkan ke Ombudsman setelah batas waktu penanganannya "
                "terlewati."
            ),
        ),
    ],
    Action.PASS_DOWN: (
        lambda r: r.pending_answer_id is None,
        _("Draf tindak lanjut masih menunggu persetujuan; setujui atau kembalikan dulu."),
    ),
    # Taking a report back while its sub-unit's draft waits would leave the draft without the
    # fallback approvers (`approves_answers`): the agency decides on the draft first.
    Action.TAKE_BACK: (
        lambda r: r.sub_unit_id is not None and r.pending_answer_id is None,
        _(
            "Laporan tidak sedang ditangani sub-unit, atau draf tindak lanjutnya masih menunggu "
            "persetujuan."
        ),
    ),
}


def parts_settled(report: Report) -> bool:
    """Whether every part of a split report is answered, closed or archived (one query, asked
    only of a report that was split)."""
    if not report.is_split:
        return True
    return not report.parts.exclude(status__in=PART_SETTLED_STATUSES).exists()


def _main_status(report: Report) -> str | None:
    parent = report.parent
    return parent.status if parent is not None else None


PARTS_OPEN = _(
    "Laporan ini dibagi ke beberapa perangkat daerah; masih ada bagian yang belum dijawab."
)
NOT_FOR_PARTS = _(
    "Ini bagian dari laporan lain: hanya laporan utama yang berhubungan dengan pelapor."
)

# A report waiting for its author's KTP profile (issue 13) is out of every action, by staff or
# by the sweeps (never archived, closed or discarded), until the profile is complete and
# `actions.release_awaiting_reports` lets it in. Checked before GUARDS, for every action.
AWAITING_GUARD: Guard = (
    lambda r: r.awaiting_profile_since is None,
    _("Laporan ini menunggu profil pelapor lengkap dan belum dapat diproses."),
)

# Split reports (issue 16), checked after GUARDS: a main report cannot be answered or closed
# while any of its parts is open, whichever channel asks; a part never talks to the reporter
# (returned to them, merged into another of theirs, a question to them) and is not split again.
SPLIT_GUARDS = {
    Action.ANSWER_PARTS: (parts_settled, PARTS_OPEN),
    Action.CLOSE: (parts_settled, PARTS_OPEN),
    Action.ACCEPT_ANSWER: (parts_settled, PARTS_OPEN),
    Action.AUTO_CLOSE: (lambda r: not r.is_part and parts_settled(r), PARTS_OPEN),
    Action.SPLIT: (lambda r: not r.is_part, NOT_FOR_PARTS),
    Action.RETURN: (lambda r: not r.is_part, NOT_FOR_PARTS),
    Action.MERGE: (lambda r: not r.is_part, NOT_FOR_PARTS),
    Action.REQUEST_INFO: (
        lambda r: not r.is_part,
        _(
            "Ini bagian dari laporan lain: minta informasi kepada pelapor melalui admin "
            "kabupaten, pada laporan utama."
        ),
    ),
    Action.REOPEN_PART: (
        lambda r: _main_status(r) == Status.SPLIT,
        _("Bagian laporan dapat dibuka kembali selama laporan utama menunggu bagiannya."),
    ),
    Action.CLOSE_PART: (
        lambda r: _main_status(r) == Status.CLOSED,
        _("Bagian laporan ditutup bersama laporan utamanya."),
    ),
}


def actors_for(report: Report, user) -> frozenset[Actor]:
    """Every capacity in which `user` may act on `report` (a dispatcher may also be its
    reporter)."""
    if user is None:
        return frozenset({Actor.SYSTEM})
    if isinstance(user, OutsideParty):
        return frozenset({Actor.OUTSIDE}) if user.report_id == report.pk else frozenset()
    if isinstance(user, PhoneReporter):
        own = (
            report.reporter_id is None
            and user.phone
            and report.reporter_phone == user.phone
            and not report.is_part
        )
        return frozenset({Actor.REPORTER}) if own else frozenset()
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    actors = set()
    # Only the main report of a split one talks to the reporter (issue 16): on a part they
    # take no step (no verdict, no information, no completion).
    if user.pk in (report.reporter_id, report.filed_by_id) and not report.is_part:
        actors.add(Actor.REPORTER)
    if user.is_dispatcher:
        actors.add(Actor.DISPATCHER)
    if handles(report, user):
        actors.add(Actor.AGENCY if user.sub_unit_id is None else Actor.SUB_UNIT)
        if report.pending_answer_id is not None and (
            approves_answers(user, report.agency_id) or oversees_sub_unit(user, report)
        ):
            actors.add(Actor.APPROVER)
    if user.is_supervisor:
        actors.add(Actor.SUPERVISOR)
    return frozenset(actors)


def approves_answers(user, agency_id) -> bool:
    """Whether `user` approves the answers of the agency `agency_id` (remembered on the user
    object for the request: `actors_for` asks once per action shown)."""
    if not getattr(user, "is_officer", False) or user.agency_id != agency_id:
        return False
    if user.sub_unit_id is not None:
        return False  # a sub-unit's officer never approves: the agency oversees the sub-unit
    cached = getattr(user, "_approves_answers_of", None)
    if cached is None:
        cached = set(user.approves_answers_of.values_list("pk", flat=True))
        user._approves_answers_of = cached
    return agency_id in cached


def oversees_sub_unit(user, report: Report) -> bool:
    """The agency's oversight of a sub-unit's answer (issue 16) where the agency names no active
    approver: then any officer of the agency itself (not of a sub-unit) approves or returns the
    draft written while the report is passed down. With approvers, only they do
    (`approves_answers`), as for the agency's own answers."""
    if report.sub_unit_id is None or user.sub_unit_id is not None:
        return False
    if not getattr(user, "is_officer", False) or user.agency_id != report.agency_id:
        return False
    return not agency_has_approvers(report.agency_id)


def answer_approvers(agency_id):
    """The people who approve the answers of the agency `agency_id` now: named approvers who are
    still active officers of that agency itself (not of a sub-unit). The one list for who may
    approve (`approves_answers` asks the same of one user), whether an answer waits for approval
    (`actions.answer_needs_approval`) and who is told of a draft: someone moved to another agency
    or role while still named is none of these."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        approves_answers_of=agency_id,
        is_active=True,
        role=Role.OFFICER,
        agency_id=agency_id,
        sub_unit__isnull=True,
    )


def agency_has_approvers(agency_id) -> bool:
    return answer_approvers(agency_id).exists()


def refusal(action: Action, report: Report, user) -> errors.ActionError | None:
    """Why `user` may not take `action` on `report` now, as the error to raise; None if allowed."""
    transition = TRANSITIONS[action]
    if not (actors_for(report, user) & transition.actors):
        return errors.NotPermitted(
            _("Anda tidak berwenang melakukan tindakan ini pada laporan ini.")
        )
    if report.status not in transition.sources:
        return errors.InvalidState(
            _("Tindakan “%(action)s” tidak dapat dilakukan pada laporan berstatus %(status)s.")
            % {"action": transition.label, "status": report.get_status_display()}
        )
    if not AWAITING_GUARD[0](report):
        return errors.InvalidState(AWAITING_GUARD[1])
    for table in (GUARDS, SPLIT_GUARDS):
        guards = table.get(action, [])
        for check, reason in guards if isinstance(guards, list) else [guards]:
            if not check(report):
                return errors.InvalidState(reason)
    return None


def available_actions(report: Report, user) -> list[Action]:
    """The actions `user` may take now, in table order: what the UI shows as buttons."""
    return [action for action in TRANSITIONS if refusal(action, report, user) is None]

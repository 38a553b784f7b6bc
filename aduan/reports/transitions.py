"""The one table of the life cycle (DESIGN §3): which action moves a report from which statuses to
which status, and who may take it. Actions, web buttons, API 409s and the tests all read it."""

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import OPEN_STATUSES, Report, Status


class Actor(enum.Enum):
    """How a user stands towards one report."""

    REPORTER = "reporter"  # the reporter, or the representative who filed for them
    DISPATCHER = "dispatcher"
    AGENCY = "agency"  # an officer of the agency that holds the report now
    SYSTEM = "system"  # sweeps and other background work (actor=None)


class Action(enum.StrEnum):
    RETURN = "return"
    RESUBMIT = "resubmit"
    DISPOSITION = "disposition"
    REDISPOSITION = "redisposition"
    ARCHIVE = "archive"
    MERGE = "merge"
    ACCEPT = "accept"
    DECLINE = "decline"
    ASSIGN = "assign"
    NOTE = "note"
    DISPATCHER_NOTE = "dispatcher_note"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ANSWER = "answer"
    ACCEPT_ANSWER = "accept_answer"
    REJECT_ANSWER = "reject_answer"
    AUTO_CLOSE = "auto_close"
    AUTO_ARCHIVE = "auto_archive"
    CLOSE = "close"
    RECLASSIFY = "reclassify"


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
    Action.ACCEPT: _t({S.DISPOSITIONED}, S.IN_PROGRESS, {Actor.AGENCY}, _("Terima")),
    Action.DECLINE: _t({S.DISPOSITIONED}, S.SUBMITTED, {Actor.AGENCY}, _("Tolak disposisi")),
    Action.ASSIGN: _t(
        {S.DISPOSITIONED, S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Tugaskan petugas")
    ),
    Action.NOTE: _t({S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Tambah catatan")),
    Action.DISPATCHER_NOTE: _t(
        OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Tambah catatan internal")
    ),
    Action.REQUEST_INFO: _t(
        {S.IN_PROGRESS}, None, {Actor.AGENCY}, _("Minta informasi kepada pelapor")
    ),
    Action.PROVIDE_INFO: _t({S.IN_PROGRESS}, None, {Actor.REPORTER}, _("Kirim informasi tambahan")),
    Action.ANSWER: _t({S.IN_PROGRESS}, S.RESPONDED, {Actor.AGENCY}, _("Kirim tindak lanjut")),
    Action.ACCEPT_ANSWER: _t({S.RESPONDED}, S.CLOSED, {Actor.REPORTER}, _("Puas")),
    Action.REJECT_ANSWER: _t({S.RESPONDED}, S.IN_PROGRESS, {Actor.REPORTER}, _("Tidak puas")),
    Action.AUTO_CLOSE: _t({S.RESPONDED}, S.CLOSED, {Actor.SYSTEM}, _("Tutup otomatis")),
    Action.AUTO_ARCHIVE: _t({S.RETURNED}, S.ARCHIVED, {Actor.SYSTEM}, _("Arsipkan otomatis")),
    Action.CLOSE: _t(OPEN_STATUSES, S.CLOSED, {Actor.DISPATCHER}, _("Tutup laporan")),
    Action.RECLASSIFY: _t(OPEN_STATUSES, None, {Actor.DISPATCHER}, _("Ubah klasifikasi")),
}

# Conditions beyond the status, with the reason shown when they fail.
GUARDS = {
    Action.REQUEST_INFO: (
        lambda r: r.paused_at is None,
        _("Permintaan informasi sebelumnya belum dijawab pelapor."),
    ),
    Action.PROVIDE_INFO: (
        lambda r: r.paused_at is not None,
        _("Perangkat daerah tidak sedang meminta informasi."),
    ),
}


def actors_for(report: Report, user) -> frozenset[Actor]:
    """Every capacity in which `user` may act on `report` (a dispatcher may also be its reporter)."""
    if user is None:
        return frozenset({Actor.SYSTEM})
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    actors = set()
    if user.pk in (report.reporter_id, report.filed_by_id):
        actors.add(Actor.REPORTER)
    if user.is_dispatcher:
        actors.add(Actor.DISPATCHER)
    if user.is_officer and report.agency_id == user.agency_id:
        actors.add(Actor.AGENCY)
    return frozenset(actors)


def refusal(action: Action, report: Report, user):
    """Why `user` may not take `action` on `report` now, as (error class name, message); None if allowed."""
    transition = TRANSITIONS[action]
    if not (actors_for(report, user) & transition.actors):
        return "NotPermitted", _("Anda tidak berwenang melakukan tindakan ini pada laporan ini.")
    if report.status not in transition.sources:
        return "InvalidState", _(
            "Tindakan “%(action)s” tidak dapat dilakukan pada laporan berstatus %(status)s."
        ) % {
            "action": transition.label,
            "status": report.get_status_display(),
        }
    guard = GUARDS.get(action)
    if guard and not guard[0](report):
        return "InvalidState", guard[1]
    return None


def available_actions(report: Report, user) -> list[Action]:
    """The actions `user` may take now, in table order: what the UI shows as buttons."""
    return [action for action in TRANSITIONS if refusal(action, report, user) is None]

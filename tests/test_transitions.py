"""Every (status × action × role) combination of the life cycle, allowed or refused.

ALLOWED below is written out by hand from DESIGN §3; the test checks that the one transition table
(`transitions.available_actions`) agrees with it, and then really calls every action as every
member of the cast on a report in every status: the allowed ones succeed, the others are refused
with an `ActionError` and change nothing (status, version, timeline, outbox).
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from aduan.directory.models import Priority
from aduan.notifications.models import Notification
from aduan.reports import actions, errors, transitions
from aduan.reports.models import Report, Status, TimelineEvent
from aduan.reports.transitions import Action
from tests.conftest import result_photo

from .conftest import file_report, report_in

pytestmark = pytest.mark.django_db

ROLES = [
    "reporter",
    "other_citizen",
    "representative",
    "dispatcher",
    "officer_a",
    "officer_b",
    "inspector",
    "supervisor",
    "sysadmin",
    "system",
    "outside",  # a body outside the regency, through the link of the report's forwarding
    "head_a",  # an officer of agency A who approves its answers (Agency.answer_approvers)
    "sub_unit_a",  # an officer of a sub-unit of agency A (issue 16)
]
STATES = [
    "submitted",
    "returned",
    "dispositioned",
    "in_progress",
    "in_progress_paused",
    "in_progress_extension",  # the agency asked for more time; a supervisor decides
    "responded",
    "closed",
    "archived",
    "merged",  # archived as the duplicate of another report
    "forwarded",  # sent by the dispatcher to an outside body (aduan.forwarding keeps the link)
    "on_hold",  # held by the dispatcher before verification ("tunda")
    "in_progress_draft",  # agency A asks for approval; an officer's answer waits as a draft
    "split",  # split between agencies A and B (issue 16); both parts open
    "part",  # agency A's part of a split report, dispositioned to A
    "part_responded",  # agency A's part, answered; agency B's part still open
    "in_progress_passed",  # agency A passed it down to its sub-unit (issue 16)
    "in_progress_passed_draft",  # ... and the sub-unit's answer waits for A's approval
]
# The status each state above is in, where its name is not one.
STATE_STATUS = {"part": Status.DISPOSITIONED, "part_responded": Status.RESPONDED}

A = Action
DISPATCHER_ON_OPEN = {A.DISPATCHER_NOTE, A.CLOSE, A.RECLASSIFY, A.SET_PRIORITY, A.EDIT_PUBLIC}
ALLOWED = {
    ("submitted", "dispatcher"): {
        A.RETURN,
        A.DISPOSITION,
        A.SPLIT,
        A.ARCHIVE,
        A.MERGE,
        A.FORWARD,
        A.FORWARD_REMOTE,
        A.HOLD,
    }
    | DISPATCHER_ON_OPEN,
    ("on_hold", "dispatcher"): {A.RESUME} | DISPATCHER_ON_OPEN,
    ("in_progress_draft", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress_draft", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_INFO,
        A.REQUEST_EXTENSION,
        A.PROPOSE_FORWARD,
    },
    ("returned", "reporter"): {A.RESUBMIT},
    ("returned", "dispatcher"): DISPATCHER_ON_OPEN,
    ("returned", "system"): {A.AUTO_ARCHIVE},
    ("dispositioned", "dispatcher"): {A.REDISPOSITION, A.SPLIT} | DISPATCHER_ON_OPEN,
    ("dispositioned", "officer_a"): {A.ACCEPT, A.DECLINE, A.ASSIGN},
    ("in_progress", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_INFO,
        A.REQUEST_EXTENSION,
        A.ANSWER,
        A.SCHEDULE,
        A.PROPOSE_FORWARD,
        A.PASS_DOWN,
    },
    ("in_progress_passed", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress_passed", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_INFO,
        A.REQUEST_EXTENSION,
        A.ANSWER,
        A.SCHEDULE,
        A.PROPOSE_FORWARD,
        A.PASS_DOWN,  # on to another of its sub-units
        A.TAKE_BACK,
    },
    # The sub-unit works on it; its answer is a draft for agency A
    # (`actions.agency._needs_approval`).
    ("in_progress_passed", "sub_unit_a"): {A.NOTE, A.REQUEST_INFO, A.ANSWER, A.SCHEDULE},
    ("in_progress_passed_draft", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress_passed_draft", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_INFO,
        A.REQUEST_EXTENSION,
        A.PROPOSE_FORWARD,
    },
    ("in_progress_passed_draft", "sub_unit_a"): {A.NOTE, A.REQUEST_INFO},
    ("in_progress_paused", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress_paused", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_EXTENSION,
        A.ANSWER,
        A.SCHEDULE,
        A.PROPOSE_FORWARD,
        A.PASS_DOWN,
    },
    ("in_progress_paused", "reporter"): {A.PROVIDE_INFO},
    ("in_progress_extension", "dispatcher"): {A.FORWARD, A.FORWARD_REMOTE} | DISPATCHER_ON_OPEN,
    ("in_progress_extension", "officer_a"): {
        A.ASSIGN,
        A.NOTE,
        A.REQUEST_INFO,
        A.ANSWER,
        A.SCHEDULE,
        A.PROPOSE_FORWARD,
        A.PASS_DOWN,
    },
    ("in_progress_extension", "supervisor"): {A.DECIDE_EXTENSION},
    ("responded", "dispatcher"): DISPATCHER_ON_OPEN,
    ("responded", "reporter"): {A.ACCEPT_ANSWER, A.REJECT_ANSWER},
    ("responded", "system"): {A.AUTO_CLOSE},
    ("merged", "dispatcher"): {A.UNMERGE},
    ("closed", "dispatcher"): {A.EDIT_PUBLIC},
    ("forwarded", "dispatcher"): {A.REPLY_OUTSIDE, A.RECALL_FORWARD} | DISPATCHER_ON_OPEN,
    ("forwarded", "outside"): {
        A.OUTSIDE_ANSWER,
        A.OUTSIDE_QUESTION,
        A.OUTSIDE_DECLINE,
        A.OUTSIDE_NOTE,
    },
    ("forwarded", "system"): {A.EXPIRE_FORWARD},
    # Split reports (issue 16): the main report waits, and cannot be closed while a part is
    # open; a part is the agency's like any dispositioned report, never the reporter's, and is
    # not split again; an answered part may be sent back while the main report waits.
    ("split", "dispatcher"): DISPATCHER_ON_OPEN - {A.CLOSE},
    ("part", "dispatcher"): {A.REDISPOSITION} | DISPATCHER_ON_OPEN,
    ("part", "officer_a"): {A.ACCEPT, A.DECLINE, A.ASSIGN},
    ("part_responded", "dispatcher"): {A.REOPEN_PART} | DISPATCHER_ON_OPEN,
    ("part_responded", "system"): {A.REOPEN_PART},
}
# The head of agency A is one of its officers: what they may do, plus deciding a draft.
for (_state, _role), _allowed in list(ALLOWED.items()):
    if _role == "officer_a":
        ALLOWED[(_state, "head_a")] = set(_allowed)
ALLOWED[("in_progress_draft", "head_a")] |= {A.APPROVE_ANSWER, A.RETURN_ANSWER}
# Agency A has an approver (head_a, made before every state is built), so only they decide the
# sub-unit's draft; without one any officer of A would (tests/test_sub_units.py).
ALLOWED[("in_progress_passed_draft", "head_a")] |= {A.APPROVE_ANSWER, A.RETURN_ANSWER}
SYSTEM_ACTIONS = {
    A.AUTO_CLOSE,
    A.AUTO_ARCHIVE,
    A.EXPIRE_FORWARD,
    A.ANSWER_PARTS,
    A.CLOSE_PART,
}
# Taken only inside another action's transaction, so never allowed in a state that lasts: the
# main report is answered as its last part settles, an answered part closes as its main report
# closes (tests/test_split.py takes both).
TRANSIENT_ACTIONS = {A.ANSWER_PARTS, A.CLOSE_PART}


def head_of_a(cast):
    from aduan.accounts.models import Role, User

    head = User.objects.filter(username="kepala-pupr").first()
    if head is None:
        from tests.conftest import _user

        head = _user("kepala-pupr", Role.OFFICER, "pupr")
        cast.agency_a.answer_approvers.add(head)
    return head


def split_report(cast) -> Report:
    report = report_in(cast, Status.SUBMITTED)
    actions.do_split(
        report, actor=cast.dispatcher, parts=[(cast.agency_a, "Jalan."), (cast.agency_b, "Korban.")]
    )
    return report


def sub_units_of_a(cast):
    from tests.sub_units import officer_of, sub_unit_of_a

    first, second = sub_unit_of_a(cast), sub_unit_of_a(cast, "UPT Wilayah II")
    officer_of(first)
    return first, second


def build(cast, state) -> Report:
    if state == "split":
        return split_report(cast)
    if state in ("part", "part_responded"):
        part = split_report(cast).parts.get(agency=cast.agency_a)
        if state == "part_responded":
            actions.do_accept(part, actor=cast.officer_a)
            actions.do_answer(
                part, actor=cast.officer_a, text="Sudah ditambal.", attachments=[result_photo()]
            )
        return part
    if state.startswith("in_progress_passed"):
        head_of_a(cast)
        first, _second = sub_units_of_a(cast)
        report = report_in(cast, Status.IN_PROGRESS)
        actions.do_pass_down(report, first, actor=cast.officer_a, note="Cek lokasi.")
        if state == "in_progress_passed_draft":
            actions.do_answer(
                report,
                actor=person(cast, "sub_unit_a"),
                text="Beres.",
                attachments=[result_photo()],
            )
        return report
    if state == "merged":
        report = file_report(cast)
        target = file_report(cast, title="Laporan yang sama, lebih dulu")
        return actions.do_merge(report, target, actor=cast.dispatcher)
    if state == "in_progress_paused":
        return report_in(cast, Status.IN_PROGRESS, paused=True)
    if state == "forwarded":
        report = report_in(cast, Status.SUBMITTED)
        return actions.do_forward(report, actor=cast.dispatcher, body_name="PDAM", contact_id=0)
    if state == "on_hold":
        report = report_in(cast, Status.SUBMITTED)
        return actions.do_hold(report, actor=cast.dispatcher, reason="Menunggu cek lapangan.")
    if state == "in_progress_draft":
        head_of_a(cast)
        cast.agency_a.answers_need_approval = True
        cast.agency_a.save(update_fields=["answers_need_approval"])
        report = report_in(cast, Status.IN_PROGRESS)
        return actions.do_answer(
            report, actor=cast.officer_a, text="Sudah ditambal.", attachments=[result_photo()]
        )
    if state == "in_progress_extension":
        report = report_in(cast, Status.IN_PROGRESS)
        return actions.do_request_extension(
            report, actor=cast.officer_a, working_days=5, reason="Menunggu anggaran."
        )
    return report_in(cast, Status(state))


def person(cast, role, report=None):
    if role == "outside":
        return transitions.OutsideParty(0, report.pk, "PDAM")
    if role == "head_a":
        return head_of_a(cast)
    if role == "sub_unit_a":
        from tests.sub_units import officer_of

        return officer_of(sub_units_of_a(cast)[0])
    return None if role == "system" else getattr(cast, "citizen" if role == "reporter" else role)


def call(action, report, actor, cast):
    """Take `action` through its real function, with valid arguments."""
    later = timezone.now() + dt.timedelta(days=120)  # past every deadline, for the sweeps' actions
    if action == A.AUTO_CLOSE:
        if report.status == Status.RESPONDED and report.warn_at:
            with time_machine.travel(report.warn_at + dt.timedelta(minutes=1)):
                actions.do_remind(report)  # never closed without a reminder first (issue 15)
        with time_machine.travel(later):
            return actions.do_auto_close(report)
    if action == A.AUTO_ARCHIVE:
        with time_machine.travel(later):
            return actions.do_auto_archive(report)
    calls = {
        A.RETURN: lambda: actions.do_return(report, actor=actor, text="Lengkapi lokasi."),
        A.RESUBMIT: lambda: actions.do_resubmit(
            report, actor=actor, changes={"address": "Jalan Garuda 5"}
        ),
        A.DISPOSITION: lambda: actions.do_disposition(
            report, cast.agency_a, actor=actor, instruction="Tangani."
        ),
        A.REDISPOSITION: lambda: actions.do_redisposition(report, cast.agency_b, actor=actor),
        A.ARCHIVE: lambda: actions.do_archive(report, actor=actor, reason="spam"),
        A.MERGE: lambda: actions.do_merge(report, cast.merge_target, actor=actor),
        A.UNMERGE: lambda: actions.do_unmerge(report, actor=actor),
        A.ACCEPT: lambda: actions.do_accept(report, actor=actor),
        A.DECLINE: lambda: actions.do_decline(report, actor=actor, reason="Bukan kewenangan kami."),
        A.ASSIGN: lambda: actions.do_assign(report, cast.officer_a, actor=actor),
        A.NOTE: lambda: actions.do_add_note(
            report, actor=actor, text="Sudah ditinjau.", public=True
        ),
        A.DISPATCHER_NOTE: lambda: actions.do_dispatcher_note(
            report, actor=actor, text="Cek ulang."
        ),
        A.REQUEST_INFO: lambda: actions.do_request_info(report, actor=actor, text="Kirim foto."),
        A.SET_PRIORITY: lambda: actions.do_set_priority(report, 1, actor=actor),
        # The cast's reports are not anonymous: sharing evidence is refused to everyone by its
        # guard (tests/test_need_to_know.py takes it on an anonymous one).
        A.SHARE_EVIDENCE: lambda: actions.do_share_evidence(report, actor=actor, shared=[]),
        A.REQUEST_EXTENSION: lambda: actions.do_request_extension(
            report, actor=actor, working_days=3, reason="Menunggu material."
        ),
        A.DECIDE_EXTENSION: lambda: actions.do_decide_extension(report, actor=actor, approve=True),
        A.PROVIDE_INFO: lambda: actions.do_provide_info(report, actor=actor, text="Ini fotonya."),
        A.ANSWER: lambda: actions.do_answer(
            report, actor=actor, text="Sudah diperbaiki.", attachments=[result_photo()]
        ),
        A.SCHEDULE: lambda: actions.do_answer(
            report,
            actor=actor,
            text="Dijadwalkan bersama pemeliharaan rutin.",
            outcome="scheduled",
            scheduled_for=timezone.localdate() + dt.timedelta(days=14),
        ),
        A.EDIT_PUBLIC: lambda: actions.do_edit_public_text(
            report, actor=actor, title="Jalan rusak di Sumbawa"
        ),
        A.ACCEPT_ANSWER: lambda: actions.do_accept_answer(report, actor=actor, rating=4),
        A.REJECT_ANSWER: lambda: actions.do_reject_answer(
            report, actor=actor, reason="Belum selesai."
        ),
        A.CLOSE: lambda: actions.do_close(report, actor=actor, reason="Selesai di kantor."),
        A.RECLASSIFY: lambda: actions.do_reclassify(
            report, actor=actor, classification="aspiration"
        ),
        A.SET_PRIORITY: lambda: actions.do_set_priority(report, Priority.URGENT, actor=actor),
        A.PROPOSE_FORWARD: lambda: actions.do_propose_forward(
            report, actor=actor, body_name="PDAM", contact_id=0, text="Pipa PDAM."
        ),
        A.FORWARD: lambda: actions.do_forward(report, actor=actor, body_name="PDAM", contact_id=0),
        A.FORWARD_REMOTE: lambda: actions.do_forward_remote(
            report, actor=actor, server_name="Aduan Kabupaten Sumbawa Barat", server_id=0
        ),
        A.OUTSIDE_ANSWER: lambda: actions.do_outside_answer(report, outside=actor, text="Beres."),
        A.OUTSIDE_NOTE: lambda: actions.do_outside_note(
            report, outside=actor, text="Petugas sudah meninjau lokasi."
        ),
        A.OUTSIDE_QUESTION: lambda: actions.do_outside_question(
            report, outside=actor, text="Di mana?"
        ),
        A.OUTSIDE_DECLINE: lambda: actions.do_outside_decline(
            report, outside=actor, reason="Bukan kami."
        ),
        A.REPLY_OUTSIDE: lambda: actions.do_reply_outside(
            report, actor=actor, text="Di depan SD.", forwarding_id=0
        ),
        A.RECALL_FORWARD: lambda: actions.do_recall_forward(
            report, actor=actor, reason="Salah alamat.", forwarding_id=0
        ),
        A.EXPIRE_FORWARD: lambda: actions.do_expire_forward(
            report, forwarding_id=0, body_name="PDAM"
        ),
        A.HOLD: lambda: actions.do_hold(report, actor=actor, reason="Menunggu surat camat."),
        A.RESUME: lambda: actions.do_resume(report, actor=actor),
        A.APPROVE_ANSWER: lambda: actions.do_approve_answer(report, actor=actor),
        A.RETURN_ANSWER: lambda: actions.do_return_answer(
            report, actor=actor, reason="Sebutkan tanggalnya."
        ),
        # Refused everywhere here: no report of these states is past its limit yet (the
        # reporter gets InvalidState, everyone else NotPermitted; tests/test_ombudsman.py).
        A.HAND_OVER_OMBUDSMAN: lambda: actions.do_hand_over_to_ombudsman(
            report, actor=actor, consent=True
        ),
        A.SPLIT: lambda: actions.do_split(
            report, actor=actor, parts=[(cast.agency_a, ""), (cast.agency_b, "")]
        ),
        A.ANSWER_PARTS: lambda: actions.do_answer_parts(report),
        A.CLOSE_PART: lambda: actions.do_close_part(report),
        A.REOPEN_PART: lambda: actions.do_reopen_part(
            report, actor=actor, reason="Lampirkan foto yang jelas."
        ),
        # To a sub-unit of agency A the report is not with yet.
        A.PASS_DOWN: lambda: actions.do_pass_down(
            report,
            next(u for u in sub_units_of_a(cast) if u.pk != report.sub_unit_id),
            actor=actor,
            note="Mohon ditangani.",
        ),
        A.TAKE_BACK: lambda: actions.do_take_back(report, actor=actor, note="Kami tangani."),
    }
    return calls[action]()


def snapshot(report):
    """Status, version, the report's timeline events and the whole outbox, read in one query (the
    test takes about a thousand snapshots)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT status, version,"
            f" (SELECT COUNT(*) FROM {TimelineEvent._meta.db_table} WHERE report_id = %s),"
            f" (SELECT COUNT(*) FROM {Notification._meta.db_table})"
            f" FROM {Report._meta.db_table} WHERE id = %s",
            [report.pk, report.pk],
        )
        return cursor.fetchone()


def test_it_covers_every_action_of_the_table():
    assert set(Action) == set(transitions.TRANSITIONS)
    # Every action is allowed somewhere; sharing evidence only on an anonymous report, which
    # the states here are not (tests/test_need_to_know.py); a hand-over to the Ombudsman only
    # past the legal limit, which no report here has reached (tests/test_ombudsman.py).
    never_here = {A.SHARE_EVIDENCE, A.HAND_OVER_OMBUDSMAN} | TRANSIENT_ACTIONS
    assert set().union(*ALLOWED.values()) | never_here == set(Action)


@pytest.mark.parametrize("state", STATES)
def test_the_table_allows_exactly_what_the_design_says(cast, state):
    report = build(cast, state)
    for role in ROLES:
        expected = ALLOWED.get((state, role), set())
        if role == "system":
            got = {a for a in Action if transitions.refusal(a, report, None) is None}
        else:
            got = set(transitions.available_actions(report, person(cast, role, report)))
        assert got == expected, (state, role)


# Every action by every role is taken in the states of the main path in the everyday loop
# (`make quick`); in the other states it is a slow proof (`make test`), about 20 s of actions.
# The table itself is checked in every state by the test above, in both.
MAIN_PATH = {"submitted", "dispositioned", "in_progress", "responded"}


@pytest.mark.parametrize(
    "state", [s if s in MAIN_PATH else pytest.param(s, marks=pytest.mark.slow) for s in STATES]
)
def test_every_action_by_every_role_is_taken_or_refused(cast, state):
    shared = build(cast, state)  # refused actions leave it untouched, so it is reused for them
    cast.merge_target = file_report(cast, title="Laporan yang sama, lebih dulu")
    for role in ROLES:
        actor = person(cast, role, shared)
        for action in Action:
            allowed = action in ALLOWED.get((state, role), set())
            if action in SYSTEM_ACTIONS and role != "system":
                # Not callable by a person at all; the table refuses them too.
                assert transitions.refusal(action, shared, actor) is not None
                continue
            if role == "system" and action not in SYSTEM_ACTIONS:
                actor = None
            if allowed:
                # Taken on the shared report inside a savepoint that is rolled back: the next
                # action finds it exactly as `build` left it, without building it again.
                with transaction.atomic():
                    taken_by(state, role, action, shared, actor, cast)
                    transaction.set_rollback(True)
            else:
                before = snapshot(shared)
                with pytest.raises(errors.ActionError):
                    call(action, shared, actor, cast)
                assert snapshot(shared) == before, (state, role, action)


def taken_by(state, role, action, shared, actor, cast):
    """An allowed action, taken on a fresh copy of the shared report: it moves to its status."""
    report = Report.objects.get(pk=shared.pk)
    mine = person(cast, role, report) if role == "outside" else actor
    result = call(action, report, mine, cast)
    expected_status = transitions.TRANSITIONS[action].target or STATE_STATUS.get(
        state,
        state.removesuffix("_paused")
        .removesuffix("_extension")
        .removesuffix("_draft")
        .removesuffix("_passed"),
    )
    if role == "sub_unit_a" and action == A.ANSWER:
        expected_status = Status.IN_PROGRESS  # a draft for agency A to approve
    assert Report.objects.get(pk=report.pk).status == expected_status, (state, role, action)
    assert result.version == Report.objects.get(pk=report.pk).version


def test_a_representative_acts_as_the_reporter_of_what_they_filed(cast):
    report = file_report(
        cast,
        reporter=None,
        filed_by=cast.representative,
        reporter_name="Inaq Rahmah",
        reporter_phone="+6281339100099",
        consent=True,
    )
    actions.do_return(report, actor=cast.dispatcher, text="Lengkapi waktu kejadian.")
    actions.do_resubmit(
        report, actor=cast.representative, changes={"incident_date": dt.date(2026, 3, 1)}
    )
    assert report.status == Status.SUBMITTED


def test_an_officer_of_another_agency_is_not_permitted(cast):
    report = report_in(cast, Status.DISPOSITIONED)
    with pytest.raises(errors.NotPermitted):
        actions.do_accept(report, actor=cast.officer_b)


def test_a_wrong_status_says_which_action_and_status(cast):
    report = report_in(cast, Status.SUBMITTED)
    with pytest.raises(errors.InvalidState) as refused:
        actions.do_accept_answer(report, actor=cast.citizen, rating=5)
    assert "Puas" in refused.value.message and "Belum Terverifikasi" in refused.value.message


def test_an_inactive_user_may_do_nothing(cast):
    report = report_in(cast, Status.SUBMITTED)
    cast.dispatcher.is_active = False
    cast.dispatcher.save()
    with pytest.raises(errors.NotPermitted):
        actions.do_disposition(report, cast.agency_a, actor=cast.dispatcher)

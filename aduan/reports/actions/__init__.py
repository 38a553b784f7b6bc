"""Every change of a report's state (DESIGN §3). Web views, the API, Open311, SMS intake and the
sweeps all call these functions; nothing else writes a report's status. Callers use this package
(`from aduan.reports import actions`; `actions.do_accept(...)`); its modules are by actor:

- `filing`: a report enters (every channel), waits for a KTP profile, history imported;
- `dispatcher`: return, disposition, archive, merge, reclassify, blur, close, hold;
- `agency`: accept, decline, assign, notes, questions, the answer and its approval;
- `sub_units`, `extensions`: passing down to a sub-unit; deadline extensions;
- `reporter`: resubmit, provide information, accept or reject the answer;
- `outside`: outside parties, remote Open311 servers and the Ombudsman;
- `split`: one report split between agencies;
- `sweeps`: the system's periodic actions; `support`: support, following, fix checks;
- `_core`: what every action shares.

Each action runs in one transaction that:
1. locks the report row and re-reads it (`_core._begin`); if the caller saw another status or
   version, somebody else acted first and the caller gets `Conflict`;
2. checks the actor and the status against the one table in `transitions`;
3. writes the new state, recomputes the clock and bumps `version` (`_core._finish`);
4. appends a timeline event and queues notifications in the outbox.
An exception anywhere rolls all of it back.

Two actors at once: on PostgreSQL `select_for_update` makes the second wait for the first to
commit; on SQLite the IMMEDIATE transaction mode (settings) does the same. Either way the second
then sees the new status and is refused with `Conflict`: exactly one wins.
"""

from .agency import (
    answer_needs_approval,
    do_accept,
    do_add_note,
    do_answer,
    do_approve_answer,
    do_assign,
    do_decline,
    do_request_info,
    do_return_answer,
)
from .dispatcher import (
    RECLASSIFIABLE,
    do_archive,
    do_blur_photo,
    do_close,
    do_dispatcher_note,
    do_disposition,
    do_edit_public_text,
    do_hold,
    do_merge,
    do_reclassify,
    do_redisposition,
    do_resume,
    do_return,
    do_set_priority,
    do_share_evidence,
    do_unmerge,
)
from .extensions import (
    MAX_EXTENSION_DAYS,
    do_decide_extension,
    do_request_extension,
)
from .filing import (
    do_file_report,
    do_import_historical,
    release_awaiting_reports,
    remind_awaiting_profile,
)
from .outside import (
    do_expire_forward,
    do_forward,
    do_forward_remote,
    do_hand_over_to_ombudsman,
    do_outside_answer,
    do_outside_decline,
    do_outside_note,
    do_outside_question,
    do_propose_forward,
    do_recall_forward,
    do_reply_outside,
)
from .reporter import (
    RESUBMITTABLE,
    do_accept_answer,
    do_provide_info,
    do_reject_answer,
    do_resubmit,
    not_fixed_reason,
)
from .split import (
    MIN_PARTS,
    PART_FIELDS,
    do_answer_parts,
    do_close_part,
    do_reopen_part,
    do_split,
)
from .sub_units import (
    do_pass_down,
    do_take_back,
)
from .support import (
    do_fix_check,
    do_follow,
    do_support,
    fix_check_counts,
    may_check_fix,
)
from .sweeps import (
    VERDICT_GRACE_WORKING_DAYS,
    do_auto_archive,
    do_auto_close,
    do_escalate,
    do_mark_overdue,
    do_remind,
)

__all__ = [
    "MAX_EXTENSION_DAYS",
    "MIN_PARTS",
    "PART_FIELDS",
    "RECLASSIFIABLE",
    "RESUBMITTABLE",
    "VERDICT_GRACE_WORKING_DAYS",
    "answer_needs_approval",
    "do_accept",
    "do_accept_answer",
    "do_add_note",
    "do_answer",
    "do_answer_parts",
    "do_approve_answer",
    "do_archive",
    "do_assign",
    "do_auto_archive",
    "do_auto_close",
    "do_blur_photo",
    "do_close",
    "do_close_part",
    "do_decide_extension",
    "do_decline",
    "do_dispatcher_note",
    "do_disposition",
    "do_edit_public_text",
    "do_escalate",
    "do_expire_forward",
    "do_file_report",
    "do_fix_check",
    "do_follow",
    "do_forward",
    "do_forward_remote",
    "do_hand_over_to_ombudsman",
    "do_hold",
    "do_import_historical",
    "do_mark_overdue",
    "do_merge",
    "do_outside_answer",
    "do_outside_decline",
    "do_outside_note",
    "do_outside_question",
    "do_pass_down",
    "do_propose_forward",
    "do_provide_info",
    "do_recall_forward",
    "do_reclassify",
    "do_redisposition",
    "do_reject_answer",
    "do_remind",
    "do_reopen_part",
    "do_reply_outside",
    "do_request_extension",
    "do_request_info",
    "do_resubmit",
    "do_resume",
    "do_return",
    "do_return_answer",
    "do_set_priority",
    "do_share_evidence",
    "do_split",
    "do_support",
    "do_take_back",
    "do_unmerge",
    "fix_check_counts",
    "may_check_fix",
    "not_fixed_reason",
    "release_awaiting_reports",
    "remind_awaiting_profile",
]

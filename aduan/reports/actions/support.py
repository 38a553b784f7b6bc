"""Public support for a report, following it, and residents' fix checks."""

from django.utils.translation import gettext as _

from .. import (
    errors,
)
from ..models import (
    AnswerOutcome,
    FixCheck,
    Report,
    Status,
    Support,
)
from ._core import _now

# --- support ----------------------------------------------------------------------------------


def do_support(report: Report, *, actor) -> bool:
    """ "Dukung" a public report, once per account. True if this call added the support."""
    if not report.is_public:
        raise errors.InvalidState(_("Hanya laporan publik yang dapat didukung."))
    if actor is None or not actor.is_authenticated:
        raise errors.NotPermitted(_("Masuk terlebih dahulu untuk mendukung laporan."))
    if actor.pk in (report.reporter_id, report.filed_by_id):
        # The public count is of other people's support: every door (the portal's button is
        # not shown to the reporter, but a hand-made POST or the API reached this).
        raise errors.NotPermitted(_("Laporan Anda sendiri tidak dapat Anda dukung."))
    support, created = Support.objects.get_or_create(report=report, user=actor)
    if not created and not support.following:  # supporting again is following again
        Support.objects.filter(pk=support.pk).update(following=True)
    return created


def do_follow(report: Report, *, user, following: bool) -> bool:
    """Start or stop hearing of a supported report's status changes (the report page, or the
    link in each such message). Returns whether `user` now follows; False without a support."""
    updated = Support.objects.filter(report=report, user=user).update(following=following)
    return bool(updated) and following


def may_check_fix(report: Report, user) -> bool:
    """Who is asked "Sudah diperbaiki?": while an answer that says "done" waits for the
    reporter's verdict, the supporters of the public report and the RT/RW of its desa (not its
    reporter, who has their own verdict)."""
    if (
        user is None
        or not user.is_authenticated
        or not report.is_public
        or report.status != Status.RESPONDED
        or report.answer_outcome != AnswerOutcome.DONE
        or user.pk in (report.reporter_id, report.filed_by_id)
    ):
        return False
    desa_rt = user.is_representative and report.village_id and user.village_id == report.village_id
    return bool(desa_rt) or report.supports.filter(user=user).exists()


def do_fix_check(report: Report, *, user, fixed: bool) -> FixCheck:
    """A supporter or the desa's RT/RW says whether the answered problem is really fixed; shown
    to the dispatcher counted (the reporter's own verdict still decides)."""
    if not may_check_fix(report, user):
        raise errors.NotPermitted(
            _("Hanya pendukung laporan dan RT/RW desanya yang ditanya setelah tindak lanjut.")
        )
    check, _created = FixCheck.objects.update_or_create(
        report=report, user=user, defaults={"fixed": bool(fixed), "answered_at": _now()}
    )
    return check


def fix_check_counts(report: Report) -> dict:
    """{"fixed": n, "not_fixed": m} of the answers to "Sudah diperbaiki?" since the last answer."""
    since = report.responded_at
    checks = report.fix_checks.all()
    if since is not None:
        checks = checks.filter(answered_at__gte=since)
    fixed = checks.filter(fixed=True).count()
    return {"fixed": fixed, "not_fixed": checks.count() - fixed}

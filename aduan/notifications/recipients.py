"""Who is told about a report: the accounts and the bare contacts that `outbox.queue` addresses.

Used by the life-cycle actions (`aduan.reports.actions`) when they queue a notification.
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from aduan.accounts.models import Role


def talks_to_reporter(report) -> bool:
    """Whether the reporter (and the public following the report) hears of this report at all.
    The part of a split report does not (issue 16): only its main report talks to the reporter,
    so every recipient list below is empty for a part, whichever action asks."""
    return getattr(report, "parent_id", None) is None


def reporters(report, *, just_filed: bool = False) -> list:
    """Accounts to tell about the report: its reporter, who filed it, and the reporters of
    reports merged into it. `just_filed`: the filing itself asks, when nothing can have been
    merged into the report yet."""
    if not talks_to_reporter(report):
        return []
    users = [report.reporter, report.filed_by]
    if not just_filed and (merged := merged_parties(report)):
        users += get_user_model().objects.in_bulk(merged).values()
    return [u for u in users if u is not None and u.is_active]


def followers(report) -> list:
    """Supporters who follow a public report ("Dukung & ikuti") and are not its parties: they
    hear of its status changes, as code and status only (`outbox`)."""
    if not report.is_public or not talks_to_reporter(report):
        return []
    # The reporters of reports merged into it are told as reporters already.
    parties = {report.reporter_id, report.filed_by_id} | merged_parties(report)
    # Most reports have no follower: the narrow support rows first, the accounts only if any.
    following = report.supports.filter(following=True).values_list("user_id", flat=True)
    others = [pk for pk in following if pk not in parties]
    if not others:
        return []
    return list(get_user_model().objects.filter(pk__in=others, is_active=True))


def merged_parties(report) -> set:
    """The accounts (ids) that filed, or filed for, a report merged into `report`. An action asks
    up to three times (`reporters`, `followers`, the outbox's message to a follower): read once
    per report instance. The actions work on an instance of their own (`_begin`), which nothing
    is merged into while they hold its lock, so the answer is never older than the action."""
    ids = getattr(report, "_merged_parties", None)
    if ids is None:
        pairs = report.merged.values_list("reporter_id", "filed_by_id")
        ids = report._merged_parties = {pk for pair in pairs for pk in pair if pk is not None}
    return ids


def desa_representatives_not_following(report) -> list:
    """The RT/RW of the report's desa (accounts flagged representative, living there), for a
    public report only, who do not follow it: they are asked "Sudah diperbaiki?" (issue 15); a
    follower is asked by the followers' message of the same change. One query: whether each
    follows comes with it."""
    if not report.is_public or report.village_id is None or not talks_to_reporter(report):
        return []
    follows = get_user_model().objects.filter(
        pk=OuterRef("pk"), supports__report=report, supports__following=True
    )
    parties = [pk for pk in (report.reporter_id, report.filed_by_id) if pk is not None]
    users = (
        get_user_model()
        .objects.filter(is_representative=True, village_id=report.village_id, is_active=True)
        .exclude(pk__in=parties)
        .annotate(follows=Exists(follows))
    )
    # The reporters of reports merged into it are told as reporters, not as followers.
    merged = merged_parties(report)
    return [u for u in users if not u.follows or u.pk in merged]


def contacts(report) -> dict:
    """E-mail and phone of a reporter without an account (SMS, walk-in, a resident filed for):
    keyword arguments of `outbox.queue`."""
    if report.reporter_id is not None or not talks_to_reporter(report):
        return {}
    return {
        "addresses": [report.reporter_email] if report.reporter_email else [],
        "phones": [report.reporter_phone] if report.reporter_phone else [],
    }


def officers(agency) -> list:
    """The officers of the agency itself: its sub-units' officers (issue 16) hear only of the
    reports passed down to them (`handlers`, `sub_unit_officers`)."""
    if agency is None:
        return []
    return list(
        get_user_model().objects.filter(
            role=Role.OFFICER, agency=agency, sub_unit__isnull=True, is_active=True
        )
    )


def sub_unit_officers(sub_unit) -> list:
    if sub_unit is None:
        return []
    return list(
        get_user_model().objects.filter(role=Role.OFFICER, sub_unit=sub_unit, is_active=True)
    )


def handlers(report) -> list:
    """Everyone who works on `report` now: the officers of the agency that holds it and, when it
    was passed down, those of its sub-unit."""
    if report.agency_id is None:
        return []
    found = officers(report.agency)
    if report.sub_unit_id is not None:
        found += sub_unit_officers(report.sub_unit)
    return found


def dispatchers() -> list:
    return list(get_user_model().objects.filter(role=Role.DISPATCHER, is_active=True))


def supervisors() -> list:
    return list(get_user_model().objects.filter(role=Role.SUPERVISOR, is_active=True))


def inspectorate() -> list:
    """The officers of the Inspektorat (an agency of kind `inspectorate`), who answer for the
    regency's supervision alongside the supervisors."""
    return list(
        get_user_model().objects.filter(
            role=Role.OFFICER,
            agency__kind="inspectorate",
            agency__is_active=True,
            is_active=True,
        )
    )

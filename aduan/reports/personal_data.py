"""The reports' part of a citizen's personal data (`aduan.accounts.personal_data`, UU 27/2022):
what the download lists of their reports, supports and fix checks, the files they sent, and what
erasure removes from their reports.

Which events and files the person gets is `visibility`'s decision, as on their report page:
`visible_events` and `visible_attachments` for them as the reporter, never a second rule.
A report a representative filed for a resident is listed without the resident's identity (the
resident's data, not the representative's).

Erasure keeps every report (its text, place, status, deadlines, agency: it still counts in every
figure and its public page is unchanged) and removes the reporter's identity stored on it: name,
phone, e-mail, NIK and the relationship to a representative. The account link (`reporter`) stays,
to the pseudonymised account, so "my reports" statistics and the history stay whole. Each report's
audit chain gets a row saying its reporter's identity was erased.
"""

from django.db.models import Q

from aduan.audit import trail

from .models import Report, Support
from .visibility import own_reports, visible_attachments, visible_events

# What of an event's data the reporter's own timeline shows (`web/_timeline.html`); the rest
# (an officer's user name, internal ids) is not theirs.
SHOWN_EVENT_DATA = ("agency_name", "outside_body", "working_days", "until", "rating")
REPORTER_ERASED = "reporter_identity_erased"


def _verified_phones(user) -> set[str]:
    from django.apps import apps

    try:
        model = apps.get_model("sms", "VerifiedPhone")
    except LookupError:
        return set()
    return set(model.objects.filter(user=user).values_list("phone", flat=True))


def _reports_of(user):
    """The account's reports, and those filed from a phone proven to be theirs without an
    account (SMS or WhatsApp before the number was verified: `messaging.identity`)."""
    phones = _verified_phones(user)
    mine = Q(pk__in=own_reports(user).values("pk"))
    if phones:
        mine |= Q(reporter__isnull=True, reporter_phone__in=phones)
    return Report.objects.filter(mine)


def _report_data(report: Report, user) -> dict:
    for_resident = report.reporter_id != user.pk and report.filed_by_id == user.pk
    data = {
        "code": report.code,
        "classification": report.classification,
        "category": report.category.display_name if report.category else "",
        "title": report.title,
        "description": report.description,
        "incident_date": report.incident_date,
        "district": report.district.name if report.district else "",
        "village": report.village.name if report.village else "",
        "address": report.address,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "parties_involved": report.parties_involved,
        "extra_answers": report.extra_answers,
        "channel": report.channel,
        "anonymous": report.anonymous,
        "confidential": report.confidential,
        "status": report.status,
        "agency": report.agency.name if report.agency else "",
        "submitted_at": report.submitted_at,
        "closed_at": report.closed_at,
        "rating": report.rating,
        "rating_comment": report.rating_comment,
        "filed_for_resident": for_resident,
    }
    if not for_resident:
        data["reporter_as_recorded"] = {
            "name": report.reporter_name,
            "phone": report.reporter_phone,
            "email": report.reporter_email,
        }
        if report.filed_by_id not in (None, user.pk):
            # Filed for them by their RT/RW (or at the desk): the consent they gave, not who.
            data["filed_by_someone_else"] = {
                "consent_recorded_at": report.consent_recorded_at,
                "relationship": report.representative_relationship,
            }
    data["timeline"] = [
        {
            "at": event.created_at,
            "kind": event.kind,
            "label": str(event.get_kind_display()),
            "from_status": event.from_status,
            "to_status": event.to_status,
            "text": event.text,
            "by_you": event.actor_id == user.pk,
            **{k: event.data[k] for k in SHOWN_EVENT_DATA if k in (event.data or {})},
        }
        for event in visible_events(report, user, reporter=True)
    ]
    data["attachments"] = [
        {
            "name": _file_name(item, for_resident),
            "size": item.size,
            "sent_by_you": item.uploaded_by_id == user.pk,
        }
        for item in visible_attachments(report, user, reporter=True)
    ]
    return data


def _file_name(item, for_resident: bool) -> str:
    """A file of a resident's report can be named after the resident ("KTP_Inaq_Rahmah.jpg"):
    listed under a neutral name, and not put in the download (`files`)."""
    if not for_resident:
        return item.shown_name
    extension = item.original_name.rsplit(".", 1)[-1][:5] if "." in item.original_name else "bin"
    return f"lampiran-{item.pk}.{extension}"


def collect(user) -> dict:
    reports = _reports_of(user).select_related("category", "agency", "district", "village")
    return {
        "reports": [_report_data(r, user) for r in reports.order_by("submitted_at", "id")],
        "supports": [
            {"report": code, "at": at, "following": following}
            for code, at, following in Support.objects.filter(user=user)
            .order_by("created_at")
            .values_list("report__code", "created_at", "following")
        ],
        "fix_checks": [
            {"report": code, "fixed": fixed, "at": at}
            for code, fixed, at in user.fix_checks.order_by("answered_at").values_list(
                "report__code", "fixed", "answered_at"
            )
        ],
    }


def files(user):
    """The files the person sent with their own reports (as they may see them), under the
    report's code."""
    for report in _reports_of(user).order_by("submitted_at", "id"):
        if report.reporter_id != user.pk and report.filed_by_id == user.pk:
            continue  # a resident's report: the resident's files (a KTP photo), not theirs
        for item in visible_attachments(report, user, reporter=True):
            if item.uploaded_by_id != user.pk:
                continue
            try:
                with item.file.open("rb") as handle:
                    content = handle.read()
            except (FileNotFoundError, OSError, ValueError):
                continue
            name = item.shown_name  # type: ignore[attr-defined]  # set by visible_attachments
            yield f"{report.code}/{item.pk}-{name}", content


def erase(identity) -> dict[str, int]:
    user = identity.user
    theirs = Q(reporter=user)
    if identity.phones:
        theirs |= Q(reporter__isnull=True, reporter_phone__in=identity.phones)
    reports = list(Report.objects.filter(theirs).order_by("id"))
    # A bulk update, not an action: the life cycle is untouched (status, deadlines, version), only
    # the reporter's identity goes. Reports filed for a resident keep the resident's identity.
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(
        reporter_name="",
        reporter_phone="",
        reporter_email="",
        reporter_nik_encrypted="",
        reporter_nik_hash="",
        representative_relationship="",
    )
    for report in reports:
        trail.record(
            REPORTER_ERASED,
            actor=identity.actor,
            report=report,
            detail={"request_id": identity.request_id},
        )
    # Supports stay (a public report's count of support is the public's), but tell no one.
    unfollowed = Support.objects.filter(user=user, following=True).update(following=False)
    return {"reports_without_identity": len(reports), "supports_unfollowed": unfollowed}


def register() -> None:
    from aduan.accounts import personal_data

    personal_data.register("reports", collect=collect, files=files, erase=erase)

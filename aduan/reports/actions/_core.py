"""What every action shares: the lock and version check (`_begin`), the state written with its
timeline event, audit entry and clock (`_finish`, `_event`), files attached (`_attach`)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.audit import trail as audit_trail
from aduan.directory.models import Agency
from aduan.notifications import outbox, recipients

from .. import (
    derivatives,
    errors,
    rules,
    signals,
    transitions,
)
from ..models import (
    Attachment,
    Audience,
    Disposition,
    Report,
    TimelineEvent,
)
from ..transitions import Action

# --- helpers ----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _holding_agency(r: Report) -> Agency:
    """The agency holding `r`. The actions that ask are allowed only in states where one holds
    it (`transitions`); a report without one there is a bug, not input to explain."""
    agency = r.agency
    assert agency is not None, f"{r.code}: no agency in status {r.status}"
    return agency


def _required(value, field: str, message) -> str:
    value = (value or "").strip()
    if not value:
        raise errors.InvalidInput(message, field=field)
    return value


def _begin(report: Report, action: Action, actor, expected_version) -> Report:
    """Lock the row, then check that nobody acted since the caller looked, and that the actor
    may take the action in the report's status. The rows that nearly every action reads come
    with it: the agency, the category (the clock, the event feed), the reporter and who filed
    it (the notifications)."""
    fresh = (
        Report.objects.select_for_update(of=("self",))
        .select_related("agency", "category", "reporter", "filed_by")
        .get(pk=report.pk)
    )
    if expected_version is not None:
        try:
            expected_version = int(expected_version)
        except (TypeError, ValueError):  # a tampered or truncated form: refuse it, do not crash
            raise errors.InvalidInput(
                _("Formulir tidak lengkap; muat ulang halaman."), field="version"
            ) from None
    if (
        expected_version is not None and expected_version != fresh.version
    ) or report.status != fresh.status:
        raise errors.Conflict(fresh.get_status_display())
    refused = transitions.refusal(action, fresh, actor)
    if refused is not None:
        raise refused
    fresh._status_before = fresh.status  # type: ignore[attr-defined]  # read by _finish
    return fresh


def _finish(
    r: Report,
    action: Action,
    actor,
    kind: str,
    *,
    text: str = "",
    audience=Audience.PUBLIC,
    data=None,
    target: str | None = None,
) -> TimelineEvent:
    """Write the new state and its timeline event. `target` overrides the table's target only
    where the table says there are two (coming back from an outside body)."""
    target = target or transitions.TRANSITIONS[action].target
    before = r._status_before  # type: ignore[attr-defined]  # set by _begin
    if target is not None:
        r.status = target
    r.version += 1
    r.save()
    # In the same transaction: the search index never disagrees with the report.
    signals.report_changed.send(sender=Report, report=r)
    if r.status != before and (followers := recipients.followers(r)):
        outbox.queue(outbox.FOLLOWED, report=r, users=followers)  # "Dukung & ikuti" (issue 15)
    event = _event(r, kind, actor, before, r.status, text=text, audience=audience, data=data)
    if r.status != before:
        from .split import after_part_or_main_moved  # split.py builds on this module

        after_part_or_main_moved(r, before)
    return event


def _event(
    report,
    kind,
    actor,
    from_status,
    to_status,
    *,
    text="",
    audience=Audience.PUBLIC,
    data=None,
    now=None,
    audit=True,
) -> TimelineEvent:
    if isinstance(actor, transitions.PhoneReporter):
        data = {**(data or {}), "by": "reporter_phone"}
    if isinstance(actor, transitions.OutsideParty):
        via = (
            {"remote_request": actor.remote_request_id}
            if actor.remote_request_id is not None
            else {"forwarding": actor.forwarding_id}
        )
        data = {**(data or {}), "by": "outside", "outside_body": actor.name, **via}
    event = TimelineEvent.objects.create(
        report=report,
        kind=kind,
        actor=_account(actor),
        from_status=from_status,
        to_status=to_status,
        text=rules.plain_text(text),
        audience=audience,
        data=data or {},
        created_at=now or _now(),
    )
    signals.event_recorded.send(sender=TimelineEvent, event=event)
    if audit:
        _audit(event)
    return event


def _audit(event: TimelineEvent) -> None:
    """The audit row is written in the action's own transaction: it exists if and only if the
    action did. It locks its chain's head until commit, so it is the action's last write."""
    audit_trail.record(
        event.kind,
        actor=event.actor,
        report=event.report,
        detail={"from": event.from_status, "to": event.to_status, "event": event.pk, **event.data},
    )


def _sync(caller_copy: Report, fresh: Report) -> Report:
    """Bring the caller's instance up to date, so that it can act again without a false conflict."""
    for field in Report._meta.concrete_fields:
        setattr(caller_copy, field.attname, getattr(fresh, field.attname))
    caller_copy._state.fields_cache = {}
    return caller_copy


def _require_due(r: Report) -> None:
    if r.due_at is None or r.due_at >= _now():
        raise errors.InvalidState(_("Batas waktu belum terlewati."))


def _current_disposition(r: Report) -> Disposition:
    return r.dispositions.filter(ended_at__isnull=True).latest("created_at", "id")


def _end_current_disposition(r: Report, now) -> None:
    r.dispositions.filter(ended_at__isnull=True).update(ended_at=now)


def _attach(
    r: Report,
    files,
    event,
    actor,
    *,
    public: bool,
    keep_capture: bool = False,
    from_reporter: bool = False,
) -> list[Attachment]:
    """Store files that the edge (form, API) has already checked and cleaned. `keep_capture`: a
    staff photo's capture time and place (`attachments.Capture`) are kept, for proof of a fix;
    a reporter's never are (they could place the reporter's home)."""
    stored = []
    for upload in files:
        capture = getattr(upload, "capture", None) if keep_capture else None
        item = Attachment.objects.create(
            report=r,
            event=event,
            file=upload,
            original_name=getattr(upload, "name", "lampiran")[:255],
            content_type=getattr(upload, "content_type", "application/octet-stream"),
            size=upload.size,
            uploaded_by=_account(actor),
            public=public,
            from_reporter=from_reporter,
            captured_at=capture.taken_at if capture else None,
            captured_latitude=_coordinate(capture.latitude) if capture else None,
            captured_longitude=_coordinate(capture.longitude) if capture else None,
        )
        derivatives.store_for(item)  # a photo's thumbnail and screen size, made once (issue 13)
        stored.append(item)
    return stored


def _coordinate(value):
    return None if value is None else Decimal(str(round(value, 6)))


def _account(actor):
    """The account behind an actor; None for the system, a reporter known by phone and an
    outside body acting through its link."""
    if isinstance(actor, (transitions.PhoneReporter, transitions.OutsideParty)):
        return None
    return actor

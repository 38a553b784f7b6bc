"""The dispatcher (admin kabupaten): return, disposition, archive, merge, reclassify, blur, close,
hold and resume."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from aduan.directory.models import PRIORITY_CODES, Agency, Priority, SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    attachments,
    derivatives,
    errors,
    rules,
    sla,
)
from ..models import (
    ArchiveReason,
    Attachment,
    Audience,
    Classification,
    Disposition,
    EventKind,
    Report,
    Status,
)
from ..transitions import Action
from ._core import _begin, _end_current_disposition, _event, _finish, _iso, _now, _required, _sync

# --- the dispatcher ---------------------------------------------------------------------------


def do_return(report: Report, *, actor, text: str, expected_version=None) -> Report:
    text = _required(text, "text", _("Sebutkan apa yang perlu dilengkapi pelapor."))
    with transaction.atomic():
        r = _begin(report, Action.RETURN, actor, expected_version)
        sla.set_clock(r, SlaStep.COMPLETE, _now())
        _finish(r, Action.RETURN, actor, EventKind.RETURNED, text=text, audience=Audience.PARTIES)
        outbox.queue(
            "report_returned",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text},
        )
    return _sync(report, r)


def do_disposition(
    report: Report, agency: Agency, *, actor, instruction: str = "", expected_version=None
) -> Report:
    return _hand_over(
        report,
        agency,
        Action.DISPOSITION,
        actor=actor,
        instruction=instruction,
        expected_version=expected_version,
    )


def do_redisposition(
    report: Report, agency: Agency, *, actor, instruction: str = "", expected_version=None
) -> Report:
    return _hand_over(
        report,
        agency,
        Action.REDISPOSITION,
        actor=actor,
        instruction=instruction,
        expected_version=expected_version,
    )


def _hand_over(report, agency, action, *, actor, instruction, expected_version) -> Report:
    if agency is None or not agency.is_active:
        raise errors.InvalidInput(_("Pilih perangkat daerah yang aktif."), field="agency")
    with transaction.atomic():
        r = _begin(report, action, actor, expected_version)
        if action == Action.REDISPOSITION and r.agency_id == agency.pk:
            raise errors.InvalidInput(
                _("Laporan sudah berada di perangkat daerah ini."), field="agency"
            )
        now = _now()
        previous = r.agency
        _end_current_disposition(r, now)
        Disposition.objects.create(
            report=r,
            agency=agency,
            instruction=(instruction or "").strip(),
            created_by=actor,
            created_at=now,
        )
        r.agency, r.assigned_to, r.dispositioned_at = agency, None, now
        r.sub_unit = None
        sla.set_clock(r, SlaStep.ACCEPT, now)
        kind = (
            EventKind.DISPOSITIONED if action == Action.DISPOSITION else EventKind.REDISPOSITIONED
        )
        data = {"agency": agency.code, "agency_name": agency.short_name}
        if previous is not None:
            data["previous_agency"] = previous.code
        _finish(r, action, actor, kind, data=data)
        outbox.queue(
            "report_dispositioned",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
        )
        outbox.queue(
            "report_dispositioned",
            report=r,
            users=recipients.officers(agency),
            context={"for_agency": True, "text": instruction},
        )
    return _sync(report, r)


def do_archive(
    report: Report,
    *,
    actor,
    reason: str,
    text: str = "",
    external_body: str = "",
    expected_version=None,
) -> Report:
    if reason not in ArchiveReason.values or reason == ArchiveReason.DUPLICATE:
        raise errors.InvalidInput(
            _("Pilih alasan pengarsipan (duplikat: gunakan penggabungan)."), field="reason"
        )
    if reason == ArchiveReason.OUT_OF_AUTHORITY and not external_body.strip():
        raise errors.InvalidInput(_("Sebutkan instansi yang berwenang."), field="external_body")
    with transaction.atomic():
        r = _begin(report, Action.ARCHIVE, actor, expected_version)
        r.archive_reason, r.external_body = reason, external_body.strip()
        r.closed_at = _now()
        sla.stop_clock(r)
        _finish(
            r,
            Action.ARCHIVE,
            actor,
            EventKind.ARCHIVED,
            text=text.strip(),
            audience=Audience.PARTIES,
            data={"reason": reason, "external_body": r.external_body},
        )
        outbox.queue(
            "report_archived",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"reason": ArchiveReason(reason).label, "text": _archive_text(r, text)},
        )
    return _sync(report, r)


def _archive_text(r: Report, text: str) -> str:
    if r.external_body:
        return (_("Laporan ini menjadi kewenangan %(body)s.") % {"body": r.external_body}) + (
            "\n" + text.strip() if text.strip() else ""
        )
    return text.strip()


def _merge_target(report: Report, into: Report) -> Report:
    """The report `report` is merged into: `into`, or what `into` was itself merged into; never
    `report` itself nor an archived one."""
    while (further := into.merged_into) is not None:  # never merge into one merged away itself
        into = further
    if into.pk == report.pk:
        raise errors.InvalidInput(
            _("Laporan tidak dapat digabungkan dengan dirinya sendiri."), field="into"
        )
    if into.status == Status.ARCHIVED:
        raise errors.InvalidInput(_("Laporan tujuan sudah diarsipkan."), field="into")
    return into


def do_merge(
    report: Report, into: Report, *, actor, text: str = "", expected_version=None
) -> Report:
    """Archive `report` as a duplicate of `into`: its supporters move there, and its reporters
    follow `into` from now on (they are notified of every change to it)."""
    into = _merge_target(report, into)
    with transaction.atomic():
        # Both rows locked, always in the same order, so two merges cannot deadlock.
        list(Report.objects.select_for_update().filter(pk__in=[report.pk, into.pk]).order_by("pk"))
        r = _begin(report, Action.MERGE, actor, expected_version)
        # Asked again under the locks: a merge of `into` (into this very report, say) or its
        # archiving that finished while this one waited makes it no target any more. Two
        # dispatchers merging two reports into each other at once: exactly one wins.
        target = Report.objects.get(pk=into.pk)
        if target.merged_into_id is not None or target.status == Status.ARCHIVED:
            raise errors.Conflict(
                _("Laporan tujuan baru saja digabungkan atau diarsipkan; muat ulang halaman.")
            )
        r.archive_reason, r.merged_into, r.closed_at = ArchiveReason.DUPLICATE, target, _now()
        sla.stop_clock(r)
        _finish(
            r,
            Action.MERGE,
            actor,
            EventKind.MERGED,
            text=text.strip(),
            audience=Audience.PARTIES,
            data={"into": target.code},
        )
        already = set(target.supports.values_list("user_id", flat=True))
        moving = r.supports.exclude(user_id__in=already)
        moved = sorted(moving.values_list("user_id", flat=True))
        moving.update(report=target)
        _event(
            target,
            EventKind.MERGED,
            actor,
            target.status,
            target.status,
            audience=Audience.INTERNAL,
            # Whose support moved here: `do_unmerge` gives it back.
            data={"from": r.code, "supports": moved},
        )
        outbox.queue(
            "report_merged",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"target": target},
        )
    return _sync(report, r)


def do_unmerge(report: Report, *, actor, expected_version=None) -> Report:
    """Undo `do_merge`: the report is its own again and back in the dispatcher's queue with a
    fresh verification clock; the support that moved with it comes back; its reporters are told."""
    with transaction.atomic():
        # Both rows locked in the order `do_merge` uses, so an undo and a merge cannot deadlock.
        pks = [pk for pk in (report.pk, report.merged_into_id) if pk is not None]
        list(Report.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        r = _begin(report, Action.UNMERGE, actor, expected_version)
        assert r.merged_into_id is not None  # UNMERGE is allowed on a merged report only
        target = Report.objects.get(pk=r.merged_into_id)
        r.archive_reason, r.merged_into, r.closed_at = "", None, None
        sla.set_clock(r, SlaStep.VERIFY, _now())
        _finish(
            r,
            Action.UNMERGE,
            actor,
            EventKind.UNMERGED,
            audience=Audience.PARTIES,
            data={"from": target.code},
        )
        merged = (
            target.events.filter(kind=EventKind.MERGED, data__from=r.code)
            .order_by("-created_at", "-id")
            .first()
        )
        supporters = merged.data.get("supports", []) if merged else []
        already = set(r.supports.values_list("user_id", flat=True))
        target.supports.filter(user_id__in=supporters).exclude(user_id__in=already).update(report=r)
        _event(
            target,
            EventKind.UNMERGED,
            actor,
            target.status,
            target.status,
            audience=Audience.INTERNAL,
            data={"from": r.code},
        )
        outbox.queue(
            "report_unmerged",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"target": target},
        )
    return _sync(report, r)


def do_dispatcher_note(report: Report, *, actor, text: str, expected_version=None) -> Report:
    text = _required(text, "text", _("Catatan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.DISPATCHER_NOTE, actor, expected_version)
        _finish(
            r, Action.DISPATCHER_NOTE, actor, EventKind.NOTE, text=text, audience=Audience.INTERNAL
        )
    return _sync(report, r)


RECLASSIFIABLE = ("classification", "category", "supervisory", "anonymous", "confidential")


def do_reclassify(report: Report, *, actor, expected_version=None, **changes) -> Report:
    """Set classification, category, supervisory flag, anonymous or confidential. A new category
    brings its supervisory default unless the flag is given too. The clock is recomputed."""
    unknown = set(changes) - set(RECLASSIFIABLE)
    if unknown:
        raise errors.InvalidInput(
            _("Kolom tidak dapat diubah: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "classification" in changes and changes["classification"] not in Classification.values:
        raise errors.InvalidInput(_("Klasifikasi tidak dikenal."), field="classification")
    new_category = changes.get("category")
    if (
        new_category is not None
        and new_category.pk != report.category_id
        and not new_category.is_active
    ):  # one kept for history (an import's) is offered to nobody; the report's own may stay
        raise errors.InvalidInput(
            _("Kategori ini tidak aktif; pilih kategori lain."), field="category"
        )
    if "category" in changes and "supervisory" not in changes and changes["category"] is not None:
        changes["supervisory"] = changes["category"].supervisory
    moved_to_private = (
        changes.get("category") is not None
        and changes["category"].private_by_default
        and changes["category"].pk != report.category_id
    )
    if moved_to_private:  # publishing it is a decision of its own, taken afterwards
        changes["confidential"] = True
    with transaction.atomic():
        r = _begin(report, Action.RECLASSIFY, actor, expected_version)
        diff = {}
        for field, value in changes.items():
            old = getattr(r, field)
            if old != value:
                diff[field] = [_plain(old), _plain(value)]
                setattr(r, field, value)
        if not diff:
            return _sync(report, r)
        if r.due_step and r.clock_started_at:
            sla.recompute_due(r)
        _finish(
            r,
            Action.RECLASSIFY,
            actor,
            EventKind.RECLASSIFIED,
            audience=Audience.INTERNAL,
            data=diff,
        )
    return _sync(report, r)


def do_edit_public_text(
    report: Report, *, actor, title: str = "", description: str = "", expected_version=None
) -> Report:
    """The public version of a report (issue 15): the title and text the public reads instead of
    the reporter's (which stays, for the reporter and staff). Empty: the original again. Every
    change is an internal timeline event with both versions, and an audit row."""
    title, description = rules.plain_text(title)[:200], rules.plain_text(description)
    with transaction.atomic():
        r = _begin(report, Action.EDIT_PUBLIC, actor, expected_version)
        diff = {}
        if title != r.public_title:
            diff["public_title"] = [r.public_title, title]
        if description != r.public_description:
            diff["public_description"] = [r.public_description, description]
        if not diff:
            return _sync(report, r)
        r.public_title, r.public_description = title, description
        _finish(
            r,
            Action.EDIT_PUBLIC,
            actor,
            EventKind.PUBLIC_EDITED,
            audience=Audience.INTERNAL,
            data=diff,
        )
    return _sync(report, r)


def _plain(value):
    return getattr(value, "code", value)


def do_blur_photo(
    report: Report, *, actor, attachment: int, regions, expected_version=None
) -> Report:
    """The public version of a photo (issue 15): `regions` (fractions x, y, w, h) are blurred in
    the copy everyone who is no party to the report gets (`visibility.visible_attachments`); no
    regions: the public gets the photo as it is again. Staff and the reporter keep the original.
    Under the same rule as the public text (Action.EDIT_PUBLIC), on the internal timeline."""
    from django.core.files.base import ContentFile

    from .. import blur

    regions = [tuple(float(v) for v in r) for r in regions]
    with transaction.atomic():
        r = _begin(report, Action.EDIT_PUBLIC, actor, expected_version)
        item = r.attachments.filter(pk=attachment, content_type__startswith="image/").first()
        if item is None:
            raise errors.InvalidInput(_("Pilih foto dari laporan ini."), field="photo")
        old = item.blurred_file.name if item.blurred_file else ""
        if regions:
            with attachments.open_stored(item.file) as handle:
                data, _type = blur.blurred(handle.read(), regions)
            item.blurred_file.save("blur.jpg", ContentFile(data), save=False)
            if item.derivatives:  # the public copy's smaller sizes, like the original's
                derivatives.store(item.blurred_file)
        else:
            item.blurred_file = ""
        item.blurred_regions = [list(region) for region in regions]
        item.save(update_fields=["blurred_file", "blurred_regions"])
        if old:
            name, storage = old, item.blurred_file.storage

            def remove_old() -> None:
                storage.delete(name)
                derivatives.remove(storage, name)

            transaction.on_commit(remove_old)
        _finish(
            r,
            Action.EDIT_PUBLIC,
            actor,
            EventKind.PUBLIC_EDITED,
            audience=Audience.INTERNAL,
            data={"blurred": item.pk, "regions": len(regions)},
        )
    return _sync(report, r)


def do_share_evidence(
    report: Report, *, actor, shared: Iterable[int], expected_version=None
) -> Report:
    """Need-to-know evidence (issue 15): of an anonymous report, the agency opens only the
    reporter's files the dispatcher shares (a face, a voice, a document can name the reporter to
    the person reported). `shared`: the ids of the reporter's files the agency may open now; the
    others are withheld. Recorded on the internal timeline and in the audit chain."""
    wanted = {int(pk) for pk in shared}
    with transaction.atomic():
        r = _begin(report, Action.SHARE_EVIDENCE, actor, expected_version)
        files = list(r.attachments.filter(from_reporter=True).order_by("id"))
        unknown = wanted - {a.pk for a in files}
        if unknown:
            raise errors.InvalidInput(
                _("Berkas ini bukan bukti dari pelapor laporan ini."), field="shared"
            )
        changed = [a for a in files if a.agency_may_open != (a.pk in wanted)]
        if not changed:
            return _sync(report, r)
        for a in changed:
            a.agency_may_open = a.pk in wanted
        Attachment.objects.bulk_update(changed, ["agency_may_open"])
        _finish(
            r,
            Action.SHARE_EVIDENCE,
            actor,
            EventKind.EVIDENCE_SHARED,
            audience=Audience.INTERNAL,
            data={
                "shared": sorted(a.pk for a in files if a.pk in wanted),
                "withheld": sorted(a.pk for a in files if a.pk not in wanted),
            },
        )
    return _sync(report, r)


def do_set_priority(
    report: Report, priority, *, actor, reason: str = "", expected_version=None
) -> Report:
    """The dispatcher raises or lowers a report in the queues (a new report takes its category's
    default). Recorded on the internal timeline with the old and the new priority."""
    try:
        priority = Priority(int(priority))
    except (TypeError, ValueError):
        raise errors.InvalidInput(_("Pilih prioritas."), field="priority") from None
    with transaction.atomic():
        r = _begin(report, Action.SET_PRIORITY, actor, expected_version)
        if r.priority == priority:
            return _sync(report, r)
        old, r.priority = r.priority, priority
        _finish(
            r,
            Action.SET_PRIORITY,
            actor,
            EventKind.PRIORITY_CHANGED,
            text=(reason or "").strip(),
            audience=Audience.INTERNAL,
            data={"priority": [PRIORITY_CODES[old], PRIORITY_CODES[priority]]},
        )
    return _sync(report, r)


def do_close(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    reason = _required(reason, "reason", _("Alasan penutupan wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.CLOSE, actor, expected_version)
        r.close_reason, r.closed_at = reason, _now()
        _end_current_disposition(r, r.closed_at)
        sla.stop_clock(r)
        _finish(r, Action.CLOSE, actor, EventKind.CLOSED, text=reason)
        outbox.queue(
            "report_closed",
            report=r,
            users=[*recipients.reporters(r), *recipients.handlers(r)],
            **recipients.contacts(r),
            context={"text": reason},
        )
    return _sync(report, r)


# --- hold ("tunda", issue 17) ---------------------------------------------------------------


def do_hold(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """The dispatcher holds a report before verifying it (waiting for a field check, another
    office's word), saying why; the reporter reads the reason. The verification clock stops and
    the hold's own limit runs (SlaStep.HOLD): past it, the report is overdue like any staff step,
    and the dispatchers are reminded and escalated."""
    reason = _required(reason, "reason", _("Sebutkan alasan penundaan."))
    with transaction.atomic():
        r = _begin(report, Action.HOLD, actor, expected_version)
        verify_started = r.clock_started_at or r.submitted_at
        sla.set_clock(r, SlaStep.HOLD, _now())
        _finish(
            r,
            Action.HOLD,
            actor,
            EventKind.HELD,
            text=reason,
            audience=Audience.PARTIES,
            data={"until": _iso(r.due_at), "verify_started": verify_started.isoformat()},
        )
    return _sync(report, r)


def do_resume(report: Report, *, actor, text: str = "", expected_version=None) -> Report:
    """The hold ends: the report is back in the queue and its verification clock runs again from
    where it stopped (the working days held are added to its limit, never taken from it)."""
    with transaction.atomic():
        r = _begin(report, Action.RESUME, actor, expected_version)
        now = _now()
        held_since = r.clock_started_at or now
        held = sla.working_days_between(held_since, now)
        last_hold = r.events.filter(kind=EventKind.HELD).order_by("-created_at", "-id").first()
        started = (last_hold.data or {}).get("verify_started") if last_hold else None
        sla.set_clock(r, SlaStep.VERIFY, dt.datetime.fromisoformat(started) if started else now)
        r.paused_days = held
        sla.recompute_due(r)
        _finish(
            r,
            Action.RESUME,
            actor,
            EventKind.RESUMED,
            text=(text or "").strip(),
            audience=Audience.PARTIES,
            data={"held_working_days": held},
        )
    return _sync(report, r)

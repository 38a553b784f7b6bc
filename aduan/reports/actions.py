"""Every change of a report's state (DESIGN §3). Web views, the API, Open311, SMS intake and the
sweeps all call these functions; nothing else writes a report's status.

Each action runs in one transaction that:
1. locks the report row and re-reads it (`_begin`); if the caller saw another status or version,
   somebody else acted first and the caller gets `Conflict`;
2. checks the actor and the status against the one table in `transitions`;
3. writes the new state, recomputes the clock and bumps `version` (`_finish`);
4. appends a timeline event and queues notifications in the outbox.
An exception anywhere rolls all of it back.

Two actors at once: on PostgreSQL `select_for_update` makes the second wait for the first to
commit; on SQLite the IMMEDIATE transaction mode (settings) does the same. Either way the second
then sees the new status and is refused with `Conflict`: exactly one wins.
"""

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts import nik as niks
from aduan.accounts.phone import normalise_phone
from aduan.audit import trail as audit_trail
from aduan.directory.models import PRIORITY_CODES, Agency, Category, Priority, SlaStep
from aduan.notifications import outbox, recipients

from . import (
    attachments,
    derivatives,
    errors,
    proof,
    receipts,
    rules,
    signals,
    sla,
    tracking,
    transitions,
)
from .models import (
    PART_SETTLED_STATUSES,
    AnswerOutcome,
    ArchiveReason,
    Attachment,
    Audience,
    Channel,
    Classification,
    DeadlineExtension,
    Disposition,
    EventKind,
    FixCheck,
    Report,
    Status,
    Support,
    TimelineEvent,
    new_tracking_code,
)
from .transitions import Action

# --- filing -----------------------------------------------------------------------------------


def do_file_report(
    *,
    reporter=None,
    filed_by=None,
    channel: str = Channel.WEB,
    title: str,
    description: str,
    classification: str = Classification.COMPLAINT,
    category: Category | None = None,
    supervisory: bool | None = None,
    incident_date=None,
    district=None,
    village=None,
    address: str = "",
    latitude=None,
    longitude=None,
    parties_involved: str = "",
    extra_answers: dict | None = None,
    anonymous: bool = False,
    confidential: bool = False,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    reporter_nik: str = "",
    representative_relationship: str = "",
    consent: bool = False,
    attachments=(),
    now: dt.datetime | None = None,
) -> tuple[Report, str]:
    """File a new report; returns it with its tracking secret (shown once, never stored plain).

    `reporter` is the account the report belongs to (None for SMS, walk-in or a resident without
    an account, described by the reporter_* fields); `filed_by` is who typed it in for them.
    """
    title, description = rules.plain_text(title), rules.plain_text(description)
    address, reporter_name = rules.plain_text(address), rules.plain_text(reporter_name)
    if not title:
        raise errors.InvalidInput(_("Judul laporan wajib diisi."), field="title")
    if not description:
        raise errors.InvalidInput(_("Isi laporan wajib diisi."), field="description")
    if reporter is None and not (reporter_name or reporter_phone or reporter_email):
        raise errors.InvalidInput(
            _("Identitas atau kontak pelapor wajib diisi."), field="reporter_name"
        )
    try:  # one rule for phone numbers on every channel (portal, intake, API, SMS)
        reporter_phone = normalise_phone(reporter_phone)
    except ValidationError as error:
        raise errors.InvalidInput(error.messages[0], field="reporter_phone") from None
    # The report's invariants, the same for every channel (issue 11 §2).
    awaiting = rules.awaits_profile(reporter=reporter, filed_by=filed_by)
    content = rules.check_content(
        incident_date=incident_date,
        district=district,
        village=village,
        latitude=latitude,
        longitude=longitude,
        category=category,
        extra_answers=extra_answers,
    )
    incident_date, district, village = (
        content[k] for k in ("incident_date", "district", "village")
    )
    extra_answers = content["extra_answers"]
    rules.check_on_behalf(
        reporter=reporter,
        filed_by=filed_by,
        consent=consent,
        reporter_name=reporter_name,
    )
    now = now or timezone.now()
    secret = tracking.new_secret()
    with transaction.atomic():
        report = Report(
            classification=classification,
            category=category,
            supervisory=category.supervisory
            if supervisory is None and category
            else bool(supervisory),
            priority=category.default_priority if category else Priority.NORMAL,
            title=title[:200],
            description=description,
            incident_date=incident_date,
            district=district,
            village=village,
            address=address,
            latitude=latitude,
            longitude=longitude,
            parties_involved=parties_involved,
            extra_answers=extra_answers or {},
            channel=channel,
            anonymous=anonymous,
            # A category private by default (pungli, perundungan, kekerasan seksual) keeps its
            # reports out of the public feed until a dispatcher publishes them (`do_reclassify`).
            confidential=confidential or bool(category and category.private_by_default),
            reporter=reporter,
            filed_by=filed_by,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_email=reporter_email,
            representative_relationship=representative_relationship,
            consent_recorded_at=now if consent else None,
            submitted_at=now,
        )
        if reporter_nik:
            report.reporter_nik_encrypted, report.reporter_nik_hash = (
                niks.encrypt(reporter_nik),
                niks.lookup_hash(reporter_nik),
            )
        report.code = _unique_code()
        report.secret_hash = tracking.secret_hash(report.code, secret)
        if awaiting:  # no clock, no staff until the profile is complete (issue 13)
            report.awaiting_profile_since = now
        else:
            sla.set_clock(report, SlaStep.VERIFY, now)
        report.save()
        event = _event(
            report,
            EventKind.SUBMITTED,
            filed_by or reporter,
            "",
            Status.SUBMITTED,
            now=now,
            data={"channel": channel},
            audit=False,
        )
        _attach(
            report,
            attachments,
            event,
            filed_by or reporter,
            public=not anonymous,
            from_reporter=True,
        )
        receipt = receipts.issue(report)
        receipt_url = receipts.verify_url(receipt.text) if receipt else ""
        signals.report_changed.send(sender=Report, report=report)
        contacts = recipients.contacts(report)
        if channel in (Channel.SMS, Channel.WHATSAPP):
            contacts.pop("phones", None)  # the chat answers with the code and secret itself
        outbox.queue(
            "report_received",
            report=report,
            users=recipients.reporters(report),
            **contacts,
            context={"secret": secret, "receipt_url": receipt_url},
            qr=receipt_url,
        )
        _audit(event)  # last: the chain's head stays locked from here to the commit
    return report, secret


def release_awaiting_reports(user, *, now: dt.datetime | None = None) -> list[Report]:
    """The reports `user` filed while their profile was incomplete, released once it is complete
    (issue 13): each starts its clock now, as a fresh filing, with a timeline event, and the
    dispatchers are told as of a new report. Called by `accounts.profiles.save_profile`."""
    if user is None or rules.profile_refusal(user) is not None:
        return []
    now = now or timezone.now()
    released = []
    with transaction.atomic():
        waiting = Report.objects.select_for_update().filter(
            reporter=user, awaiting_profile_since__isnull=False
        )
        for report in waiting.order_by("submitted_at", "pk"):
            report.awaiting_profile_since = None
            report.awaiting_reminders = 0
            # The clock starts now; `submitted_at` stays when it was filed (its signed receipt).
            sla.set_clock(report, SlaStep.VERIFY, now)
            report.save()
            event = _event(
                report,
                EventKind.NOTE,
                user,
                report.status,
                report.status,
                text=str(_("Profil pelapor lengkap: laporan diteruskan ke admin kabupaten.")),
                now=now,
                data={"released": True},
                audit=False,
            )
            signals.report_changed.send(sender=Report, report=report)
            outbox.queue("report_released", report=report, users=recipients.dispatchers())
            _audit(event)
            released.append(report)
    return released


def remind_awaiting_profile(report: Report, step: int, *, now: dt.datetime | None = None) -> bool:
    """Remind the author of a waiting report that their profile is still incomplete (issue 13),
    in the app and on their channel, once per `step` (`tasks.AWAITING_REMINDERS`); the report is
    kept, whatever the wait. False when it was released or reminded meanwhile."""
    now = now or timezone.now()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.awaiting_profile_since is None or report.awaiting_reminders >= step:
            return False
        report.awaiting_reminders = step
        report.save(update_fields=["awaiting_reminders", "updated_at"])
        outbox.queue(
            "awaiting_profile",
            report=report,
            users=recipients.reporters(report),
            **recipients.contacts(report),
        )
    return True


def _unique_code() -> str:
    # 31^6 ≈ 887 million codes: a clash is rare, but it must not become a 500.
    for _attempt in range(10):
        code = new_tracking_code()
        if not Report.objects.filter(code=code).exists():
            return code
    raise RuntimeError("could not find a free tracking code")


# --- history from a previous system ------------------------------------------------------------


def do_import_historical(
    *,
    title: str,
    description: str,
    submitted_at: dt.datetime,
    agency: Agency | None = None,
    category: Category | None = None,
    channel: str = Channel.IMPORT,
    response: str = "",
    out_of_authority: bool = False,
    external_body: str = "",
    confidential: bool = True,
    source: dict | None = None,
    actor=None,
) -> Report:
    """A finished report from a previous system (`import_reports`), recorded as it ended there:
    closed with its answer, or archived as out of authority. Nobody is notified (no outbox rows),
    no clock runs, and it has no tracking secret anyone knows. Its disposition is recorded as
    accepted, so that the routing model learns from it like from the instance's own.
    Imported reports are confidential unless the caller says otherwise: the people who sent them
    never agreed to publication on this portal."""
    description = (description or "").strip()
    if not description:
        raise errors.InvalidInput(_("Isi laporan wajib diisi."), field="description")
    title = (title or "").strip() or description[:80]
    closed = Status.ARCHIVED if out_of_authority else Status.CLOSED
    with transaction.atomic():
        report = Report(
            title=title[:200],
            description=description,
            submitted_at=submitted_at,
            channel=channel,
            category=category,
            supervisory=bool(category and category.supervisory),
            agency=agency,
            confidential=confidential,
            status=closed,
            closed_at=submitted_at,
            archive_reason=ArchiveReason.OUT_OF_AUTHORITY if out_of_authority else "",
            external_body=(external_body or "")[:200] if out_of_authority else "",
            dispositioned_at=submitted_at if agency else None,
            responded_at=submitted_at if response else None,
        )
        report.code = _unique_code()
        report.secret_hash = tracking.secret_hash(report.code, secrets.token_hex(16))
        report.save()
        data = {"imported": True, **(source or {})}
        _event(
            report,
            EventKind.SUBMITTED,
            actor,
            "",
            Status.SUBMITTED,
            audience=Audience.INTERNAL,
            data=data,
            now=submitted_at,
        )
        if agency is not None:
            Disposition.objects.create(
                report=report,
                agency=agency,
                created_at=submitted_at,
                created_by=actor,
                accepted_at=submitted_at,
                ended_at=submitted_at,
            )
            _event(
                report,
                EventKind.DISPOSITIONED,
                actor,
                Status.SUBMITTED,
                Status.DISPOSITIONED,
                data={"agency": agency.code, "agency_name": agency.short_name, "imported": True},
                now=submitted_at,
            )
        if response.strip():
            _event(
                report,
                EventKind.ANSWERED,
                actor,
                Status.IN_PROGRESS,
                Status.RESPONDED,
                text=response.strip(),
                data={"imported": True},
                now=submitted_at,
            )
        _event(
            report,
            EventKind.ARCHIVED if out_of_authority else EventKind.CLOSED,
            actor,
            Status.RESPONDED,
            closed,
            audience=Audience.INTERNAL,
            data={"imported": True},
            now=submitted_at,
        )
        signals.report_changed.send(sender=Report, report=report)
    return report


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


def do_merge(
    report: Report, into: Report, *, actor, text: str = "", expected_version=None
) -> Report:
    """Archive `report` as a duplicate of `into`: its supporters move there, and its reporters
    follow `into` from now on (they are notified of every change to it)."""
    while (further := into.merged_into) is not None:  # never merge into one merged away itself
        into = further
    if into.pk == report.pk:
        raise errors.InvalidInput(
            _("Laporan tidak dapat digabungkan dengan dirinya sendiri."), field="into"
        )
    if into.status == Status.ARCHIVED:
        raise errors.InvalidInput(_("Laporan tujuan sudah diarsipkan."), field="into")
    with transaction.atomic():
        # Both rows locked, always in the same order, so two merges cannot deadlock.
        list(Report.objects.select_for_update().filter(pk__in=[report.pk, into.pk]).order_by("pk"))
        r = _begin(report, Action.MERGE, actor, expected_version)
        target = Report.objects.get(pk=into.pk)
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

    from . import blur

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


# --- the agency -------------------------------------------------------------------------------


# --- the Ombudsman ("no wrong door", issue 16) --------------------------------------------------


def do_hand_over_to_ombudsman(
    report: Report, *, actor, consent: bool = False, expected_version=None
) -> Report:
    """The reporter takes a report whose legal time limit has passed to the Ombudsman RI, saying
    so in as many words (`consent`): the hand-over is recorded in the timeline and the audit
    chain, and the supervisors and the Inspektorat are told. It is a record, not a close: the
    status, the clock and the agency stay, and the regency goes on handling the report. The
    case file the Ombudsman receives is drawn from it (`case_file.render`). Once only (the
    table's guard)."""
    if consent is not True:
        raise errors.InvalidInput(
            _(
                "Centang pernyataan persetujuan untuk menyerahkan laporan ini beserta riwayatnya "
                "kepada Ombudsman."
            ),
            field="consent",
        )
    with transaction.atomic():
        r = _begin(report, Action.HAND_OVER_OMBUDSMAN, actor, expected_version)
        now = _now()
        r.ombudsman_at = now
        _finish(
            r,
            Action.HAND_OVER_OMBUDSMAN,
            actor,
            EventKind.OMBUDSMAN,
            text=_(
                "Pelapor menyerahkan laporan ini kepada Ombudsman Republik Indonesia karena batas "
                "waktu penanganannya terlewati. Penanganan oleh pemerintah kabupaten tetap "
                "berjalan."
            ),
            audience=Audience.PARTIES,
            data={
                "consent_at": now.isoformat(),
                "step": r.due_step,
                "due_at": r.due_at.isoformat() if r.due_at else "",
            },
        )
        outbox.queue(
            "report_to_ombudsman",
            report=r,
            users=[*recipients.supervisors(), *recipients.inspectorate()],
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


def do_accept(report: Report, *, actor, expected_version=None) -> Report:
    with transaction.atomic():
        r = _begin(report, Action.ACCEPT, actor, expected_version)
        now = _now()
        current = _current_disposition(r)
        current.accepted_at, current.accepted_by = now, actor
        current.save(update_fields=["accepted_at", "accepted_by"])
        if r.assigned_to_id is None:
            r.assigned_to = actor
        # The answer's limit counts from the disposition, not from the acceptance (DESIGN §4).
        sla.set_clock(r, SlaStep.ANSWER, current.created_at)
        _finish(r, Action.ACCEPT, actor, EventKind.ACCEPTED)
        outbox.queue(
            "report_accepted", report=r, users=recipients.reporters(r), **recipients.contacts(r)
        )
    return _sync(report, r)


def do_decline(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    reason = _required(reason, "reason", _("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.DECLINE, actor, expected_version)
        now = _now()
        agency = _holding_agency(r)
        current = _current_disposition(r)
        current.declined_at, current.decline_reason, current.ended_at = now, reason, now
        current.save(update_fields=["declined_at", "decline_reason", "ended_at"])
        r.agency, r.assigned_to, r.sub_unit = None, None, None
        sla.set_clock(r, SlaStep.VERIFY, now)
        _finish(
            r,
            Action.DECLINE,
            actor,
            EventKind.DECLINED,
            text=reason,
            audience=Audience.INTERNAL,
            data={"agency": agency.code},
        )
        outbox.queue(
            "report_declined",
            report=r,
            users=recipients.dispatchers(),
            context={"agency": agency, "text": reason},
        )
    return _sync(report, r)


def do_assign(report: Report, officer, *, actor, expected_version=None) -> Report:
    with transaction.atomic():
        # The actor's permission first: checking the officer before it told anyone who may see the
        # report (its reporter, a supervisor) which usernames are officers of the agency holding it.
        r = _begin(report, Action.ASSIGN, actor, expected_version)
        if (
            officer is None
            or not officer.is_active
            or not officer.is_officer
            or officer.agency_id != r.agency_id
            or officer.sub_unit_id not in (None, r.sub_unit_id)
        ):
            raise errors.InvalidInput(
                _("Pilih petugas dari perangkat daerah yang menangani laporan."), field="officer"
            )
        r.assigned_to = officer
        _finish(
            r,
            Action.ASSIGN,
            actor,
            EventKind.ASSIGNED,
            audience=Audience.INTERNAL,
            data={"officer": officer.username},
        )
        if officer != actor:
            outbox.queue(
                "report_dispositioned", report=r, users=[officer], context={"for_agency": True}
            )
    return _sync(report, r)


def do_add_note(
    report: Report, *, actor, text: str, public: bool = False, attachments=(), expected_version=None
) -> Report:
    """A progress note from the agency: public (the reporter and, for public reports, everyone
    sees it) or internal (staff only)."""
    text = _required(text, "text", _("Catatan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.NOTE, actor, expected_version)
        event = _finish(
            r,
            Action.NOTE,
            actor,
            EventKind.NOTE,
            text=text,
            audience=Audience.PUBLIC if public else Audience.INTERNAL,
        )
        _attach(r, attachments, event, actor, public=public)
        if public:
            outbox.queue(
                "report_note",
                report=r,
                users=recipients.reporters(r),
                **recipients.contacts(r),
                context={"text": text},
            )
    return _sync(report, r)


def do_request_info(report: Report, *, actor, text: str, expected_version=None) -> Report:
    """Ask the reporter for information; the agency's clock stops until they answer."""
    text = _required(text, "text", _("Tuliskan informasi yang dibutuhkan dari pelapor."))
    with transaction.atomic():
        r = _begin(report, Action.REQUEST_INFO, actor, expected_version)
        r.paused_at = _now()
        _finish(
            r,
            Action.REQUEST_INFO,
            actor,
            EventKind.INFO_REQUESTED,
            text=text,
            audience=Audience.PARTIES,
        )
        outbox.queue(
            "info_requested",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text},
        )
    return _sync(report, r)


def do_answer(
    report: Report,
    *,
    actor,
    text: str,
    outcome: str = AnswerOutcome.DONE,
    scheduled_for: dt.date | None = None,
    responsible_body: str = "",
    attachments=(),
    expected_version=None,
) -> Report:
    """The agency's follow-up (tindak lanjut), with its outcome (issue 15):

    - DONE: the reporter now has a limit to give a verdict. For a physical category (roads,
      bridges, lighting, drains, school buildings) at least one photo of the result is required;
      each photo's capture time and place are checked (`proof`) and what looks wrong is flagged
      to the dispatchers;
    - CANNOT: the reason (`text`) and who can (`responsible_body`); the reporter gives a verdict;
    - SCHEDULED: a promise, not an answer: the report stays in progress and the promised date
      becomes the agency's deadline; it can never close the report.

    Where the agency asks for approval (issue 17) and the officer is not one of its approvers,
    the answer is kept as a draft the agency alone sees (`_draft_answer`); nothing reaches the
    reporter until `do_approve_answer`.
    """
    text = _required(text, "text", _("Isi tindak lanjut wajib diisi."))
    attachments = list(attachments)
    if outcome not in AnswerOutcome.values:
        raise errors.InvalidInput(_("Pilih hasil tindak lanjut."), field="outcome")
    responsible_body = (responsible_body or "").strip()[:200]
    if outcome == AnswerOutcome.SCHEDULED:
        _check_schedule(scheduled_for)
    elif outcome == AnswerOutcome.CANNOT and not responsible_body:
        raise errors.InvalidInput(
            _("Sebutkan instansi atau pihak yang dapat menanganinya."), field="responsible_body"
        )
    action = Action.SCHEDULE if outcome == AnswerOutcome.SCHEDULED else Action.ANSWER
    with transaction.atomic():
        r = _begin(report, action, actor, expected_version)
        if outcome == AnswerOutcome.DONE:
            _require_result_photo(r, attachments)
        answer = _Answer(text, outcome, scheduled_for, responsible_body)
        if _needs_approval(r, actor):
            _draft_answer(r, actor, answer, attachments)
        elif outcome == AnswerOutcome.SCHEDULED:
            event = _record_schedule(r, actor, answer)
            _attach(r, attachments, event, actor, public=True)
        else:
            event = _record_answer(r, actor, answer)
            stored = _attach(r, attachments, event, actor, public=True, keep_capture=True)
            _after_answer(r, answer, [item for item in stored if proof.is_photo(item)], actor)
    return _sync(report, r)


@dataclass(frozen=True)
class _Answer:
    text: str
    outcome: str
    scheduled_for: dt.date | None = None
    responsible_body: str = ""
    approval: dict | None = None  # who approved the draft it came from (issue 17)


def _check_schedule(scheduled_for) -> None:
    if not isinstance(scheduled_for, dt.date):
        raise errors.InvalidInput(
            _("Tindak lanjut yang dijadwalkan memerlukan tanggalnya."), field="scheduled_for"
        )
    today = sla.local_date(_now())
    if scheduled_for <= today:
        raise errors.InvalidInput(
            _("Tanggal jadwal harus setelah hari ini."), field="scheduled_for"
        )
    if scheduled_for > today + dt.timedelta(days=366):
        raise errors.InvalidInput(
            _("Tanggal jadwal paling lambat satu tahun dari sekarang."), field="scheduled_for"
        )


def _require_result_photo(r: Report, files) -> None:
    category = r.category
    if category is not None and category.physical and not any(proof.is_photo(f) for f in files):
        raise errors.InvalidInput(
            _(
                "Kategori “%(category)s” memerlukan bukti perbaikan: lampirkan minimal satu "
                "foto hasil pekerjaan."
            )
            % {"category": category.display_name},
            field="attachments",
        )


def _record_answer(r: Report, actor, answer: _Answer) -> TimelineEvent:
    """The answer itself (done or cannot): the reporter's verdict clock starts."""
    now = _now()
    # Whether the agency answered within its limit, kept for the dashboard (the clock is reset
    # below).
    on_time = r.due_at is None or r.paused_at is not None or now <= r.due_at
    r.responded_at = now
    r.answer_outcome, r.follow_up_on = answer.outcome, None
    r.external_body = answer.responsible_body if answer.outcome == AnswerOutcome.CANNOT else ""
    if r.is_part:
        # A part's answer waits for no verdict: the reporter judges the main report's (issue 16).
        sla.stop_clock(r)
    else:
        sla.set_clock(r, SlaStep.VERDICT, now)
    data = {
        "agency": _holding_agency(r).code,
        "round": r.reopen_count + 1,
        "on_time": on_time,
        "outcome": answer.outcome,
        **(answer.approval or {}),
    }
    if r.external_body:
        data["responsible_body"] = r.external_body
    return _finish(
        r,
        Action.ANSWER,
        actor,
        EventKind.ANSWERED,
        text=answer.text,
        data=data,
        target=Status.RESPONDED,
    )


def _after_answer(r: Report, answer: _Answer, photos: list[Attachment], actor) -> None:
    if answer.outcome == AnswerOutcome.DONE:
        _check_proof(r, photos, actor)
    outbox.queue(
        "report_answered",
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"text": answer.text, "outcome": answer.outcome},
    )
    if answer.outcome == AnswerOutcome.DONE:
        # "Sudah diperbaiki?" to the RT/RW of the desa who do not follow it already (the
        # followers' message of this change asks them too).
        following = {u.pk for u in recipients.followers(r)}
        asked = [u for u in recipients.desa_representatives(r) if u.pk not in following]
        if asked:
            outbox.queue(outbox.FOLLOWED, report=r, users=asked)


def _record_schedule(r: Report, actor, answer: _Answer) -> TimelineEvent:
    scheduled_for = answer.scheduled_for
    assert scheduled_for is not None
    r.answer_outcome, r.follow_up_on = AnswerOutcome.SCHEDULED, scheduled_for
    sla.set_follow_up(r, scheduled_for, _now())
    event = _finish(
        r,
        Action.SCHEDULE,
        actor,
        EventKind.SCHEDULED,
        text=answer.text,
        data={
            "agency": _holding_agency(r).code,
            "outcome": AnswerOutcome.SCHEDULED,
            "scheduled_for": scheduled_for.isoformat(),
            **(answer.approval or {}),
        },
        target=Status.IN_PROGRESS,
    )
    outbox.queue(
        "report_scheduled",
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"text": answer.text, "scheduled_for": scheduled_for},
    )
    return event


# --- answer approval (issue 17) ------------------------------------------------------------


def _needs_approval(r: Report, actor) -> bool:
    """An agency that asks for approval and has someone to give it (without an active approver
    the setting would hold every answer forever, so it does not apply). A sub-unit's answer
    (issue 16) always waits for the agency: its approvers, else any officer of the agency itself
    (`transitions.oversees_sub_unit`), so there is always someone to give it."""
    if getattr(actor, "sub_unit_id", None) is not None:
        return True
    return (
        _holding_agency(r).answers_need_approval
        and not transitions.approves_answers(actor, r.agency_id)
        and _holding_agency(r).answer_approvers.filter(is_active=True).exists()
    )


def _draft_answer(r: Report, actor, answer: _Answer, files) -> None:
    """Keep the answer as a draft for the agency (its files too, not public), and ask its
    approvers. The report's status and clock do not change: the limit still runs."""
    data = {"agency": _holding_agency(r).code, "outcome": answer.outcome}
    if answer.scheduled_for:
        data["scheduled_for"] = answer.scheduled_for.isoformat()
    if answer.responsible_body and answer.outcome == AnswerOutcome.CANNOT:
        data["responsible_body"] = answer.responsible_body
    draft = _finish(
        r,
        Action.ANSWER,
        actor,
        EventKind.ANSWER_DRAFTED,
        text=answer.text,
        audience=Audience.AGENCY,
        data=data,
        target=r.status,
    )
    r.pending_answer = draft
    r.save(update_fields=["pending_answer"])
    _attach(r, files, draft, actor, public=False, keep_capture=True)
    approvers = list(_holding_agency(r).answer_approvers.filter(is_active=True))
    if not approvers and getattr(actor, "sub_unit_id", None) is not None:
        approvers = recipients.officers(r.agency)  # the agency's oversight of its sub-unit
    if approvers:
        outbox.queue(
            "answer_drafted",
            report=r,
            users=approvers,
            context={"text": answer.text, "author": getattr(actor, "display_name", "")},
        )


# --- sub-units (issue 16) --------------------------------------------------------------------


def do_pass_down(
    report: Report, sub_unit, *, actor, note: str = "", expected_version=None
) -> Report:
    """The agency passes a report it has accepted down to one of its active sub-units (or on from
    one sub-unit to another). The agency keeps the report, its clock and its oversight: it sees
    everything and approves the sub-unit's answer. The event is internal (the note is an
    instruction to the sub-unit); the sub-unit's officers are told."""
    note = (note or "").strip()
    with transaction.atomic():
        r = _begin(report, Action.PASS_DOWN, actor, expected_version)
        if sub_unit is None or not sub_unit.is_active or sub_unit.agency_id != r.agency_id:
            raise errors.InvalidInput(
                _("Pilih sub-unit aktif dari perangkat daerah yang menangani laporan."),
                field="sub_unit",
            )
        if sub_unit.pk == r.sub_unit_id:
            raise errors.InvalidInput(_("Laporan sudah berada di sub-unit ini."), field="sub_unit")
        previous = r.sub_unit
        r.sub_unit = sub_unit
        if r.assigned_to is not None and r.assigned_to.sub_unit_id not in (None, sub_unit.pk):
            r.assigned_to = None  # an officer of the previous sub-unit no longer works on it
        data = {
            "agency": _holding_agency(r).code,
            "sub_unit": sub_unit.pk,
            "sub_unit_name": sub_unit.name,
        }
        if previous is not None:
            data["previous_sub_unit"] = previous.pk
        _finish(
            r,
            Action.PASS_DOWN,
            actor,
            EventKind.PASSED_DOWN,
            text=note,
            audience=Audience.INTERNAL,
            data=data,
        )
        outbox.queue(
            "report_passed_down",
            report=r,
            users=recipients.sub_unit_officers(sub_unit),
            context={"sub_unit": sub_unit, "text": note},
        )
    return _sync(report, r)


def do_take_back(report: Report, *, actor, note: str = "", expected_version=None) -> Report:
    """The agency takes a report back from its sub-unit: the sub-unit's officers no longer see
    it. Refused while the sub-unit's draft waits (`transitions.GUARDS`)."""
    note = (note or "").strip()
    with transaction.atomic():
        r = _begin(report, Action.TAKE_BACK, actor, expected_version)
        sub_unit = r.sub_unit
        assert sub_unit is not None  # TAKE_BACK's guard: the report is with a sub-unit
        r.sub_unit = None
        if r.assigned_to is not None and r.assigned_to.sub_unit_id is not None:
            r.assigned_to = None
        _finish(
            r,
            Action.TAKE_BACK,
            actor,
            EventKind.TAKEN_BACK,
            text=note,
            audience=Audience.INTERNAL,
            data={
                "agency": _holding_agency(r).code,
                "sub_unit": sub_unit.pk,
                "sub_unit_name": sub_unit.name,
            },
        )
        outbox.queue(
            "report_taken_back",
            report=r,
            users=recipients.sub_unit_officers(sub_unit),
            context={"sub_unit": sub_unit, "text": note},
        )
    return _sync(report, r)


def do_approve_answer(report: Report, *, actor, text: str = "", expected_version=None) -> Report:
    """The agency head or liaison approves the waiting draft: it becomes the answer, under its
    author's name, with the approver recorded (`approved_by`) and, when they reworded it, the
    draft kept beside it for the agency. Every rule of an answer holds again (a physical
    category still needs its result photo)."""
    with transaction.atomic():
        r = _begin(report, Action.APPROVE_ANSWER, actor, expected_version)
        assert r.pending_answer_id is not None  # the guard: a draft waits
        draft = TimelineEvent.objects.select_related("actor").get(pk=r.pending_answer_id)
        r.pending_answer = None
        final = rules.plain_text((text or "").strip()) or draft.text
        files = list(draft.attachments.all())
        outcome = draft.data.get("outcome", AnswerOutcome.DONE)
        scheduled_for = draft.data.get("scheduled_for")
        answer = _Answer(
            final,
            outcome,
            dt.date.fromisoformat(scheduled_for) if scheduled_for else None,
            draft.data.get("responsible_body", ""),
            approval={
                "approved_by": actor.pk,
                "approver": actor.display_name,
                "draft": draft.pk,
                "edited": final != draft.text,
            },
        )
        if outcome == AnswerOutcome.DONE:
            _require_result_photo(r, files)
        if answer.scheduled_for:
            _check_schedule(answer.scheduled_for)  # the promised day may have passed meanwhile
        author = draft.actor
        if outcome == AnswerOutcome.SCHEDULED:
            event = _record_schedule(r, author, answer)
        else:
            event = _record_answer(r, author, answer)
        Attachment.objects.filter(pk__in=[f.pk for f in files]).update(event=event, public=True)
        if outcome != AnswerOutcome.SCHEDULED:
            _after_answer(r, answer, [f for f in files if proof.is_photo(f)], author)
    return _sync(report, r)


def do_return_answer(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """The approver sends the draft back to the agency with what to change; the officer answers
    again. Neither the draft nor the reason ever reaches the reporter."""
    reason = _required(reason, "reason", _("Tuliskan apa yang perlu diperbaiki pada draf."))
    with transaction.atomic():
        r = _begin(report, Action.RETURN_ANSWER, actor, expected_version)
        assert r.pending_answer_id is not None  # the guard: a draft waits
        draft = TimelineEvent.objects.select_related("actor").get(pk=r.pending_answer_id)
        r.pending_answer = None
        _finish(
            r,
            Action.RETURN_ANSWER,
            actor,
            EventKind.ANSWER_RETURNED,
            text=reason,
            audience=Audience.AGENCY,
            data={"agency": _holding_agency(r).code, "draft": draft.pk},
        )
        if draft.actor is not None and draft.actor.is_active:
            outbox.queue("answer_returned", report=r, users=[draft.actor], context={"text": reason})
    return _sync(report, r)


def _check_proof(r: Report, photos: list[Attachment], actor) -> None:
    """Flag each result photo (`proof.flags_for`); tell the dispatchers once when one was taken
    before the report was filed or away from its place."""
    alerting = []
    for photo in photos:
        photo.proof_flags = proof.flags_for(r, photo)
        photo.save(update_fields=["proof_flags"])
        if any(flag in proof.ALERTING for flag in photo.proof_flags):
            alerting.append({"attachment": photo.pk, "flags": photo.proof_flags})
    if not alerting:
        return
    _event(
        r,
        EventKind.PROOF_FLAGGED,
        None,
        r.status,
        r.status,
        audience=Audience.INTERNAL,
        text="; ".join(
            dict.fromkeys(label for item in alerting for label in proof.labels(item["flags"]))
        ),
        data={"photos": alerting, "agency": _holding_agency(r).code},
    )
    outbox.queue(
        "proof_flagged",
        report=r,
        users=recipients.dispatchers(),
        context={"flags": proof.labels({f for item in alerting for f in item["flags"]})},
    )


# --- deadline extensions ----------------------------------------------------------------------

MAX_EXTENSION_DAYS = 60


def do_request_extension(
    report: Report, *, actor, working_days, reason: str, expected_version=None
) -> Report:
    """The agency asks a supervisor for more working days on its answer, saying why. One request
    waits at a time; the deadline moves only when a supervisor grants it."""
    reason = _required(reason, "reason", _("Sebutkan alasan perpanjangan."))
    try:
        working_days = int(working_days)
    except (TypeError, ValueError):
        working_days = 0
    if not 1 <= working_days <= MAX_EXTENSION_DAYS:
        raise errors.InvalidInput(
            _("Perpanjangan 1 sampai %(n)s hari kerja.") % {"n": MAX_EXTENSION_DAYS},
            field="working_days",
        )
    with transaction.atomic():
        r = _begin(report, Action.REQUEST_EXTENSION, actor, expected_version)
        r.pending_extension = DeadlineExtension.objects.create(
            report=r,
            working_days=working_days,
            reason=reason,
            requested_by=actor,
            requested_at=_now(),
            due_before=r.due_at,
        )
        _finish(
            r,
            Action.REQUEST_EXTENSION,
            actor,
            EventKind.EXTENSION_REQUESTED,
            text=reason,
            audience=Audience.INTERNAL,
            data={"working_days": working_days, "extension": r.pending_extension_id},
        )
        outbox.queue(
            "extension_requested",
            report=r,
            users=recipients.supervisors(),
            context={"text": reason, "working_days": working_days},
        )
    return _sync(report, r)


def do_decide_extension(
    report: Report, *, actor, approve: bool, note: str = "", expected_version=None
) -> Report:
    """A supervisor grants or refuses the waiting request. Granted, the answer's deadline moves
    by the working days asked (`sla.recompute_due`, the working-day calendar), the overdue mark,
    reminder and escalation of the old deadline fall away if the new one is still ahead, and the
    public timeline says by how much and why: the extension is part of the public record."""
    note = (note or "").strip()
    if not approve and not note:
        raise errors.InvalidInput(_("Sebutkan alasan penolakan."), field="note")
    with transaction.atomic():
        r = _begin(report, Action.DECIDE_EXTENSION, actor, expected_version)
        now = _now()
        assert r.pending_extension_id is not None  # the guard: an extension waits
        extension = DeadlineExtension.objects.select_for_update().get(pk=r.pending_extension_id)
        extension.decided_by, extension.decided_at, extension.decision_note = actor, now, note
        r.pending_extension = None
        if approve:
            before = r.due_at
            r.extension_days += extension.working_days
            sla.recompute_due(r)
            if r.due_at and r.due_at > now:
                r.escalation_level = 0
                if r.warn_at and r.warn_at > now:
                    r.reminded_at = None
            extension.state = DeadlineExtension.State.APPROVED
            extension.due_before, extension.due_after = before, r.due_at
            kind, audience, text = (
                EventKind.EXTENSION_APPROVED,
                Audience.PUBLIC,
                extension.reason,
            )
            data = {
                "working_days": extension.working_days,
                "due_before": before.isoformat() if before else None,
                "due_after": r.due_at.isoformat() if r.due_at else None,
                "until": sla.local_date(r.due_at).isoformat() if r.due_at else None,
                "extension": extension.pk,
            }
        else:
            extension.state = DeadlineExtension.State.REFUSED
            kind, audience, text = EventKind.EXTENSION_REFUSED, Audience.INTERNAL, note
            data = {"working_days": extension.working_days, "extension": extension.pk}
        extension.save()
        _finish(r, Action.DECIDE_EXTENSION, actor, kind, text=text, audience=audience, data=data)
        context = {"approved": approve, "working_days": extension.working_days, "text": note}
        outbox.queue("extension_decided", report=r, users=recipients.handlers(r), context=context)
        if approve:
            outbox.queue(
                "extension_decided",
                report=r,
                users=recipients.reporters(r),
                **recipients.contacts(r),
                context={**context, "text": extension.reason},
            )
    return _sync(report, r)


# --- the reporter -----------------------------------------------------------------------------

RESUBMITTABLE = (
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
    "category",
    "classification",
)


def do_resubmit(
    report: Report,
    *,
    actor,
    changes: dict | None = None,
    text: str = "",
    attachments=(),
    expected_version=None,
) -> Report:
    """The reporter completes a returned report; it goes back to the dispatcher's queue."""
    changes = changes or {}
    unknown = set(changes) - set(RESUBMITTABLE)
    if unknown:
        raise errors.InvalidInput(
            _("Kolom tidak dapat diubah: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    for field in ("title", "description"):
        if field in changes and not rules.plain_text(changes[field]):
            raise errors.InvalidInput(_("Kolom ini wajib diisi."), field=field)
    with transaction.atomic():
        r = _begin(report, Action.RESUBMIT, actor, expected_version)
        changes = _checked_changes(r, changes)
        for field, value in changes.items():
            setattr(r, field, rules.plain_text(value) if isinstance(value, str) else value)
        sla.set_clock(r, SlaStep.VERIFY, _now())
        event = _finish(
            r,
            Action.RESUBMIT,
            actor,
            EventKind.RESUBMITTED,
            text=(text or "").strip(),
            audience=Audience.PARTIES,
            data={"changed": sorted(changes)},
        )
        _attach(r, attachments, event, actor, public=not r.anonymous, from_reporter=True)
        receipts.issue(r)  # the completed content: the reporter's new receipt
        outbox.queue("report_resubmitted", report=r, users=recipients.dispatchers())
    return _sync(report, r)


def _checked_changes(r: Report, changes: dict) -> dict:
    """The reporter's changes to a returned report, checked by the same rules as a filing
    (`rules`), each together with what it does not change (a new desa in the old kecamatan)."""
    current = {name: changes.get(name, getattr(r, name)) for name in RESUBMITTABLE}
    checked = dict(changes)
    if "incident_date" in changes:
        rules.check_incident_date(current["incident_date"])
    if {"district", "village"} & set(changes):
        checked["district"], checked["village"] = rules.check_place(
            current["district"], current["village"]
        )
    if {"latitude", "longitude"} & set(changes):
        rules.check_point(current["latitude"], current["longitude"])
    if {"extra_answers", "category"} & set(changes):
        checked["extra_answers"] = rules.clean_answers(
            current["category"], current["extra_answers"] or {}
        )
    return checked


def do_provide_info(
    report: Report, *, actor, text: str, attachments=(), expected_version=None
) -> Report:
    """The reporter answers the agency's question; the agency's clock runs again, extended by the
    working days it waited."""
    text = _required(text, "text", _("Informasi tambahan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.PROVIDE_INFO, actor, expected_version)
        now = _now()
        assert r.paused_at is not None  # PROVIDE_INFO's state: the clock waits for the reporter
        waited = sla.working_days_between(r.paused_at, now)
        r.paused_days += waited
        r.paused_at = None
        sla.recompute_due(r)
        event = _finish(
            r,
            Action.PROVIDE_INFO,
            actor,
            EventKind.INFO_PROVIDED,
            text=text,
            audience=Audience.PARTIES,
            data={"paused_working_days": waited},
        )
        _attach(r, attachments, event, actor, public=False, from_reporter=True)
        outbox.queue("info_provided", report=r, users=recipients.handlers(r))
    return _sync(report, r)


def do_accept_answer(
    report: Report, *, actor, rating, comment: str = "", expected_version=None
) -> Report:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise errors.InvalidInput(_("Beri penilaian 1 sampai 5."), field="rating")
    with transaction.atomic():
        r = _begin(report, Action.ACCEPT_ANSWER, actor, expected_version)
        r.rating, r.rating_comment, r.closed_at = rating, (comment or "").strip(), _now()
        _end_current_disposition(r, r.closed_at)
        sla.stop_clock(r)
        _finish(
            r,
            Action.ACCEPT_ANSWER,
            actor,
            EventKind.SATISFIED,
            text=r.rating_comment,
            data={"rating": rating},
        )
        outbox.queue(
            "report_closed",
            report=r,
            users=recipients.handlers(r),
            context={"text": _("Pelapor puas (penilaian %(n)s/5).") % {"n": rating}},
        )
    return _sync(report, r)


def not_fixed_reason(details: str = "") -> str:
    """The reason recorded when a reporter answers "belum selesai" (the portal's button, an SMS or
    WhatsApp reply): the same words whichever channel it came by."""
    said = _("Pelapor menyatakan masalahnya belum selesai.")
    return f"{said} {details.strip()}".strip()


def do_reject_answer(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """Not satisfied: the report goes back to the agency, which answers again."""
    reason = _required(reason, "reason", _("Sebutkan alasan Anda tidak puas."))
    with transaction.atomic():
        r = _begin(report, Action.REJECT_ANSWER, actor, expected_version)
        r.reopen_count += 1
        if r.is_split:
            _reopen_split(r, actor, reason)
            return _sync(report, r)
        # An answer from an outside body with no agency holding the report: the dispatcher
        # decides again (forward it again, disposition it, or close it).
        back_to_dispatcher = r.agency_id is None
        sla.set_clock(r, SlaStep.VERIFY if back_to_dispatcher else SlaStep.ANSWER, _now())
        _finish(
            r,
            Action.REJECT_ANSWER,
            actor,
            EventKind.REOPENED,
            text=reason,
            audience=Audience.PARTIES,
            data={"reopen_count": r.reopen_count},
            target=Status.SUBMITTED if back_to_dispatcher else None,
        )
        outbox.queue(
            "report_reopened",
            report=r,
            users=recipients.dispatchers() if back_to_dispatcher else recipients.handlers(r),
            context={"text": reason},
        )
    return _sync(report, r)


# --- outside parties (aduan.forwarding calls these; it keeps the links) -----------------------


def do_propose_forward(
    report: Report, *, actor, body_name: str, contact_id: int, text: str = "", expected_version=None
) -> Report:
    """The agency asks the dispatcher to forward the report to an outside body; nothing leaves
    the regency until a dispatcher agrees (`do_forward`)."""
    with transaction.atomic():
        r = _begin(report, Action.PROPOSE_FORWARD, actor, expected_version)
        _finish(
            r,
            Action.PROPOSE_FORWARD,
            actor,
            EventKind.FORWARD_PROPOSED,
            text=(text or "").strip(),
            audience=Audience.INTERNAL,
            data={"contact": contact_id, "outside_body": body_name},
        )
        outbox.queue(
            "outside_update",
            report=r,
            users=recipients.dispatchers(),
            context={
                "what": _("Perangkat daerah mengusulkan laporan ini diteruskan kepada %(body)s.")
                % {"body": body_name},
                "text": text,
            },
        )
    return _sync(report, r)


def do_forward(
    report: Report,
    *,
    actor,
    body_name: str,
    contact_id: int,
    proposed_by=None,
    expected_version=None,
) -> Report:
    """Forward the report to an outside body (the dispatcher; on the agency's proposal, this is
    the dispatcher's consent). The outside body's answer has its own clock (SlaStep.OUTSIDE);
    the reporter sees where the report went, never the text passed to the body."""
    data = {"outside_body": body_name, "contact": contact_id}
    if proposed_by is not None:
        data["proposed_by"] = proposed_by.get_username()
    return _forward(report, Action.FORWARD, actor, body_name, data, expected_version)


def do_forward_remote(
    report: Report, *, actor, server_name: str, server_id: int, expected_version=None
) -> Report:
    """Forward the report to another GeoReport v2 server (`aduan.federation` keeps the request
    and sends it after this commits): the same step as a link to an outside body, with the same
    clock, timeline event and message to the reporter."""
    data = {"outside_body": server_name, "remote_server": server_id}
    return _forward(report, Action.FORWARD_REMOTE, actor, server_name, data, expected_version)


def _forward(report, action, actor, body_name, data, expected_version) -> Report:
    with transaction.atomic():
        r = _begin(report, action, actor, expected_version)
        now = _now()
        sla.set_clock(r, SlaStep.OUTSIDE, now)
        _finish(
            r,
            action,
            actor,
            EventKind.FORWARDED,
            text=_("Laporan diteruskan kepada %(body)s untuk ditindaklanjuti.")
            % {"body": body_name},
            data=data,
        )
        outbox.queue(
            "report_forwarded",
            report=r,
            users=[*recipients.reporters(r), *recipients.handlers(r)],
            **recipients.contacts(r),
            context={"outside_body": body_name},
        )
    return _sync(report, r)


def do_outside_answer(report: Report, *, outside, text: str, attachments=()) -> Report:
    """The outside body answers through its link: the answer is the report's follow-up, and the
    reporter now says whether it satisfies (as with an agency's answer)."""
    text = _required(text, "text", _("Isi jawaban wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_ANSWER, outside, None)
        now = _now()
        on_time = r.due_at is None or now <= r.due_at
        r.responded_at = now
        sla.set_clock(r, SlaStep.VERDICT, now)
        event = _finish(
            r,
            Action.OUTSIDE_ANSWER,
            outside,
            EventKind.ANSWERED,
            text=text,
            data={"round": r.reopen_count + 1, "on_time": on_time},
        )
        _attach(r, attachments, event, outside, public=True)
        outbox.queue(
            "report_answered",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text, "outside_body": outside.name},
        )
        _tell_holders(r, _("%(body)s menjawab laporan ini.") % {"body": outside.name}, text)
    return _sync(report, r)


def do_outside_question(report: Report, *, outside, text: str) -> Report:
    """The outside body asks the regency a question; a dispatcher replies (`do_reply_outside`)."""
    text = _required(text, "text", _("Tuliskan pertanyaan Anda."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_QUESTION, outside, None)
        _finish(
            r,
            Action.OUTSIDE_QUESTION,
            outside,
            EventKind.OUTSIDE_QUESTION,
            text=text,
            audience=Audience.INTERNAL,
        )
        _tell_holders(r, _("%(body)s mengajukan pertanyaan.") % {"body": outside.name}, text)
    return _sync(report, r)


def do_outside_decline(report: Report, *, outside, reason: str) -> Report:
    """The outside body cannot handle the report: it comes back to whoever held it."""
    reason = _required(reason, "reason", _("Sebutkan alasan penolakan."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_DECLINE, outside, None)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.OUTSIDE_DECLINE,
            outside,
            EventKind.OUTSIDE_DECLINED,
            text=reason,
            audience=Audience.PARTIES,
            target=target,
        )
        _tell_holders(
            r, _("%(body)s tidak dapat menangani laporan ini.") % {"body": outside.name}, reason
        )
    return _sync(report, r)


def do_outside_note(report: Report, *, outside, text: str, remote_status: str = "") -> Report:
    """News from the outside body while it still works on the report: the status notes another
    GeoReport v2 server published (`aduan.federation`'s sync). The reporter sees it and is told;
    the report stays forwarded."""
    text = _required(text, "text", _("Kabar perkembangan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.OUTSIDE_NOTE, outside, None)
        _finish(
            r,
            Action.OUTSIDE_NOTE,
            outside,
            EventKind.OUTSIDE_NOTE,
            text=text,
            audience=Audience.PARTIES,
            data={"remote_status": remote_status} if remote_status else None,
        )
        outbox.queue(
            "outside_note",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"text": text, "outside_body": outside.name},
        )
    return _sync(report, r)


def do_reply_outside(
    report: Report, *, actor, text: str, forwarding_id: int, expected_version=None
) -> Report:
    """A dispatcher answers the outside body's question; `aduan.forwarding` shows it on the link
    page and tells the body."""
    text = _required(text, "text", _("Jawaban tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.REPLY_OUTSIDE, actor, expected_version)
        _finish(
            r,
            Action.REPLY_OUTSIDE,
            actor,
            EventKind.OUTSIDE_REPLY,
            text=text,
            audience=Audience.INTERNAL,
            data={"forwarding": forwarding_id},
        )
    return _sync(report, r)


def do_recall_forward(
    report: Report, *, actor, reason: str, forwarding_id: int, expected_version=None
) -> Report:
    """A dispatcher takes the report back from the outside body; its link stops working."""
    reason = _required(reason, "reason", _("Sebutkan alasan pembatalan."))
    with transaction.atomic():
        r = _begin(report, Action.RECALL_FORWARD, actor, expected_version)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.RECALL_FORWARD,
            actor,
            EventKind.FORWARD_RECALLED,
            text=reason,
            audience=Audience.PARTIES,
            data={"forwarding": forwarding_id},
            target=target,
        )
    return _sync(report, r)


def do_expire_forward(report: Report, *, forwarding_id: int, body_name: str) -> Report:
    """The link ran out without an answer (the sweep of `aduan.forwarding`): back to whoever held
    the report, and the dispatchers are told."""
    with transaction.atomic():
        r = _begin(report, Action.EXPIRE_FORWARD, None, None)
        target = _back_from_outside(r)
        _finish(
            r,
            Action.EXPIRE_FORWARD,
            None,
            EventKind.FORWARD_EXPIRED,
            text=_("%(body)s tidak menjawab sebelum tautan kedaluwarsa.") % {"body": body_name},
            audience=Audience.PARTIES,
            data={"forwarding": forwarding_id, "outside_body": body_name},
            target=target,
        )
        _tell_holders(
            r, _("Tautan untuk %(body)s kedaluwarsa tanpa jawaban.") % {"body": body_name}, ""
        )
    return _sync(report, r)


def _back_from_outside(r: Report) -> str:
    """Where a report returns from an outside body: to the agency holding it (its answer clock
    running again from the disposition), else to the dispatcher's queue with a new clock."""
    if r.agency_id is not None:
        sla.set_clock(r, SlaStep.ANSWER, _current_disposition(r).created_at)
        return Status.IN_PROGRESS
    sla.set_clock(r, SlaStep.VERIFY, _now())
    return Status.SUBMITTED


def _tell_holders(r: Report, what: str, text: str) -> None:
    """The dispatchers, and the officers of the agency holding the report."""
    outbox.queue(
        "outside_update",
        report=r,
        users=[*recipients.dispatchers(), *recipients.handlers(r)],
        context={"what": what, "text": text},
    )


# --- the system (sweeps) ----------------------------------------------------------------------


# Working days a reporter still has after a reminder that could not be sent before the deadline.
VERDICT_GRACE_WORKING_DAYS = 2


def do_auto_close(report: Report) -> Report:
    """No verdict in time: the answer stands and the report closes. Never without a reminder
    first (issue 15): a report whose reminder was not sent (the yellow zone fell while the sweep
    was down, or a limit too short to have one) is reminded now instead, and gets
    VERDICT_GRACE_WORKING_DAYS more working days to answer "belum selesai"."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_CLOSE, None, None)
        _require_due(r)
        if r.reminded_at is None:
            now = _now()
            r.reminded_at, r.version = now, r.version + 1
            r.due_at = sla.add_working_days(now, VERDICT_GRACE_WORKING_DAYS)
            r.warn_at = now
            r.save()
            _remind_reporter(r)
            return _sync(report, r)
        r.closed_at = _now()
        _end_current_disposition(r, r.closed_at)
        sla.stop_clock(r)
        _finish(
            r,
            Action.AUTO_CLOSE,
            None,
            EventKind.AUTO_CLOSED,
            text=_("Ditutup otomatis karena pelapor tidak memberi tanggapan dalam batas waktu."),
        )
        outbox.queue(
            "report_closed",
            report=r,
            users=[*recipients.reporters(r), *recipients.handlers(r)],
            **recipients.contacts(r),
        )
    return _sync(report, r)


def do_auto_archive(report: Report) -> Report:
    """Returned and not completed in time."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_ARCHIVE, None, None)
        _require_due(r)
        r.archive_reason, r.closed_at = ArchiveReason.INCOMPLETE, _now()
        sla.stop_clock(r)
        _finish(
            r,
            Action.AUTO_ARCHIVE,
            None,
            EventKind.AUTO_ARCHIVED,
            audience=Audience.PARTIES,
            text=_("Diarsipkan otomatis karena tidak dilengkapi dalam batas waktu."),
        )
        outbox.queue(
            "report_archived",
            report=r,
            users=recipients.reporters(r),
            **recipients.contacts(r),
            context={"reason": ArchiveReason.INCOMPLETE.label},
        )
    return _sync(report, r)


def do_mark_overdue(report: Report) -> bool:
    """Record once that the current step passed its deadline (not a status change). Compare-and-
    swap on `overdue_since` so that two sweeps at once write one event. True if it marked it."""
    now = _now()
    with transaction.atomic():
        marked = (
            Report.objects.overdue(now)
            .filter(pk=report.pk, overdue_since__isnull=True)
            .update(overdue_since=now)
        )
        if not marked:
            return False
        r = Report.objects.select_related("agency").get(pk=report.pk)
        _event(
            r,
            EventKind.OVERDUE,
            None,
            r.status,
            r.status,
            audience=Audience.INTERNAL,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
        users = recipients.handlers(r) if r.agency_id else recipients.dispatchers()
        outbox.queue("report_overdue", report=r, users=users)
    _sync(report, r)
    return True


def do_remind(report: Report) -> bool:
    """Warn once per step that its deadline is near (the report entered the yellow zone): the
    agency's officers, the dispatchers while it waits for verification, or the reporter while it
    waits for them. Compare-and-swap on `reminded_at` (reset by every new step) so that two
    sweeps at once send one reminder. True if it reminded."""
    now = _now()
    with transaction.atomic():
        marked = Report.objects.filter(
            pk=report.pk,
            reminded_at__isnull=True,
            paused_at__isnull=True,
            warn_at__lte=now,
            due_at__gt=now,
            status__in=[*sla.STAFF_CLOCK, *sla.REPORTER_CLOCK],
        ).update(reminded_at=now)
        if not marked:
            return False
        r = Report.objects.select_related("agency").get(pk=report.pk)
        for_reporter = r.status in sla.REPORTER_CLOCK
        _event(
            r,
            EventKind.REMINDED,
            None,
            r.status,
            r.status,
            audience=Audience.PARTIES if for_reporter else Audience.INTERNAL,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
        if for_reporter:
            _remind_reporter(r, event=False)
        else:
            outbox.queue(
                "report_reminder",
                report=r,
                users=recipients.handlers(r) if r.agency_id else recipients.dispatchers(),
            )
    _sync(report, r)
    return True


def _remind_reporter(r: Report, *, event: bool = True) -> None:
    """Waiting for a verdict: the reporter is told, on their own channel, that the report closes by
    itself if they stay silent, and how to say it is not fixed ("belum selesai"); waiting for a
    completion: that it will be archived."""
    if event:
        _event(
            r,
            EventKind.REMINDED,
            None,
            r.status,
            r.status,
            audience=Audience.PARTIES,
            data={"step": r.due_step, "due_at": _iso(r.due_at)},
        )
    kind = "verdict_reminder" if r.status == Status.RESPONDED else "report_reminder"
    outbox.queue(
        kind,
        report=r,
        users=recipients.reporters(r),
        **recipients.contacts(r),
        context={"for_reporter": True},
    )


def do_escalate(report: Report, level: int, *, after_working_days: int) -> bool:
    """Raise an overdue report to `level` once it has been overdue `after_working_days` working
    days: level 1 tells the agency's officers (the dispatchers before a disposition) and the
    agency head; level 2 the supervisors. Levels go up one at a time, by compare-and-swap on
    `escalation_level` (reset by every new step), so each is sent once. True if it escalated."""
    now = _now()
    with transaction.atomic():
        r = (
            Report.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=report.pk)
        )
        if (
            r.status not in sla.STAFF_CLOCK
            or r.paused_at is not None
            or r.due_at is None
            or r.escalation_level != level - 1
            or now <= sla.extend_by_working_days(r.due_at, after_working_days)
        ):
            return False
        r.escalation_level = level
        r.save(update_fields=["escalation_level"])
        _event(
            r,
            EventKind.ESCALATED,
            None,
            r.status,
            r.status,
            audience=Audience.INTERNAL,
            data={"level": level, "step": r.due_step, "due_at": _iso(r.due_at)},
        )
        addresses = [r.agency.head_email] if r.agency and r.agency.head_email else []
        if level == 1:
            users = recipients.handlers(r) if r.agency_id else recipients.dispatchers()
        else:
            users, addresses = recipients.supervisors(), []
        outbox.queue(
            "report_escalated", report=r, users=users, addresses=addresses, context={"level": level}
        )
    _sync(report, r)
    return True


# --- support ----------------------------------------------------------------------------------


def do_support(report: Report, *, actor) -> bool:
    """ "Dukung" a public report, once per account. True if this call added the support."""
    if not report.is_public:
        raise errors.InvalidState(_("Hanya laporan publik yang dapat didukung."))
    if actor is None or not actor.is_authenticated:
        raise errors.NotPermitted(_("Masuk terlebih dahulu untuk mendukung laporan."))
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

    Answers: see `_after_part_or_main_moved`."""
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


def _after_part_or_main_moved(r: Report, before: str) -> None:
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
    Taken by the system when the last part settles (`_after_part_or_main_moved`); refused while
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
        # The main report first, as `_after_part_or_main_moved` locks them (no deadlock).
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
    may take the action in the report's status."""
    fresh = (
        Report.objects.select_for_update(of=("self",)).select_related("agency").get(pk=report.pk)
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
        _after_part_or_main_moved(r, before)
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

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
import hmac
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from aduan.accounts import nik as niks
from aduan.accounts.models import Role
from aduan.audit import trail as audit_trail
from aduan.directory.models import Agency, Category, SlaStep
from aduan.notifications import outbox
from aduan.search import index as search_index

from . import errors, sla, transitions
from .models import (
    CODE_ALPHABET,
    ArchiveReason,
    Attachment,
    Audience,
    Channel,
    Classification,
    Disposition,
    EventKind,
    Report,
    Status,
    Support,
    TimelineEvent,
    new_tracking_code,
)
from .transitions import Action

User = get_user_model()
SECRET_LENGTH = 8


# --- tracking secret --------------------------------------------------------------------------


def _secret_hash(code: str, secret: str) -> str:
    return salted_hmac(
        "aduan.reports.secret", f"{code}:{secret.upper()}", algorithm="sha256"
    ).hexdigest()


def check_secret(report: Report, secret: str) -> bool:
    return hmac.compare_digest(report.secret_hash, _secret_hash(report.code, secret.strip()))


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
    title, description = (title or "").strip(), (description or "").strip()
    if not title:
        raise errors.InvalidInput(_("Judul laporan wajib diisi."), field="title")
    if not description:
        raise errors.InvalidInput(_("Isi laporan wajib diisi."), field="description")
    if reporter is None and not (reporter_name or reporter_phone or reporter_email):
        raise errors.InvalidInput(
            _("Identitas atau kontak pelapor wajib diisi."), field="reporter_name"
        )
    if filed_by is not None and filed_by.is_representative and filed_by != reporter and not consent:
        raise errors.InvalidInput(
            _("Persetujuan warga yang diwakili wajib dikonfirmasi."), field="consent"
        )
    if village is not None and district is not None and village.parent_id != district.pk:
        raise errors.InvalidInput(
            _("Desa/kelurahan tidak berada di kecamatan yang dipilih."), field="village"
        )
    now = now or timezone.now()
    secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(SECRET_LENGTH))
    with transaction.atomic():
        report = Report(
            classification=classification,
            category=category,
            supervisory=category.supervisory
            if supervisory is None and category
            else bool(supervisory),
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
            confidential=confidential,
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
        report.secret_hash = _secret_hash(report.code, secret)
        _set_clock(report, SlaStep.VERIFY, now)
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
        _attach(report, attachments, event, filed_by or reporter, public=not anonymous)
        search_index.index_report(report)
        contacts = _contacts(report)
        if channel == Channel.SMS:
            contacts.pop("phones", None)  # the SMS channel answers with the code and secret itself
        outbox.queue(
            "report_received",
            report=report,
            users=_reporters(report),
            **contacts,
            context={"secret": secret},
        )
        _audit(event)  # last: the chain's head stays locked from here to the commit
    return report, secret


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
        report.secret_hash = _secret_hash(report.code, secrets.token_hex(16))
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
        search_index.index_report(report)
    return report


# --- the dispatcher ---------------------------------------------------------------------------


def do_return(report: Report, *, actor, text: str, expected_version=None) -> Report:
    text = _required(text, "text", _("Sebutkan apa yang perlu dilengkapi pelapor."))
    with transaction.atomic():
        r = _begin(report, Action.RETURN, actor, expected_version)
        _set_clock(r, SlaStep.COMPLETE, _now())
        _finish(r, Action.RETURN, actor, EventKind.RETURNED, text=text, audience=Audience.PARTIES)
        outbox.queue(
            "report_returned", report=r, users=_reporters(r), **_contacts(r), context={"text": text}
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
        _set_clock(r, SlaStep.ACCEPT, now)
        kind = (
            EventKind.DISPOSITIONED if action == Action.DISPOSITION else EventKind.REDISPOSITIONED
        )
        data = {"agency": agency.code, "agency_name": agency.short_name}
        if previous is not None:
            data["previous_agency"] = previous.code
        _finish(r, action, actor, kind, data=data)
        outbox.queue("report_dispositioned", report=r, users=_reporters(r), **_contacts(r))
        outbox.queue(
            "report_dispositioned",
            report=r,
            users=_officers(agency),
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
        _stop_clock(r)
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
            users=_reporters(r),
            **_contacts(r),
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
    while into.merged_into_id:  # never merge into a report that is itself merged away
        into = into.merged_into
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
        _stop_clock(r)
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
        r.supports.exclude(user_id__in=already).update(report=target)
        _event(
            target,
            EventKind.MERGED,
            actor,
            target.status,
            target.status,
            audience=Audience.INTERNAL,
            data={"from": r.code},
        )
        outbox.queue(
            "report_merged",
            report=r,
            users=_reporters(r),
            **_contacts(r),
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
            _recompute_due(r)
        _finish(
            r,
            Action.RECLASSIFY,
            actor,
            EventKind.RECLASSIFIED,
            audience=Audience.INTERNAL,
            data=diff,
        )
    return _sync(report, r)


def _plain(value):
    return getattr(value, "code", value)


def do_close(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    reason = _required(reason, "reason", _("Alasan penutupan wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.CLOSE, actor, expected_version)
        r.close_reason, r.closed_at = reason, _now()
        _end_current_disposition(r, r.closed_at)
        _stop_clock(r)
        _finish(r, Action.CLOSE, actor, EventKind.CLOSED, text=reason)
        outbox.queue(
            "report_closed",
            report=r,
            users=[*_reporters(r), *_officers(r.agency)],
            **_contacts(r),
            context={"text": reason},
        )
    return _sync(report, r)


# --- the agency -------------------------------------------------------------------------------


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
        _set_clock(r, SlaStep.ANSWER, current.created_at)
        _finish(r, Action.ACCEPT, actor, EventKind.ACCEPTED)
        outbox.queue("report_accepted", report=r, users=_reporters(r), **_contacts(r))
    return _sync(report, r)


def do_decline(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    reason = _required(reason, "reason", _("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.DECLINE, actor, expected_version)
        now = _now()
        agency = r.agency
        current = _current_disposition(r)
        current.declined_at, current.decline_reason, current.ended_at = now, reason, now
        current.save(update_fields=["declined_at", "decline_reason", "ended_at"])
        r.agency, r.assigned_to = None, None
        _set_clock(r, SlaStep.VERIFY, now)
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
            users=_dispatchers(),
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
                "report_note", report=r, users=_reporters(r), **_contacts(r), context={"text": text}
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
            "info_requested", report=r, users=_reporters(r), **_contacts(r), context={"text": text}
        )
    return _sync(report, r)


def do_answer(report: Report, *, actor, text: str, attachments=(), expected_version=None) -> Report:
    """The agency's follow-up (tindak lanjut); the reporter now has a limit to give a verdict."""
    text = _required(text, "text", _("Isi tindak lanjut wajib diisi."))
    with transaction.atomic():
        r = _begin(report, Action.ANSWER, actor, expected_version)
        now = _now()
        # Whether the agency answered within its limit, kept for the dashboard (the clock is reset below).
        on_time = r.due_at is None or r.paused_at is not None or now <= r.due_at
        r.responded_at = now
        _set_clock(r, SlaStep.VERDICT, now)
        event = _finish(
            r,
            Action.ANSWER,
            actor,
            EventKind.ANSWERED,
            text=text,
            data={"agency": r.agency.code, "round": r.reopen_count + 1, "on_time": on_time},
        )
        _attach(r, attachments, event, actor, public=True)
        outbox.queue(
            "report_answered", report=r, users=_reporters(r), **_contacts(r), context={"text": text}
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
        if field in changes and not (changes[field] or "").strip():
            raise errors.InvalidInput(_("Kolom ini wajib diisi."), field=field)
    with transaction.atomic():
        r = _begin(report, Action.RESUBMIT, actor, expected_version)
        for field, value in changes.items():
            setattr(r, field, value.strip() if isinstance(value, str) else value)
        _set_clock(r, SlaStep.VERIFY, _now())
        event = _finish(
            r,
            Action.RESUBMIT,
            actor,
            EventKind.RESUBMITTED,
            text=(text or "").strip(),
            audience=Audience.PARTIES,
            data={"changed": sorted(changes)},
        )
        _attach(r, attachments, event, actor, public=not r.anonymous)
        outbox.queue("report_resubmitted", report=r, users=_dispatchers())
    return _sync(report, r)


def do_provide_info(
    report: Report, *, actor, text: str, attachments=(), expected_version=None
) -> Report:
    """The reporter answers the agency's question; the agency's clock runs again, extended by the
    working days it waited."""
    text = _required(text, "text", _("Informasi tambahan tidak boleh kosong."))
    with transaction.atomic():
        r = _begin(report, Action.PROVIDE_INFO, actor, expected_version)
        now = _now()
        waited = sla.working_days_between(r.paused_at, now)
        r.paused_days += waited
        r.paused_at = None
        _recompute_due(r)
        event = _finish(
            r,
            Action.PROVIDE_INFO,
            actor,
            EventKind.INFO_PROVIDED,
            text=text,
            audience=Audience.PARTIES,
            data={"paused_working_days": waited},
        )
        _attach(r, attachments, event, actor, public=False)
        outbox.queue("info_provided", report=r, users=_officers(r.agency))
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
        _stop_clock(r)
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
            users=_officers(r.agency),
            context={"text": _("Pelapor puas (penilaian %(n)s/5).") % {"n": rating}},
        )
    return _sync(report, r)


def do_reject_answer(report: Report, *, actor, reason: str, expected_version=None) -> Report:
    """Not satisfied: the report goes back to the agency, which answers again."""
    reason = _required(reason, "reason", _("Sebutkan alasan Anda tidak puas."))
    with transaction.atomic():
        r = _begin(report, Action.REJECT_ANSWER, actor, expected_version)
        r.reopen_count += 1
        _set_clock(r, SlaStep.ANSWER, _now())
        _finish(
            r,
            Action.REJECT_ANSWER,
            actor,
            EventKind.REOPENED,
            text=reason,
            audience=Audience.PARTIES,
            data={"reopen_count": r.reopen_count},
        )
        outbox.queue(
            "report_reopened", report=r, users=_officers(r.agency), context={"text": reason}
        )
    return _sync(report, r)


# --- the system (sweeps) ----------------------------------------------------------------------


def do_auto_close(report: Report) -> Report:
    """No verdict in time: the answer stands and the report closes."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_CLOSE, None, None)
        _require_due(r)
        r.closed_at = _now()
        _end_current_disposition(r, r.closed_at)
        _stop_clock(r)
        _finish(
            r,
            Action.AUTO_CLOSE,
            None,
            EventKind.AUTO_CLOSED,
            text=_("Ditutup otomatis karena pelapor tidak memberi tanggapan dalam batas waktu."),
        )
        outbox.queue(
            "report_closed", report=r, users=[*_reporters(r), *_officers(r.agency)], **_contacts(r)
        )
    return _sync(report, r)


def do_auto_archive(report: Report) -> Report:
    """Returned and not completed in time."""
    with transaction.atomic():
        r = _begin(report, Action.AUTO_ARCHIVE, None, None)
        _require_due(r)
        r.archive_reason, r.closed_at = ArchiveReason.INCOMPLETE, _now()
        _stop_clock(r)
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
            users=_reporters(r),
            **_contacts(r),
            context={"reason": ArchiveReason.INCOMPLETE.label},
        )
    return _sync(report, r)


def do_mark_overdue(report: Report) -> bool:
    """Record once that the current step passed its deadline (not a status change). Compare-and-
    swap on `overdue_since` so that two sweeps at once write one event. True if it marked it."""
    now = _now()
    with transaction.atomic():
        marked = Report.objects.filter(
            pk=report.pk,
            overdue_since__isnull=True,
            paused_at__isnull=True,
            due_at__lt=now,
            status__in=[Status.SUBMITTED, Status.DISPOSITIONED, Status.IN_PROGRESS],
        ).update(overdue_since=now)
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
            data={"step": r.due_step, "due_at": r.due_at.isoformat()},
        )
        users = _officers(r.agency) if r.agency_id else _dispatchers()
        outbox.queue("report_overdue", report=r, users=users)
    _sync(report, r)
    return True


# Whose clock runs in which status: staff (reminded and escalated) or the reporter (reminded only).
STAFF_CLOCK = (Status.SUBMITTED, Status.DISPOSITIONED, Status.IN_PROGRESS)
REPORTER_CLOCK = (Status.RETURNED, Status.RESPONDED)


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
            status__in=[*STAFF_CLOCK, *REPORTER_CLOCK],
        ).update(reminded_at=now)
        if not marked:
            return False
        r = Report.objects.select_related("agency").get(pk=report.pk)
        for_reporter = r.status in REPORTER_CLOCK
        _event(
            r,
            EventKind.REMINDED,
            None,
            r.status,
            r.status,
            audience=Audience.PARTIES if for_reporter else Audience.INTERNAL,
            data={"step": r.due_step, "due_at": r.due_at.isoformat()},
        )
        if for_reporter:
            # Waiting for a verdict: the reporter is told the report closes by itself if they stay silent.
            kind = "verdict_reminder" if r.status == Status.RESPONDED else "report_reminder"
            outbox.queue(
                kind, report=r, users=_reporters(r), **_contacts(r), context={"for_reporter": True}
            )
        else:
            outbox.queue(
                "report_reminder",
                report=r,
                users=_officers(r.agency) if r.agency_id else _dispatchers(),
            )
    _sync(report, r)
    return True


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
            r.status not in STAFF_CLOCK
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
            data={"level": level, "step": r.due_step, "due_at": r.due_at.isoformat()},
        )
        addresses = [r.agency.head_email] if r.agency_id and r.agency.head_email else []
        if level == 1:
            users = _officers(r.agency) if r.agency_id else _dispatchers()
        else:
            users, addresses = _supervisors(), []
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
    _support, created = Support.objects.get_or_create(report=report, user=actor)
    return created


# --- helpers ----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


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
    refusal = transitions.refusal(action, fresh, actor)
    if refusal is not None:
        error_class, message = refusal
        raise getattr(errors, error_class)(message)
    fresh._status_before = fresh.status
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
) -> TimelineEvent:
    """Write the new state and its timeline event."""
    target = transitions.TRANSITIONS[action].target
    before = r._status_before
    if target is not None:
        r.status = target
    r.version += 1
    r.save()
    search_index.index_report(
        r
    )  # in the same transaction: the index never disagrees with the report
    return _event(r, kind, actor, before, r.status, text=text, audience=audience, data=data)


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
    event = TimelineEvent.objects.create(
        report=report,
        kind=kind,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        text=text,
        audience=audience,
        data=data or {},
        created_at=now or _now(),
    )
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


def _set_clock(r: Report, step: str, start: dt.datetime) -> None:
    r.due_step, r.clock_started_at, r.paused_days, r.paused_at = step, start, 0, None
    r.overdue_since, r.reminded_at, r.escalation_level = None, None, 0
    r.due_at, r.warn_at = sla.deadline_for(r, step, start)


def _recompute_due(r: Report) -> None:
    """Deadline of the current step from its start, plus the working days it was paused."""
    due, warn = sla.deadline_for(r, r.due_step, r.clock_started_at)
    r.due_at = sla.extend_by_working_days(due, r.paused_days)
    r.warn_at = sla.extend_by_working_days(warn, r.paused_days)
    if r.overdue_since and r.due_at > _now():
        r.overdue_since = None


def _stop_clock(r: Report) -> None:
    r.due_step, r.due_at, r.warn_at, r.clock_started_at, r.paused_at = "", None, None, None, None
    r.paused_days = 0


def _require_due(r: Report) -> None:
    if r.due_at is None or r.due_at >= _now():
        raise errors.InvalidState(_("Batas waktu belum terlewati."))


def _current_disposition(r: Report) -> Disposition:
    return r.dispositions.filter(ended_at__isnull=True).latest("created_at", "id")


def _end_current_disposition(r: Report, now) -> None:
    r.dispositions.filter(ended_at__isnull=True).update(ended_at=now)


def _attach(r: Report, files, event, actor, *, public: bool) -> None:
    """Store files that the edge (form, API) has already checked and cleaned."""
    for upload in files:
        Attachment.objects.create(
            report=r,
            event=event,
            file=upload,
            original_name=getattr(upload, "name", "lampiran")[:255],
            content_type=getattr(upload, "content_type", "application/octet-stream"),
            size=upload.size,
            uploaded_by=actor,
            public=public,
        )


def _reporters(r: Report) -> list:
    """Accounts to tell about the report: its reporter, who filed it, and the reporters of
    reports merged into it."""
    users = [r.reporter, r.filed_by]
    merged = Report.objects.filter(merged_into=r).select_related("reporter", "filed_by")
    for duplicate in merged:
        users += [duplicate.reporter, duplicate.filed_by]
    return [u for u in users if u is not None and u.is_active]


def _contacts(r: Report) -> dict:
    """E-mail and phone of a reporter without an account (SMS, walk-in, a resident filed for):
    keyword arguments of `outbox.queue`."""
    if r.reporter_id is not None:
        return {}
    return {
        "addresses": [r.reporter_email] if r.reporter_email else [],
        "phones": [r.reporter_phone] if r.reporter_phone else [],
    }


def _officers(agency) -> list:
    if agency is None:
        return []
    return list(User.objects.filter(role=Role.OFFICER, agency=agency, is_active=True))


def _dispatchers() -> list:
    return list(User.objects.filter(role=Role.DISPATCHER, is_active=True))


def _supervisors() -> list:
    return list(User.objects.filter(role=Role.SUPERVISOR, is_active=True))

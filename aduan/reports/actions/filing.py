"""Filing: a report enters the system (every channel), waits for its author's KTP profile when it
must, and history comes in from a previous system."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.accounts import nik as niks
from aduan.accounts.phone import normalise_phone
from aduan.directory.models import Agency, Category, Priority, SlaStep
from aduan.notifications import outbox, recipients

from .. import (
    errors,
    receipts,
    rules,
    signals,
    sla,
    tracking,
)
from ..models import (
    ArchiveReason,
    Audience,
    Channel,
    Classification,
    Disposition,
    EventKind,
    Report,
    Status,
    new_tracking_code,
)
from ._core import _attach, _audit, _event

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
    rules.check_description(description)
    parties_involved = rules.plain_text(parties_involved)
    rules.check_lengths(title=title, address=address, parties_involved=parties_involved)
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
        reporter_phone=reporter_phone,
        reporter_email=reporter_email,
        relationship=representative_relationship,
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
        filed_files = _attach(
            report,
            attachments,
            event,
            filed_by or reporter,
            public=not anonymous,
            from_reporter=True,
        )
        receipt = receipts.issue(report, filed_files)
        receipt_url = receipts.verify_url(receipt.text) if receipt else ""
        signals.report_changed.send(sender=Report, report=report, created=True)
        contacts = recipients.contacts(report)
        if channel in (Channel.SMS, Channel.WHATSAPP):
            contacts.pop("phones", None)  # the chat answers with the code and secret itself
        outbox.queue(
            "report_received",
            report=report,
            users=recipients.reporters(report, just_filed=True),
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
    # The text as every channel stores it (`rules.plain_text`): a NUL in a cell of the old
    # system's export is refused by PostgreSQL (DataError), text and JSON (`source`) alike.
    description, response = rules.plain_text(description), rules.plain_text(response)
    if not description:
        raise errors.InvalidInput(_("Isi laporan wajib diisi."), field="description")
    title = rules.plain_text(title) or description[:80]
    external_body = rules.plain_text(external_body)
    source = {
        k: rules.plain_text(v) if isinstance(v, str) else v for k, v in (source or {}).items()
    }
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
            external_body=external_body[:200] if out_of_authority else "",
            dispositioned_at=submitted_at if agency else None,
            responded_at=submitted_at if response else None,
        )
        report.code = _unique_code()
        report.secret_hash = tracking.secret_hash(report.code, secrets.token_hex(16))
        report.save()
        data = {"imported": True, **source}
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
        if response:
            _event(
                report,
                EventKind.ANSWERED,
                actor,
                Status.IN_PROGRESS,
                Status.RESPONDED,
                text=response,
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
        signals.report_changed.send(sender=Report, report=report, created=True)
    return report

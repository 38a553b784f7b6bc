"""Who may see which report, what of it, and how its reporter is presented to them (DESIGN §1,
§2; issue 11 §1).

Every page, API endpoint, Open311 answer, export, notification and download goes through these
functions, and none filters a report's events or files by hand:
- `visible_reports` for lists, `get_report_for` for one report (404 to outsiders, so codes cannot
  be probed); `handles` / `handled_reports` for the officers who work on a report (the agency that
  holds it, or the sub-unit it was passed down to: issue 16);
- `visible_events` and `visible_attachments` for what is inside a report (`visible_attachment` for
  one download, web and API alike), `attachment_name` for the name a file is shown under;
- `present_reporter` for the reporter's identity, `shown_coordinates` for the report's point,
  `surviving_report` for what a duplicate's reporter learns of the report it was merged into;
- `hide_anonymous_reporters` and `without_anonymous_reporter_acts` for the audit trail (the
  supervisors' page and the Django admin).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from . import derivatives, masking
from .models import (
    VERIFIED_STATUSES,
    Attachment,
    Audience,
    EventKind,
    Report,
    ReportQuerySet,
    TimelineEvent,
)


def public_reports() -> ReportQuerySet:
    """What anyone may see: verified by the dispatcher and not confidential. The parts of a split
    report are not listed on their own (issue 16): the public reads them on the main report's page
    (`report_parts`)."""
    return Report.objects.filter(
        confidential=False, status__in=VERIFIED_STATUSES, parent__isnull=True
    )


def staff_reports() -> ReportQuerySet:
    """Every report the staff may see: all but those waiting for their author's KTP profile
    (issue 13), which only their author sees until `actions.release_awaiting_reports`."""
    return Report.objects.filter(awaiting_profile_since__isnull=True)


def own_reports(user) -> ReportQuerySet:
    """Reports the user filed or that were filed for them (a split report's parts are read on
    its main report)."""
    return Report.objects.filter(Q(reporter=user) | Q(filed_by=user), parent__isnull=True)


def visible_reports(user) -> ReportQuerySet:
    """Every report `user` may open."""
    if user is None or not user.is_authenticated or not user.is_active:
        return public_reports()
    if user.is_dispatcher or user.is_supervisor:
        return staff_reports()
    public = Q(confidential=False, status__in=VERIFIED_STATUSES, parent__isnull=True)
    own = (Q(reporter=user) | Q(filed_by=user)) & Q(parent__isnull=True)
    if user.is_officer:
        return Report.objects.filter(public | own | handled_q(user))
    return Report.objects.filter(public | own)


def handles(report: Report, user) -> bool:
    """Whether `user` is an officer who works on `report` now (issue 16): an officer of the agency
    that holds it, who keeps the oversight of what its sub-units handle; or an officer of the
    sub-unit the agency passed it down to, who sees nothing else of the agency. Every "the agency
    that holds the report" rule (visibility, `transitions.actors_for`) asks this."""
    if not getattr(user, "is_officer", False) or report.agency_id is None:
        return False
    if user.agency_id != report.agency_id:
        return False
    return user.sub_unit_id is None or user.sub_unit_id == report.sub_unit_id


def handled_q(user) -> Q:
    """`handles` as a filter, for lists: the reports the officer `user` works on."""
    scope = Q(agency_id=user.agency_id)
    if user.sub_unit_id is not None:
        scope &= Q(sub_unit_id=user.sub_unit_id)
    return scope


def handled_reports(user) -> ReportQuerySet:
    """The reports the officer `user` works on: the back office's inbox and workspace, the API's
    staff inbox and dashboard (none to anyone who is not an officer)."""
    if user is None or not getattr(user, "is_officer", False) or not user.is_active:
        return Report.objects.none()
    return Report.objects.filter(handled_q(user))


def get_report_for(user, code: str) -> Report:
    try:
        return (
            visible_reports(user)
            .select_related("category", "agency", "district", "village")
            .get(code=code)
        )
    except Report.DoesNotExist:
        raise Http404(_("Laporan tidak ditemukan.")) from None


def main_report_code(user, code: str) -> str | None:
    """The code of the main report of the part `code`, if `user` may open that main report: a
    part's public address leads there (issue 16); None otherwise (the caller answers 404)."""
    parent = Report.objects.filter(code=code, parent__isnull=False).values("parent_id").first()
    if parent is None:
        return None
    main = visible_reports(user).filter(pk=parent["parent_id"]).values("code").first()
    return main["code"] if main else None


@dataclass(frozen=True)
class ReportPart:
    """One part of a split report as the main report's page shows it (issue 16): the agency,
    the status and the latest public answer (masked for whoever is no party)."""

    code: str
    agency: str
    status: str
    status_label: str
    answer: str


def report_parts(report: Report, viewer) -> list[ReportPart]:
    """The parts of a split report, for whoever may open the main report (two queries; none for
    a report that was never split)."""
    if not report.is_split:
        return []
    parts = list(report.parts.select_related("agency").order_by("id"))
    answers: dict[int, str] = {}
    for event in TimelineEvent.objects.filter(
        report__in=parts, kind=EventKind.ANSWERED, audience=Audience.PUBLIC
    ).order_by("created_at", "id"):
        answers[event.report_id] = event.text  # the latest wins
    party = is_own(report, viewer) or may_see_internal(report, viewer)
    return [
        ReportPart(
            code=part.code,
            agency=part.agency.name if part.agency else part.external_body,
            status=part.status,
            status_label=str(part.get_status_display()),
            answer=(answers.get(part.pk, "") if party else masking.mask(answers.get(part.pk, ""))),
        )
        for part in parts
    ]


def is_own(report: Report, user) -> bool:
    return bool(
        user and user.is_authenticated and user.pk in (report.reporter_id, report.filed_by_id)
    )


def may_see_identity(report: Report, user) -> bool:
    """The reporter's name and contact: always to the reporter and dispatchers; to the handling
    agency and supervisors unless the report is anonymous; never to the public."""
    if user is None or not user.is_authenticated:
        return False
    if is_own(report, user) or user.is_dispatcher:
        return True
    if report.anonymous:
        return False
    return user.is_supervisor or handles(report, user)


def attachment_name(report: Report, item, viewer, *, reporter: bool = False) -> str:
    """A reporter's file name can name them ("KTP_Wayan.jpg"): to whoever may not see the reporter,
    the files the reporter (or whoever filed for them) uploaded are `lampiran-pelapor-<id>.<ext>`.
    Used by every page, API answer and download that names an attachment (`visible_attachments`
    sets it as `shown_name`)."""
    if (
        not reporter
        and item.uploaded_by_id in (report.reporter_id, report.filed_by_id, None)
        and not may_see_identity(report, viewer)
    ):
        extension = (
            item.original_name.rsplit(".", 1)[-1][:5] if "." in item.original_name else "bin"
        )
        return f"lampiran-pelapor-{item.pk}.{extension}"
    return item.original_name


def original_text_q(user) -> Q:
    """`shown_text`'s rule as a filter: the reports whose original words `user` reads (their own,
    and those of the staff who work on or watch them), for a search that matches words in SQL."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_dispatcher or user.is_supervisor:
        return Q()
    own = Q(reporter=user) | Q(filed_by=user)
    return own | handled_q(user) if getattr(user, "is_officer", False) else own


def may_see_internal(report: Report, user) -> bool:
    """Internal notes and the full timeline: staff who may work on or watch the report."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_dispatcher or user.is_supervisor or handles(report, user)


def _agency_side(report: Report, user) -> bool:
    """Who reads the agency's own events (an answer's draft waiting for approval, issue 17): the
    officers of the agency that holds the report, and the supervisors who audit it; not the
    dispatchers, who see the answer once it is approved. A sub-unit's officers read them on the
    reports passed down to them (`handles`): their own draft, the agency's reasons to return it."""
    return user.is_supervisor or handles(report, user)


def event_audiences(report: Report, viewer, *, reporter: bool = False) -> frozenset[str]:
    """The audiences of the timeline events `viewer` may read: public events to anyone who may open
    the report, what is for the parties to the reporter (`reporter=True`: someone proven to be the
    reporter without an account, by the tracking secret or the phone that filed it) and internal
    notes to the staff who work on or watch the report; an agency's drafts to that agency
    (`_agency_side`)."""
    if may_see_internal(report, viewer):
        if _agency_side(report, viewer):
            return frozenset(Audience.values)
        return frozenset(a for a in Audience.values if a != Audience.AGENCY)
    if reporter or is_own(report, viewer):
        return frozenset((Audience.PUBLIC, Audience.PARTIES))
    return frozenset((Audience.PUBLIC,))


def public_events() -> QuerySet[TimelineEvent]:
    """The events anyone who may open a report may read, for lists of many reports (Open311's
    notes): the same rule as `visible_events` for a viewer who is no party to any of them."""
    return TimelineEvent.objects.filter(audience=Audience.PUBLIC)


def _prefetched(report: Report, name: str) -> bool:
    return name in getattr(report, "_prefetched_objects_cache", {})


def visible_events(report: Report, viewer, *, reporter: bool = False) -> list[TimelineEvent]:
    """The report's timeline as `viewer` may read it, oldest first, with each event's actor. Reads
    the events already prefetched on `report` (the API's detail) when there are some."""
    shown = event_audiences(report, viewer, reporter=reporter)
    if _prefetched(report, "events"):
        events = [e for e in report.events.all() if e.audience in shown]
        events.sort(key=lambda e: (e.created_at, e.pk))
    else:
        events = list(
            report.events.filter(audience__in=shown)
            .select_related("actor")
            .order_by("created_at", "id")
        )
    if not (reporter or is_own(report, viewer) or may_see_internal(report, viewer)):
        # Outside the parties a note or an answer is read masked (issue 15); copies, so that
        # the masked text can never be saved over the original.
        events = [_masked_copy(e) for e in events]
    return events


def _masked_copy(event: TimelineEvent) -> TimelineEvent:
    copy = TimelineEvent(
        **{f.attname: getattr(event, f.attname) for f in event._meta.concrete_fields}
    )
    copy._state.adding, copy._state.db = False, event._state.db
    copy._state.fields_cache = dict(event._state.fields_cache)
    copy.text = masking.mask(event.text)
    return copy


def visible_attachments(report: Report, viewer, *, reporter: bool = False) -> list[Attachment]:
    """The files `viewer` may list and download, oldest first, each with its `shown_name`.
    Of an anonymous report, an officer of the agency sees of the reporter's files only those the
    dispatcher shared (`withheld_from_agency`).

    A file is seen by whoever may read the event it came with (a file sent with an internal note
    stays with staff; what the reporter sent while completing a returned report or answering a
    question stays with the parties) and, unless the viewer is a party (the reporter, or staff
    who work on or watch the report), only if it is public (an anonymous reporter's files are
    not)."""
    shown = event_audiences(report, viewer, reporter=reporter)
    party = reporter or is_own(report, viewer) or may_see_internal(report, viewer)
    need_to_know = party and not reporter and withheld_from_agency(report, viewer)
    if _prefetched(report, "attachments") and _prefetched(report, "events"):
        readable = {e.pk for e in report.events.all() if e.audience in shown}
        items = [
            a
            for a in report.attachments.all()
            if (a.event_id is None or a.event_id in readable)
            and (party or a.public)
            and not (need_to_know and a.from_reporter and not a.agency_may_open)
        ]
        items.sort(key=lambda a: (a.created_at, a.pk))
    else:
        query = report.attachments.filter(Q(event__isnull=True) | Q(event__audience__in=shown))
        if not party:
            query = query.filter(public=True)
        if need_to_know:
            query = query.exclude(from_reporter=True, agency_may_open=False)
        items = list(query.order_by("created_at", "id"))
    for item in items:
        item.shown_name = attachment_name(report, item, viewer, reporter=reporter)  # type: ignore[attr-defined]
        # The public version of a photo (issue 15): blurred for whoever is no party.
        item.served_file = item.file if party or not item.blurred_file else item.blurred_file  # type: ignore[attr-defined]
    return items


def other_reports_of_reporter(report: Report, viewer, limit: int = 10) -> list[Report]:
    """ "Other reports from this reporter" (issue 17): for the dispatcher only, who sees every
    reporter anyway (a repeated complaint, a reporter who files the same thing twice, abuse).
    Never for an agency or a supervisor's list: it would tie an anonymous report to the
    reporter's others. The same account, else the same phone number (SMS, WhatsApp, walk-in)."""
    if viewer is None or not getattr(viewer, "is_dispatcher", False):
        return []
    if report.reporter_id is not None:
        same = Q(reporter_id=report.reporter_id)
    elif report.reporter_phone:
        same = Q(reporter_id__isnull=True, reporter_phone=report.reporter_phone)
    else:
        return []
    return list(
        Report.objects.filter(same)
        .exclude(pk=report.pk)
        .only("code", "title", "status", "submitted_at", "anonymous")
        .order_by("-submitted_at", "-id")[:limit]
    )


def withheld_from_agency(report: Report, viewer) -> bool:
    """Need-to-know evidence (issue 15): an officer of the agency that holds an anonymous report
    opens only the reporter's files the dispatcher shared (`actions.do_share_evidence`); the
    dispatcher, the supervisors and the reporter open them all."""
    return bool(
        report.anonymous
        and viewer is not None
        and getattr(viewer, "is_officer", False)
        and not is_own(report, viewer)
    )


def visible_attachment(report: Report, viewer, pk, size: str = "") -> Attachment:
    """One file for a download (portal, back office, API): 404 unless `visible_attachments`
    lists it for `viewer`. `size` (`?ukuran=`, issue 13): "kecil" or "layar" is the smaller copy
    of the very file `visible_attachments` chose (the original, or the blurred public copy), so
    every size answers to the same rule; a photo whose copies are not made yet is served whole,
    and a size of anything but a photo is a 404."""
    try:
        wanted = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("Lampiran tidak ditemukan.")) from None
    found = next((a for a in visible_attachments(report, viewer) if a.pk == wanted), None)
    if found is None:
        raise Http404(_("Lampiran tidak ditemukan."))
    if size:
        if size not in derivatives.SIZES or not found.content_type.startswith("image/"):
            raise Http404(_("Ukuran lampiran tidak dikenal."))
        if size in found.derivatives:
            found.served_file = derivatives.sized(found.served_file, size)  # type: ignore[attr-defined]
            found.content_type = derivatives.CONTENT_TYPE
            stem = found.shown_name.rsplit(".", 1)[0]  # type: ignore[attr-defined]
            found.shown_name = f"{stem}-{size}.jpg"  # type: ignore[attr-defined]
    return found


def may_open_case_file(report: Report, viewer) -> bool:
    """The Ombudsman's case file (issue 16) of a report handed over: its reporter (who handed it
    over) and the staff who work on or watch it; nobody else, whoever may read the report."""
    return report.ombudsman_at is not None and (
        is_own(report, viewer) or may_see_internal(report, viewer)
    )


def case_file_for(report: Report, viewer) -> Report:
    """`report` when `viewer` may download its case file; 404 otherwise (web, back office and API
    alike), so that a report handed over cannot be told from one that was not."""
    if not may_open_case_file(report, viewer):
        raise Http404(_("Berkas perkara tidak ditemukan."))
    return report


def visible_audit_entries(report: Report, viewer) -> list:
    """The report's audit entries `viewer` may see, oldest first (the case file's proof): all of
    them for the staff who work on or watch the report; for the reporter, those of the timeline
    events they may read (`visible_events`), so that an internal step is not revealed by its
    audit row."""
    from aduan.audit.models import AuditEntry

    entries = list(AuditEntry.objects.filter(report_code=report.code).order_by("id"))
    if may_see_internal(report, viewer):
        return entries
    readable = {event.pk for event in visible_events(report, viewer)}
    return [e for e in entries if (e.detail or {}).get("event") in readable]


# Public surfaces give a point to about 100 m (3 decimals), enough to find the road, not the house.
PUBLIC_STEP = Decimal("0.001")


def shown_coordinates(report: Report, viewer) -> tuple[float, float] | None:
    """The report's point as `viewer` may see it: exact to the reporter and to the staff who work
    on or watch the report (they go there); to everyone else none for an anonymous report (its
    point can be the reporter's home) and at most 3 decimals for others. Used by the maps, the
    API (private and public) and Open311."""
    if report.latitude is None or report.longitude is None:
        return None
    if is_own(report, viewer) or may_see_internal(report, viewer):
        return float(report.latitude), float(report.longitude)
    if report.anonymous:
        return None
    return (
        float(Decimal(report.latitude).quantize(PUBLIC_STEP, rounding=ROUND_HALF_EVEN)),
        float(Decimal(report.longitude).quantize(PUBLIC_STEP, rounding=ROUND_HALF_EVEN)),
    )


@dataclass(frozen=True)
class SurvivingReport:
    """What the parties of a duplicate see of the report it was merged into: its code and status
    always, the report itself only if they may open it (a confidential one stays closed to them)."""

    code: str
    status: str
    status_label: str
    report: Report | None


def surviving_report(report: Report, viewer) -> SurvivingReport | None:
    """The report `report` was merged into, as `viewer` may see it (the portal page, the API):
    whole if they may open it; its code and status only to the duplicate's parties (its reporter,
    staff); nothing to anyone else, who learns only that `report` was merged."""
    if report.merged_into_id is None:
        return None
    opened = visible_reports(viewer).filter(pk=report.merged_into_id).first()
    if opened is None and not (is_own(report, viewer) or may_see_internal(report, viewer)):
        return None
    target = opened or Report.objects.only("code", "status").get(pk=report.merged_into_id)
    return SurvivingReport(
        code=target.code,
        status=target.status,
        status_label=str(target.get_status_display()),
        report=opened,
    )


def _anonymous_reporter_act() -> Exists:
    """An audit entry of the reporter's own step on an anonymous report."""
    return Exists(
        Report.objects.filter(code=OuterRef("report_code"), anonymous=True).filter(
            Q(reporter_id=OuterRef("actor_id")) | Q(filed_by_id=OuterRef("actor_id"))
        )
    )


def without_anonymous_reporter_acts(entries: QuerySet, viewer) -> QuerySet:
    """Audit entries found by a user name (the supervisors' audit page, the Django admin's search)
    never list the anonymous reports that user filed, unless the viewer may see every reporter."""
    if viewer is not None and viewer.is_authenticated and viewer.is_dispatcher:
        return entries
    return entries.exclude(_anonymous_reporter_act())


def hide_anonymous_reporters(entries, viewer) -> None:
    """An anonymous reporter's own steps (filing, answering a question, a verdict) are shown as
    "pelapor (anonim)" to whoever may not see the reporter: their user name names them. Sets
    `actor_name` on the entries in memory (never saved: the trail is append-only). One query."""
    codes = {e.report_code for e in entries if e.report_code and e.actor_id}
    reports = {
        r.code: r
        for r in Report.objects.filter(code__in=codes, anonymous=True).only(
            "code", "anonymous", "reporter_id", "filed_by_id", "agency_id"
        )
    }
    for entry in entries:
        report = reports.get(entry.report_code)
        if (
            report is not None
            and entry.actor_id in (report.reporter_id, report.filed_by_id)
            and not may_see_identity(report, viewer)
        ):
            entry.actor_name = str(_("pelapor (anonim)"))
            entry.actor_hidden = True


def mask_name(name: str) -> str:
    """`Wayan Sudarsana` → `W**** S********`: enough for a reporter to recognise their report."""
    return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part) or str(
        _("Warga")
    )


@dataclass(frozen=True)
class ReporterView:
    name: str
    phone: str = ""
    email: str = ""
    nik_masked: str = ""  # 520408••••••0001, never the whole number
    hidden: bool = False  # True when the identity is withheld from this viewer


def present_reporter(report: Report, viewer) -> ReporterView:
    """The reporter as `viewer` may see them. The only way any surface shows a reporter."""
    reporter = report.reporter
    name = report.reporter_name or (reporter.display_name if reporter else "")
    phone = report.reporter_phone or (reporter.phone if reporter else "")
    email = report.reporter_email or (reporter.email if reporter else "")
    if may_see_identity(report, viewer):
        return ReporterView(name=name, phone=phone, email=email, nik_masked=_masked_nik(report))
    if report.anonymous:
        return ReporterView(name=str(_("Anonim")), hidden=True)
    return ReporterView(name=mask_name(name), hidden=True)


def reporter_seen(report: Report, viewer, *, seen_on: str) -> ReporterView:
    """`present_reporter` for a surface that shows one report's reporter (the back office's
    workspace, the API's report, the PDF, the case file), with the view on the record: who saw
    the identity of a reporter who is not themselves, and where (`identity_viewed`). One function,
    so that no door shows an identity off the record."""
    shown = present_reporter(report, viewer)
    if not shown.hidden and viewer is not None and not is_own(report, viewer):
        from aduan.audit import trail
        from aduan.audit.models import AuditEntry

        trail.record(
            AuditEntry.Kind.IDENTITY_VIEWED, actor=viewer, report=report, detail={"page": seen_on}
        )
    return shown


def shown_actor(event: TimelineEvent, report: Report, viewer, reporter_view: ReporterView) -> str:
    """Who did `event`, as `viewer` may read it, on every surface that names the actor (the API's
    timeline, the case file): the reporter's own steps under the name the reporter is shown by
    (an anonymous reporter stays "Anonim"); staff by name to the staff who work on or watch the
    report and to themselves, and to everyone else (the reporter included) by their agency or
    role. Empty for the system's own steps."""
    actor = event.actor
    if actor is None:
        return ""
    if actor.pk in (report.reporter_id, report.filed_by_id):
        return reporter_view.name
    if (
        viewer is not None
        and viewer.is_authenticated
        and (may_see_internal(report, viewer) or viewer.pk == actor.pk)
    ):
        return actor.display_name
    if actor.is_officer and actor.agency_id:
        return (
            str(report.agency.short_name)
            if report.agency_id == actor.agency_id and report.agency is not None
            else str(actor.get_role_display())
        )
    return str(actor.get_role_display())


def _masked_nik(report: Report) -> str:
    from aduan.accounts import nik as niks

    if report.reporter_nik_encrypted:
        return niks.mask(niks.decrypt(report.reporter_nik_encrypted))
    return report.reporter.nik_masked if report.reporter is not None else ""


class ShownText:
    """A report's words for one viewer, each read (and masked) only when asked for, so that a list
    loaded with `.only()` fields reads no other column."""

    FIELDS = ("title", "description", "address", "parties_involved")
    EDITABLE = ("title", "description")  # the dispatcher's public version (`do_edit_public_text`)

    def __init__(self, report: Report, masked: bool):
        self._report, self._masked = report, masked

    def __getattr__(self, name: str) -> str:
        if name not in ShownText.FIELDS:
            raise AttributeError(name)
        value = getattr(self._report, name)
        if not self._masked:
            return value
        edited = getattr(self._report, f"public_{name}", "") if name in self.EDITABLE else ""
        return masking.mask(edited or value)


def shown_text(report: Report, viewer) -> ShownText:
    """A report's words as `viewer` may read them (issue 15): the reporter and staff who work on
    or watch it read the original; everyone else (the feed, the public page, the public API,
    Open311, search hits) reads them with phone numbers, e-mail addresses, NIK-like and account
    numbers masked (`masking.mask`), in the dispatcher's public version where there is one. The
    only way a surface outside the parties shows a report's
    text."""
    return ShownText(report, not (is_own(report, viewer) or may_see_internal(report, viewer)))


def shown_event_text(event, report: Report, viewer) -> str:
    """A timeline text (a note, an answer) as `viewer` may read it: masked outside the parties."""
    if is_own(report, viewer) or may_see_internal(report, viewer):
        return event.text
    return public_text(event.text)


def public_text(text: str) -> str:
    """A timeline text as the public reads it, for a list that reads the text without its event
    (Open311's `status_notes`): phone numbers, e-mail addresses and NIK-like numbers masked."""
    return masking.mask(text)

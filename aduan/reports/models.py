"""The report, who held it (dispositions), its timeline and its attachments.

A report's state changes only in `aduan.reports.actions`; nothing else writes `status`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aduan.directory.models import Priority, SlaStep

from .choices import (
    AGENCY_INBOX_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    PART_SETTLED_STATUSES,
    REPORTER_CLOCK_STATUSES,
    STAFF_CLOCK_STATUSES,
    VERIFIED_STATUSES,
    AnswerOutcome,
    ArchiveReason,
    Audience,
    Channel,
    Classification,
    EventKind,
    Status,
)

# The models, and the words of a report's life (`choices`), which every app takes from here.
__all__ = [
    "AGENCY_INBOX_STATUSES",
    "CODE_ALPHABET",
    "DONE_STATUSES",
    "OPEN_STATUSES",
    "PART_SETTLED_STATUSES",
    "REPORTER_CLOCK_STATUSES",
    "STAFF_CLOCK_STATUSES",
    "VERIFIED_STATUSES",
    "AnswerOutcome",
    "ArchiveReason",
    "Attachment",
    "Audience",
    "Channel",
    "Classification",
    "DeadlineExtension",
    "Disposition",
    "EventKind",
    "FixCheck",
    "Report",
    "ReportQuerySet",
    "Status",
    "Support",
    "TimelineEvent",
    "attachment_path",
    "new_tracking_code",
]


# Readable on a phone: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    return f"{settings.REPORT_CODE_PREFIX}-" + "".join(
        secrets.choice(CODE_ALPHABET) for _ in range(6)
    )


class ReportQuerySet(models.QuerySet):
    """Named scopes (STYLE §12, FixMyStreet's `open_states`): the dispatcher's queue, an agency's
    inbox, what waits on the reporter and the deadline zones are written once, here, and the back
    office, the API, the dashboard, the exports and the sweeps all ask for them by name.

    The zones count only time staff owe: a report waiting on its reporter (returned, answered, or
    paused for information) is never overdue, nearly due or on track, whatever its `due_at`."""

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def dispatcher_queue(self):
        """Waiting for the dispatcher to verify (submitted, or resubmitted after completion)."""
        return self.filter(status=Status.SUBMITTED)

    def agency_inbox(self, agency):
        """What `agency` (an Agency or its id) holds now: to accept and to follow up."""
        return self.filter(agency=agency, status__in=AGENCY_INBOX_STATUSES)

    def waiting_for_reporter(self):
        """The reporter holds the clock: completing a returned report, answering the agency's
        question (the agency's clock is paused), or giving a verdict on the answer."""
        return self.filter(self.waiting_for_reporter_q())

    def overdue(self, now=None):
        """Red: staff hold the clock and its deadline has passed."""
        return self.filter(self.overdue_q(now))

    def due_soon(self, now=None):
        """Yellow: staff hold the clock, the warning time has come, the deadline not yet."""
        return self.filter(self.due_soon_q(now))

    def on_track(self, now=None):
        """Green: staff hold the clock and the warning time has not come."""
        return self.filter(self.on_track_q(now))

    # The same conditions as Q objects, for counts in one aggregate (dashboards).

    @staticmethod
    def waiting_for_reporter_q() -> models.Q:
        return models.Q(status__in=REPORTER_CLOCK_STATUSES) | models.Q(
            status=Status.IN_PROGRESS, paused_at__isnull=False
        )

    @staticmethod
    def _staff_clock_q() -> models.Q:
        return models.Q(status__in=STAFF_CLOCK_STATUSES, paused_at__isnull=True)

    @classmethod
    def overdue_q(cls, now=None) -> models.Q:
        return cls._staff_clock_q() & models.Q(due_at__lt=now or timezone.now())

    @classmethod
    def due_soon_q(cls, now=None) -> models.Q:
        now = now or timezone.now()
        return cls._staff_clock_q() & models.Q(warn_at__lte=now, due_at__gte=now)

    @classmethod
    def on_track_q(cls, now=None) -> models.Q:
        return cls._staff_clock_q() & models.Q(warn_at__gt=now or timezone.now())

    def in_zone(self, zone: str, now=None):
        """`red`, `yellow` or `green` (the lists' `zone` filter); anything else: unfiltered."""
        scope = {"red": self.overdue, "yellow": self.due_soon, "green": self.on_track}.get(zone)
        return scope(now) if scope else self


class Report(models.Model):
    code = models.CharField(
        _("kode pelacakan"), max_length=20, unique=True, default=new_tracking_code
    )
    # Keyed hash of the tracking secret; the secret itself is shown once to the reporter.
    secret_hash = models.CharField(max_length=64, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)  # bumped by every action

    classification = models.CharField(
        _("klasifikasi"),
        max_length=30,
        choices=Classification.choices,
        default=Classification.COMPLAINT,
    )
    category = models.ForeignKey(
        "directory.Category",
        verbose_name=_("kategori"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    supervisory = models.BooleanField(_("berkadar pengawasan"), default=False)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("isi laporan"))
    incident_date = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    district = models.ForeignKey(
        "directory.Region",
        verbose_name=_("kecamatan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    village = models.ForeignKey(
        "directory.Region",
        verbose_name=_("desa/kelurahan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("lintang"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("bujur"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    parties_involved = models.TextField(_("pihak terkait"), blank=True)
    extra_answers = models.JSONField(_("jawaban tambahan"), default=dict, blank=True)
    channel = models.CharField(
        _("kanal"), max_length=20, choices=Channel.choices, default=Channel.WEB
    )

    anonymous = models.BooleanField(_("anonim"), default=False)
    confidential = models.BooleanField(_("rahasia"), default=False)

    # The reporter is the person the report is about; `filed_by` is who typed it in when that is
    # someone else (an RT/RW representative, or staff at the desk). Reporters without an account
    # (SMS, walk-in, a resident) are described by the contact fields.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelapor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diinput oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_reports",
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=20, blank=True)
    reporter_email = models.EmailField(_("e-mail pelapor"), blank=True)
    # A resident's NIK given by the representative who files for them: encrypted, and found through
    # the same keyed hash as an account's NIK (aduan.accounts.nik); never in the clear.
    reporter_nik_encrypted = models.TextField(blank=True, editable=False)
    reporter_nik_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    representative_relationship = models.CharField(
        _("hubungan dengan warga"), max_length=100, blank=True
    )
    consent_recorded_at = models.DateTimeField(
        _("persetujuan warga dicatat"), null=True, blank=True
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("perangkat daerah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    # The agency's sub-unit the report was passed down to (issue 16, `actions.do_pass_down`):
    # its officers handle it under the agency's oversight. Cleared when the report leaves the
    # agency or the agency takes it back.
    sub_unit = models.ForeignKey(
        "directory.SubUnit",
        verbose_name=_("sub-unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    priority = models.PositiveSmallIntegerField(
        _("prioritas"), choices=Priority.choices, default=Priority.NORMAL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("petugas"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
    )

    # The clock of the current step (DESIGN §4), recomputed by every action.
    due_step = models.CharField(max_length=10, choices=SlaStep.choices, blank=True)
    due_at = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    # Set while the agency waits for the reporter's information: the agency's clock is paused.
    paused_at = models.DateTimeField(null=True, blank=True)
    # Set while a citizen's report waits for their KTP profile (issue 13): stored and seen by its
    # author only, without a clock, out of every staff list and action until
    # `actions.release_awaiting_reports` clears it.
    awaiting_profile_since = models.DateTimeField(null=True, blank=True)
    # The reminders already sent about the waiting profile (0, 1 after a day, 2 after a week).
    awaiting_reminders = models.PositiveSmallIntegerField(default=0)
    # The current step's clock started here, and was paused this many working days so far.
    clock_started_at = models.DateTimeField(null=True, blank=True)
    paused_days = models.PositiveSmallIntegerField(default=0)
    # Working days a supervisor granted the current step (DeadlineExtension); reset by a new step.
    extension_days = models.PositiveSmallIntegerField(default=0)
    pending_extension = models.ForeignKey(
        "DeadlineExtension",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # An officer's answer waiting for the agency head's approval (issue 17): its draft event.
    pending_answer = models.ForeignKey(
        "TimelineEvent",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # Set once by the sweep when the deadline passes; reset when a new deadline is set.
    overdue_since = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)

    submitted_at = models.DateTimeField(_("dikirim"), db_index=True)
    updated_at = models.DateTimeField(_("diperbarui"), auto_now=True, db_index=True)
    dispositioned_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    reopen_count = models.PositiveSmallIntegerField(_("dibuka kembali"), default=0)
    rating = models.PositiveSmallIntegerField(_("penilaian"), null=True, blank=True)
    rating_comment = models.TextField(_("komentar penilaian"), blank=True)
    archive_reason = models.CharField(
        _("alasan arsip"), max_length=20, choices=ArchiveReason.choices, blank=True
    )
    # Indexed by a partial index (Meta): almost every report has none.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
        db_index=False,
    )
    external_body = models.CharField(_("instansi berwenang"), max_length=200, blank=True)
    close_reason = models.TextField(_("alasan penutupan"), blank=True)
    # The outcome of the agency's latest answer and, for a scheduled one, the promised date.
    answer_outcome = models.CharField(
        _("hasil tindak lanjut"), max_length=10, choices=AnswerOutcome.choices, blank=True
    )
    follow_up_on = models.DateField(_("dijadwalkan pada"), null=True, blank=True)
    # The public version (issue 15): what the dispatcher lets the public read instead of the
    # reporter's words (a school named, a neighbour recognisable); empty: the original, masked.
    public_title = models.CharField(_("judul untuk publik"), max_length=200, blank=True)
    public_description = models.TextField(_("isi untuk publik"), blank=True)
    # When the reporter handed the report over to the Ombudsman, with their consent, after its
    # legal time limit passed (`actions.do_hand_over_to_ombudsman`). A record, not a close: the
    # regency goes on handling the report.
    ombudsman_at = models.DateTimeField(_("diserahkan ke Ombudsman"), null=True, blank=True)
    # "Bagi laporan" (issue 16): a part is a report of its own (code, agency, clock, timeline)
    # made by `actions.do_split` for one agency; only its main report talks to the reporter.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("laporan utama"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        editable=False,
        db_index=False,  # a partial index (Meta), as for merged_into
    )
    # When the report was split (set on the main report): the guards ask its parts only then.
    split_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        # The back-office lists are ordered by (due_at, submitted_at, id)
        # (`stats.filters.by_deadline`): with the whole key in the index a page is read in order and
        # the walk stops after it, instead of sorting every report of the status (70,000 waiting at
        # a million reports).
        indexes = [
            models.Index(
                fields=["status", "due_at", "submitted_at", "id"], name="report_status_deadline"
            ),
            models.Index(
                fields=["agency", "status", "due_at", "submitted_at", "id"],
                name="report_agency_deadline",
            ),
            # The dispatcher's queue and the agency inbox put the most urgent first, then the
            # nearest deadline (`stats.filters.by_priority`): the same reasoning, one key longer.
            models.Index(
                fields=["status", "priority", "due_at", "submitted_at", "id"],
                name="report_status_priority",
            ),
            # The agency inbox's default view: what the agency holds now, two statuses in one order.
            models.Index(
                fields=["agency", "priority", "due_at", "submitted_at", "id"],
                name="report_inbox_priority",
                condition=models.Q(status__in=["dispositioned", "in_progress"]),
            ),
            models.Index(fields=["confidential", "status", "submitted_at"]),
            # Partial: the few merged reports and parts only. With a full index over a column
            # that is NULL in nearly every row, SQLite's statistics (ANALYZE: "10000 rows per
            # value") made it scan the whole table for `report.merged.all()`, which every filing
            # asks when it addresses its notification (7 ms at 10,000 reports, issue 18).
            models.Index(
                fields=["merged_into"],
                name="report_merged_into",
                condition=models.Q(merged_into__isnull=False),
            ),
            models.Index(
                fields=["parent"], name="report_parent", condition=models.Q(parent__isnull=False)
            ),
            # The dashboard's monthly trend counts the year's reports staff see (issue 18): read
            # from this index alone (an index-only scan), not from a million rows scattered over
            # ten years of history, which at 10M reports took 11 s against 3.7 s at 1M.
            models.Index(
                fields=["submitted_at", "id"],
                name="report_staff_submitted",
                condition=models.Q(awaiting_profile_since__isnull=True),
            ),
            # A filing asks for the reporter's latest report by WhatsApp or SMS (the channel to
            # answer on, `notifications.outbox`): read newest first among the reporter's own
            # reports. Without it, at 10M reports the planner walked the whole archive's
            # `submitted_at` index backwards (131 ms, 22,597 rows skipped) instead of 2 ms at 1M.
            models.Index(fields=["reporter", "submitted_at"], name="report_reporter_submitted"),
        ]

    def __str__(self) -> str:
        # The code only, wherever a report is printed (the admin's lists and forms, logs, error
        # reports): its title can name the reporter, and those readers may not see who that is.
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return not self.confidential and self.status in VERIFIED_STATUSES

    @property
    def waiting_for_reporter(self) -> bool:
        return self.paused_at is not None

    def is_overdue(self, now=None) -> bool:
        """Red, as `ReportQuerySet.overdue_q` says it for one row in memory: staff hold the clock
        and its deadline has passed."""
        return (
            self.status in STAFF_CLOCK_STATUSES
            and self.paused_at is None
            and self.due_at is not None
            and self.due_at < (now or timezone.now())
        )

    @property
    def is_part(self) -> bool:
        return self.parent_id is not None

    @property
    def is_split(self) -> bool:
        return self.split_at is not None


class Disposition(models.Model):
    """One hand-over of a report to an agency, and what the agency did with it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="dispositions")
    agency = models.ForeignKey(
        "directory.Agency", on_delete=models.PROTECT, related_name="dispositions"
    )
    instruction = models.TextField(_("instruksi"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    ended_at = models.DateTimeField(
        null=True, blank=True
    )  # moved elsewhere, declined or report finished

    class Meta:
        ordering = ["created_at", "id"]
        # The dispatcher's queue marks reports an agency declined (an EXISTS per row): without it
        # PostgreSQL scans every disposition ever made to answer it.
        indexes = [
            models.Index(
                fields=["report"],
                name="disposition_declined",
                condition=models.Q(declined_at__isnull=False, ended_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report.code} → {self.agency}"


class TimelineEvent(models.Model):
    """The report's history and audit trail: one row per action, append-only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the system (sweeps)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        # The queue marks resubmitted reports (an EXISTS per row) and the dashboard counts late
        # answers: each reads only the events of its kind, not the whole timeline of the archive.
        indexes = [
            models.Index(
                fields=["report"], name="event_resubmitted", condition=models.Q(kind="resubmitted")
            ),
            models.Index(
                fields=["report", "created_at"],
                name="event_answered",
                condition=models.Q(kind="answered"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random name: stored files are never reachable by a guessable path.
    return f"attachments/{instance.report_id}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        TimelineEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    public = models.BooleanField(default=True)
    # Sent by the reporter (with the report, completing it, answering a question): of an
    # anonymous report, the agency opens only those the dispatcher shares (issue 15,
    # need-to-know; `visibility.visible_attachments`).
    from_reporter = models.BooleanField(default=False)
    # The public version of a photo (issue 15): regions the dispatcher blurred (faces, plates, a
    # house number), served to everyone who is no party to the report; the original stays.
    blurred_file = models.FileField(upload_to=attachment_path, blank=True)
    blurred_regions = models.JSONField(default=list, blank=True)
    # A photo's smaller copies (issue 13, `derivatives`): {"kecil": [w, h], "layar": [w, h]}, for
    # the original and its blurred copy alike; empty until made (then the original is served).
    derivatives = models.JSONField(default=dict, blank=True)
    agency_may_open = models.BooleanField(_("boleh dibuka perangkat daerah"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Read from a staff photo's EXIF before it was stripped (`attachments.read_capture`); for staff
    # only (`visibility.may_see_internal`), and never kept for a reporter's files.
    captured_at = models.DateTimeField(null=True, blank=True)
    captured_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    captured_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Why a result photo needs a look (`proof.FLAGS`): taken before the report, far away, no data.
    proof_flags = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return self.original_name

    @property
    def thumbnail_size(self) -> list[int]:
        """[width, height] of the thumbnail, for the <img> attributes; [] before it is made."""
        return self.derivatives.get("kecil", [])

    @property
    def screen_size(self) -> list[int]:
        return self.derivatives.get("layar", [])


class Support(models.Model):
    """A citizen's "Dukung" on a public report; one per account. Supporting is following."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # "Dukung & ikuti": a supporter hears of the report's status changes until they stop
    # (`actions.do_follow`, the link in every such message).
    following = models.BooleanField(_("mengikuti perkembangan"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="one_support_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ← {self.user_id}"


class FixCheck(models.Model):
    """ "Sudah diperbaiki?" (issue 15): after an answer that says the problem is fixed, the
    report's supporters and the RT/RW of its desa say whether it really is; the dispatcher sees
    the answers counted. One per account and report; a later answer replaces it."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="fix_checks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fix_checks"
    )
    fixed = models.BooleanField(_("sudah diperbaiki"))
    answered_at = models.DateTimeField(_("dijawab"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "user"], name="one_fix_check_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} ← {self.user_id}: {'ya' if self.fixed else 'belum'}"


class DeadlineExtension(models.Model):
    """The agency asks for more working days on its answer; a supervisor grants or refuses
    (`actions.do_request_extension`, `actions.do_decide_extension`)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu keputusan")
        APPROVED = "approved", _("Disetujui")
        REFUSED = "refused", _("Ditolak")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="extensions")
    working_days = models.PositiveSmallIntegerField(_("tambahan hari kerja"))
    reason = models.TextField(_("alasan"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} +{self.working_days} {self.state}"

"""The words of a report's life: its statuses (and the sets the screens and clocks ask about), its
classification, channel, archive reason and answer outcome, the kinds of its timeline events and
who sees them. `aduan.reports.models` imports them, and every app takes them from there."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Belum Terverifikasi")
    RETURNED = "returned", _("Perlu Dilengkapi")
    DISPOSITIONED = "dispositioned", _("Terdisposisi")
    IN_PROGRESS = "in_progress", _("Diproses")
    RESPONDED = "responded", _("Ditindaklanjuti")
    # Sent to a body outside the regency (PDAM, PLN, BPN, a desa, the province) through a link;
    # waiting for its answer (aduan.forwarding).
    FORWARDED = "forwarded", _("Diteruskan ke pihak luar")
    # Held by the dispatcher before verification ("tunda", issue 17): waiting for something the
    # dispatcher named, under the hold's own time limit (SlaStep.HOLD).
    ON_HOLD = "on_hold", _("Ditunda")
    # Split between several agencies ("bagi laporan", issue 16): no single agency holds the main
    # report; its parts (`Report.parent`) do, each with its own clock. It waits, without a clock
    # of its own, until every part is answered, then is answered to the reporter (`actions`).
    SPLIT = "split", _("Ditangani beberapa perangkat daerah")
    CLOSED = "closed", _("Selesai")
    ARCHIVED = "archived", _("Diarsipkan")


# Screens and statistics ask "is it open?" rather than listing statuses everywhere.
OPEN_STATUSES = frozenset(
    {
        Status.SUBMITTED,
        Status.RETURNED,
        Status.DISPOSITIONED,
        Status.IN_PROGRESS,
        Status.RESPONDED,
        Status.FORWARDED,
        Status.ON_HOLD,
        Status.SPLIT,
    }
)
DONE_STATUSES = frozenset({Status.CLOSED, Status.ARCHIVED})
# Verified by the dispatcher: the only statuses the public may ever see.
VERIFIED_STATUSES = frozenset(
    {
        Status.DISPOSITIONED,
        Status.IN_PROGRESS,
        Status.RESPONDED,
        Status.FORWARDED,
        Status.SPLIT,
        Status.CLOSED,
    }
)
# A part of a split report counts as settled for its main report (issue 16) once its agency (or
# an outside body) answered it, or the dispatcher closed or archived it with a reason.
PART_SETTLED_STATUSES = frozenset({Status.RESPONDED, Status.CLOSED, Status.ARCHIVED})


class Classification(models.TextChoices):
    COMPLAINT = "complaint", _("Pengaduan")
    ASPIRATION = "aspiration", _("Aspirasi")
    INFORMATION_REQUEST = "information_request", _("Permintaan Informasi")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    MOBILE = "mobile", _("Aplikasi / API")
    OPEN311 = "open311", _("Open311")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PAPER = "paper", _("Surat")
    PHONE = "phone", _("Telepon")
    WALK_IN = "walk_in", _("Datang langsung")
    REPRESENTATIVE = "representative", _("Melalui RT/RW")
    IMPORT = "import", _("Impor data lama")


class ArchiveReason(models.TextChoices):
    SPAM = "spam", _("Spam / tidak pantas")
    DUPLICATE = "duplicate", _("Duplikat")
    OUT_OF_AUTHORITY = "out_of_authority", _("Bukan kewenangan")
    TOO_GENERAL = "too_general", _("Terlalu umum")
    INCOMPLETE = "incomplete", _("Tidak dilengkapi")


class AnswerOutcome(models.TextChoices):
    """What an agency's answer says happened (issue 15). Only DONE and CANNOT put the report in
    front of the reporter's verdict, and so can close it; SCHEDULED is a promise with a date, which
    becomes the agency's next deadline."""

    DONE = "done", _("Selesai ditangani")
    SCHEDULED = "scheduled", _("Dijadwalkan")
    CANNOT = "cannot", _("Tidak dapat ditangani")


# Who holds a report's clock in each open status (DESIGN §4): staff (the dispatcher, then the
# agency) or the reporter (completing a returned report, giving a verdict on the answer).
# A forwarded report's clock is the outside body's answer: the dispatchers are reminded and the
# report escalated like any staff step, since it is still the regency's to see through.
STAFF_CLOCK_STATUSES = (
    Status.SUBMITTED,
    Status.DISPOSITIONED,
    Status.IN_PROGRESS,
    Status.FORWARDED,
    Status.ON_HOLD,
)
REPORTER_CLOCK_STATUSES = (Status.RETURNED, Status.RESPONDED)
# The reports an agency holds now: to accept, and to follow up (answered ones wait on the reporter).
AGENCY_INBOX_STATUSES = (Status.DISPOSITIONED, Status.IN_PROGRESS)


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Laporan dikirim")
    RETURNED = "returned", _("Dikembalikan untuk dilengkapi")
    RESUBMITTED = "resubmitted", _("Laporan dilengkapi")
    DISPOSITIONED = "dispositioned", _("Didisposisikan")
    REDISPOSITIONED = "redispositioned", _("Didisposisikan ulang")
    ACCEPTED = "accepted", _("Diterima perangkat daerah")
    DECLINED = "declined", _("Ditolak perangkat daerah")
    ASSIGNED = "assigned", _("Ditugaskan kepada petugas")
    NOTE = "note", _("Catatan")
    INFO_REQUESTED = "info_requested", _("Permintaan informasi kepada pelapor")
    INFO_PROVIDED = "info_provided", _("Informasi dari pelapor")
    ANSWERED = "answered", _("Tindak lanjut")
    SCHEDULED = "scheduled", _("Tindak lanjut dijadwalkan")
    PROOF_FLAGGED = "proof_flagged", _("Foto hasil perlu diperiksa")
    PUBLIC_EDITED = "public_edited", _("Versi publik diubah")
    EVIDENCE_SHARED = "evidence_shared", _("Bukti dibagikan kepada perangkat daerah")
    SATISFIED = "satisfied", _("Pelapor puas")
    REOPENED = "reopened", _("Pelapor tidak puas")
    AUTO_CLOSED = "auto_closed", _("Ditutup otomatis")
    CLOSED = "closed", _("Ditutup")
    ARCHIVED = "archived", _("Diarsipkan")
    AUTO_ARCHIVED = "auto_archived", _("Diarsipkan otomatis")
    MERGED = "merged", _("Digabungkan")
    UNMERGED = "unmerged", _("Penggabungan dibatalkan")
    RECLASSIFIED = "reclassified", _("Klasifikasi diubah")
    PRIORITY_CHANGED = "priority_changed", _("Prioritas diubah")
    EXTENSION_REQUESTED = "extension_asked", _("Perpanjangan batas waktu diajukan")
    EXTENSION_APPROVED = "extension_granted", _("Batas waktu diperpanjang")
    EXTENSION_REFUSED = "extension_refused", _("Perpanjangan batas waktu ditolak")
    REMINDED = "reminded", _("Pengingat batas waktu")
    OVERDUE = "overdue", _("Melewati batas waktu")
    ESCALATED = "escalated", _("Eskalasi")
    FORWARD_PROPOSED = "forward_proposed", _("Usul diteruskan ke pihak luar")
    FORWARDED = "forwarded", _("Diteruskan ke pihak luar")
    OUTSIDE_QUESTION = "outside_question", _("Pertanyaan dari pihak luar")
    OUTSIDE_REPLY = "outside_reply", _("Jawaban kepada pihak luar")
    OUTSIDE_DECLINED = "outside_declined", _("Pihak luar tidak dapat menangani")
    FORWARD_RECALLED = "forward_recalled", _("Penerusan ke pihak luar dibatalkan")
    FORWARD_EXPIRED = "forward_expired", _("Tautan pihak luar kedaluwarsa")
    OUTSIDE_NOTE = "outside_note", _("Kabar dari pihak luar")
    HELD = "held", _("Ditunda")
    RESUMED = "resumed", _("Penundaan diakhiri")
    ANSWER_DRAFTED = "answer_drafted", _("Draf tindak lanjut menunggu persetujuan")
    ANSWER_RETURNED = "answer_returned", _("Draf tindak lanjut dikembalikan")
    OMBUDSMAN = "ombudsman", _("Diserahkan ke Ombudsman")
    SPLIT = "split", _("Dibagi ke beberapa perangkat daerah")
    PART_CREATED = "part_created", _("Dibuat sebagai bagian laporan")
    PASSED_DOWN = "passed_down", _("Diteruskan ke sub-unit")
    TAKEN_BACK = "taken_back", _("Ditarik kembali dari sub-unit")


class Audience(models.TextChoices):
    """Who sees a timeline event."""

    PUBLIC = "public", _("Publik")  # anyone who may see the report
    PARTIES = "parties", _("Pelapor dan petugas")  # the reporter and staff, not the public
    INTERNAL = "internal", _("Internal")  # staff who work on or watch the report
    # The agency that holds the report (and the supervisors who audit it), not the dispatcher:
    # an answer waiting for its head's approval (issue 17).
    AGENCY = "agency", _("Perangkat daerah")

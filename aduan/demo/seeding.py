"""The demo data set (DESIGN §10): accounts for every role and some dozens of reports in every
status, built through the real actions at moments spread over the past six weeks, so that each
timeline, deadline and zone is what the system itself would have produced. The accounts are in
`accounts`, the reports' stories and plans in `stories`; this module plays them.

All names, NIKs and phone numbers are invented. Never run in production (the command refuses).
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from aduan.demo.accounts import create_accounts
from aduan.demo.clock import clock_at
from aduan.demo.history import seed_history
from aduan.demo.stories import (
    EXTRA_ANSWERS,
    FORWARDED,
    ON_HOLD,
    OUT_OF_AUTHORITY,
    OUTSIDE_BODY,
    STORIES,
    plans,
)
from aduan.directory.models import Agency, Category, Region
from aduan.notifications.models import Notification
from aduan.open311.demo import seed_demo_application
from aduan.reports import actions, tasks
from aduan.reports.models import ArchiveReason, Channel, Report, Status
from aduan.triage import training


def _result_photo(report):
    """The officer's photo of the finished work, as a phone writes it (capture time now, the GPS of
    the reported point when there is one): a road report's "done" answer needs one (issue 15)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from aduan.reports.attachments import clean_upload

    image = Image.new("RGB", (320, 240), (120, 120, 115))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 150, 320, 240), fill=(70, 70, 72))  # the new asphalt
    draw.line((0, 195, 320, 195), fill=(240, 240, 240), width=4)
    exif = Image.Exif()
    taken = timezone.localtime(timezone.now())
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    if report.latitude is not None and report.longitude is not None:
        gps = exif.get_ifd(0x8825)
        for ref_tag, tag, value, signs in (
            (1, 2, float(report.latitude), "NS"),
            (3, 4, float(report.longitude), "EW"),
        ):
            whole = abs(value)
            degrees, minutes = int(whole), int((whole - int(whole)) * 60)
            seconds = round((whole - degrees - minutes / 60) * 3600, 2)
            gps[ref_tag], gps[tag] = signs[value < 0], (degrees, minutes, seconds)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=80)
    upload = SimpleUploadedFile("foto-hasil.jpg", out.getvalue(), content_type="image/jpeg")
    return clean_upload(upload, keep_document_bytes=True).as_file()


def _moment(now: dt.datetime, days_ago: float) -> dt.datetime:
    """The moment `days_ago` before `now`, on a working day: staff work on working days, so a
    weekend step moves to Monday 09:00, and so does a step in Monday's small hours. Without the
    second rule an earlier step (filed on Sunday, moved to 09:00) came after a later one (held at
    02:00 on Monday) whenever the demo was seeded between midnight and 09:00 on a Tuesday. The
    result never decreases as `days_ago` does, so a report's steps stay in order."""
    moment = timezone.localtime(now - dt.timedelta(days=days_ago))
    if moment.weekday() >= 5:
        moment = (moment + dt.timedelta(days=7 - moment.weekday())).replace(hour=9, minute=0)
    elif moment.weekday() == 0 and moment.hour < 9:
        moment = moment.replace(hour=9, minute=0)
    return min(moment, now - dt.timedelta(minutes=5))


def create_reports(users: dict, now: dt.datetime | None = None) -> list[Report]:
    now = now or timezone.now()
    rng = random.Random(5204)
    agencies = {a.code: a for a in Agency.objects.all()}
    dispatcher = users["dispatcher"]
    officers = {u.agency.code: u for u in users.values() if u.agency_id}
    created = []
    survivors = {}  # story index → first report filed with it (target for merges)
    for plan in sorted(plans(), key=lambda p: -p.days_ago):
        title, description, category_code, agency_code, village_code, parties = STORIES[plan.story]
        village = Region.objects.get(code=village_code)
        reporter = users[plan.reporter]
        filed_at = _moment(now, plan.days_ago) - dt.timedelta(minutes=rng.randint(0, 300))
        resident = {}
        if plan.on_behalf:
            resident = {
                "reporter_name": rng.choice(["Inaq Rahmah", "Amaq Sanip", "Mustafa Kamal"]),
                "reporter_phone": f"+62813391{rng.randint(0, 99999):05d}",
                "representative_relationship": "Warga RT 01",
                "consent": True,
                "channel": Channel.REPRESENTATIVE,
            }
        with clock_at(filed_at):
            report, _secret = actions.do_file_report(
                reporter=None if plan.on_behalf else reporter,
                filed_by=reporter if plan.on_behalf else None,
                title=title,
                description=description,
                classification=plan.classification,
                category=Category.objects.get(code=category_code),
                district=village.parent,
                village=village,
                address=f"{village.name}, Kecamatan {village.parent.name}",
                parties_involved=parties,
                incident_date=(filed_at - dt.timedelta(days=rng.randint(1, 6))).date(),
                anonymous=plan.anonymous,
                confidential=plan.confidential,
                extra_answers=EXTRA_ANSWERS.get(category_code, {}),
                **({"channel": Channel.WEB} | resident),
            )
        survivors.setdefault(plan.story, report)
        agency = agencies[agency_code]
        last = filed_at
        for step in plan.steps:
            verb, offset, *args = step
            # Moving weekend moments to Monday may reorder them: a step never precedes the one
            # before.
            at = last = max(_moment(now, plan.days_ago - offset), last + dt.timedelta(minutes=20))
            officer = officers.get(report.agency.code) if report.agency_id else None
            with clock_at(at):
                _play(
                    verb,
                    args,
                    report,
                    dispatcher=dispatcher,
                    officer=officer,
                    agency=agency,
                    agencies=agencies,
                    reporter=reporter,
                    survivor=survivors[plan.story],
                )
        created.append(report)
    return created


def _play(verb, args, report, *, dispatcher, officer, agency, agencies, reporter, survivor):
    """Take one demo step through the real action."""
    if verb == "disposition":
        target = agencies[args[0]] if args else agency
        actions.do_disposition(
            report,
            target,
            actor=dispatcher,
            instruction="Mohon ditindaklanjuti sesuai kewenangan dan dilaporkan hasilnya.",
        )
    elif verb == "redisposition":
        actions.do_redisposition(
            report,
            agencies[args[0]],
            actor=dispatcher,
            instruction="Dialihkan: lokasi merupakan kewenangan dinas ini.",
        )
    elif verb == "return":
        actions.do_return(
            report,
            actor=dispatcher,
            text="Mohon lengkapi lokasi persis (nama jalan/dusun) dan waktu kejadian.",
        )
    elif verb == "resubmit":
        actions.do_resubmit(
            report,
            actor=reporter,
            changes={"address": report.address + ", dekat masjid"},
            text="Sudah saya lengkapi lokasinya.",
        )
    elif verb == "decline":
        actions.do_decline(
            report, actor=officer, reason="Bukan kewenangan dinas kami; mohon dialihkan ke RSUD."
        )
    elif verb == "accept":
        actions.do_accept(report, actor=officer)
    elif verb == "note":
        actions.do_add_note(
            report,
            actor=officer,
            public=True,
            text="Tim sudah meninjau lokasi dan menjadwalkan penanganan.",
        )
        actions.do_add_note(
            report, actor=officer, public=False, text="Anggaran pemeliharaan masih tersedia."
        )
    elif verb == "request_info":
        actions.do_request_info(
            report, actor=officer, text="Mohon kirim foto terbaru dan titik lokasi yang tepat."
        )
    elif verb == "provide_info":
        actions.do_provide_info(
            report, actor=reporter, text="Lokasinya tepat di depan kios nomor 12."
        )
    elif verb == "answer":
        actions.do_answer(
            report,
            actor=officer,
            text="Perbaikan telah dilaksanakan oleh tim lapangan; terima kasih atas laporan Anda.",
            attachments=[_result_photo(report)],
        )
    elif verb == "satisfied":
        actions.do_accept_answer(
            report, actor=reporter, rating=args[0], comment="Terima kasih, sudah ditangani."
        )
    elif verb == "unsatisfied":
        actions.do_reject_answer(
            report, actor=reporter, reason="Perbaikannya belum selesai, masih ada lubang."
        )
    elif verb == "close":
        actions.do_close(
            report, actor=dispatcher, reason="Sudah diselesaikan langsung di kantor kecamatan."
        )
    elif verb == "archive":
        actions.do_archive(
            report,
            actor=dispatcher,
            reason=args[0],
            text="Laporan tidak menyebut masalah yang jelas.",
        )
    elif verb == "merge":
        actions.do_merge(report, survivor, actor=dispatcher, text="Sama dengan laporan sebelumnya.")
    else:
        raise ValueError(verb)


def create_out_of_authority(users: dict, now: dt.datetime) -> Report:
    title, description, category = OUT_OF_AUTHORITY
    with clock_at(_moment(now, 11.0)):
        report, _ = actions.do_file_report(
            reporter=users["warga"],
            title=title,
            description=description,
            category=Category.objects.get(code=category),
            extra_answers={"status-jalan": "provinsi"},
        )
    with clock_at(_moment(now, 10.0)):
        actions.do_archive(
            report,
            actor=users["dispatcher"],
            reason=ArchiveReason.OUT_OF_AUTHORITY,
            external_body="Dinas PUPR Provinsi Nusa Tenggara Barat",
        )
    return report


def create_forwarded(users: dict, now: dt.datetime) -> Report:
    from aduan.forwarding import actions as forwarding
    from aduan.forwarding.models import OutsideContact

    name, email = OUTSIDE_BODY
    contact, _ = OutsideContact.objects.get_or_create(name=name, defaults={"email": email})
    title, description, category = FORWARDED
    with clock_at(_moment(now, 3.0)):
        report, _ = actions.do_file_report(
            reporter=users["warga"],
            title=title,
            description=description,
            category=Category.objects.get(code=category),
        )
    with clock_at(_moment(now, 2.5)):
        forwarding.do_forward(
            report,
            contact,
            actor=users["dispatcher"],
            text=f"{title}. {description}",
        )
    return report


def create_on_hold(users: dict, now: dt.datetime) -> Report:
    """A report the dispatcher holds ("tunda") while the desa checks its data."""
    title, description, category = ON_HOLD
    with clock_at(_moment(now, 2.0)):
        report, _ = actions.do_file_report(
            reporter=users["warga"],
            title=title,
            description=description,
            category=Category.objects.get(code=category),
            extra_answers=EXTRA_ANSWERS.get(category, {}),
        )
    with clock_at(_moment(now, 1.0)):
        actions.do_hold(
            report,
            actor=users["dispatcher"],
            reason="Menunggu data penerima dari pemerintah desa.",
        )
    return report


def create_draft_answer(users: dict, now: dt.datetime) -> Report | None:
    """PUPR asks for approval from now on: one of its open reports has an answer waiting for the
    head (`kepala-pupr`)."""
    pupr = Agency.objects.get(code="pupr")
    pupr.answers_need_approval = True
    pupr.save(update_fields=["answers_need_approval"])
    pupr.answer_approvers.add(users["kepala-pupr"])
    report = (
        Report.objects.filter(
            agency=pupr,
            status=Status.IN_PROGRESS,
            paused_at__isnull=True,
            pending_extension__isnull=True,
            pending_answer__isnull=True,
        )
        .order_by("submitted_at")
        .first()
    )
    if report is None:
        return None
    with clock_at(now):
        actions.do_answer(
            report,
            actor=users["agency-pupr"],
            text="Ruas ini jalan provinsi; kami sudah menyurati Dinas PUPR Provinsi NTB agar "
            "segera menanganinya.",
            outcome="cannot",
            responsible_body="Dinas PUPR Provinsi NTB",
        )
    return report


def create_handed_over(users: dict, now: dt.datetime) -> Report | None:
    """Its reporter took an overdue report to the Ombudsman (issue 16), with their consent; the
    agency still handles it, and the case file is there to download."""
    report = (
        Report.objects.overdue(now)
        .filter(
            status=Status.IN_PROGRESS,
            reporter__isnull=False,
            anonymous=False,
            pending_answer__isnull=True,
        )
        .order_by("due_at", "id")
        .first()
    )
    if report is None:
        return None
    with clock_at(now):
        actions.do_hand_over_to_ombudsman(report, actor=report.reporter, consent=True)
    return report


def create_split(users: dict, now: dt.datetime) -> Report | None:
    """A school's collapsed classroom roof the dispatcher split between the Dinas Dikbud (the
    school) and PUPR (the building) (issue 16): each agency holds a part with its own clock; the
    main report waits for both and alone talks to the reporter."""
    report = (
        Report.objects.filter(
            status=Status.SUBMITTED,
            parent__isnull=True,
            anonymous=False,
            category__code="pendidikan-kebudayaan",
        )
        .order_by("-submitted_at", "-id")
        .first()
    )
    agencies = list(Agency.objects.filter(code__in=["dikbud", "pupr"], is_active=True))
    if report is None or len(agencies) < 2:
        return None
    notes = {
        "dikbud": "Amankan siswa dan ruang kelas; laporkan kebutuhan ruang sementara.",
        "pupr": "Periksa struktur atap dan jadwalkan perbaikan.",
    }
    with clock_at(now):
        actions.do_split(
            report,
            actor=users["dispatcher"],
            parts=[(agency, notes[agency.code]) for agency in agencies],
        )
    return report


@transaction.atomic
def seed(now: dt.datetime | None = None) -> dict[str, int]:
    """Create the demo accounts and, if there are no reports yet, the demo reports."""
    now = now or timezone.now()
    users = create_accounts()
    seed_demo_application()  # Open311 application with api_key demo-open311-key
    if Report.objects.exists():
        return {"accounts": len(users), "reports": 0}
    reports = create_reports(users, now)
    reports.append(create_out_of_authority(users, now))
    reports.append(create_forwarded(users, now))
    reports.append(create_on_hold(users, now))
    # The sweep ran every ten minutes through the history: each answer waiting for a verdict was
    # reminded when it entered the yellow zone, so the sweep below may close it (never unreminded).
    waiting = Report.objects.filter(
        status=Status.RESPONDED, reminded_at__isnull=True, warn_at__lt=now
    )
    for report in waiting:
        with clock_at(report.warn_at + dt.timedelta(minutes=1)):
            actions.do_remind(report)
    with clock_at(now):
        tasks.run_sweeps()
    create_draft_answer(users, now)
    create_handed_over(users, now)
    create_split(users, now)
    # The demo addresses (.invalid) can never be reached: the history's e-mails count as delivered
    # instead of flooding the console of `make run`.
    Notification.objects.filter(state=Notification.State.PENDING).update(
        state=Notification.State.SENT, sent_at=now
    )
    # The routing model: learned from the demo's accepted dispositions and the shipped history, so
    # that suggestions appear in the workspace of `make run` from the start.
    seed_history(now)
    training.train()
    return {"accounts": len(users), "reports": len(reports)}

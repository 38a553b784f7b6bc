"""The demo data set (DESIGN §10): accounts for every role and some dozens of reports in every
status, built through the real actions at moments spread over the past six weeks, so that each
timeline, deadline and zone is what the system itself would have produced.

All names, NIKs and phone numbers are invented. Never run in production (the command refuses).
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from aduan.accounts.mfa import give_totp, has_totp, is_staff_account
from aduan.accounts.models import Role
from aduan.demo.clock import clock_at
from aduan.demo.history import seed_history
from aduan.directory.models import Agency, Category, Region
from aduan.notifications.models import Notification
from aduan.open311.demo import seed_demo_application
from aduan.reports import actions, tasks
from aduan.reports.models import ArchiveReason, Channel, Classification, Report, Status
from aduan.triage import training

User = get_user_model()
PASSWORD = "aduan-demo"
# Staff must sign in with a second factor (STAFF_MFA_REQUIRED): every demo staff account has an
# authenticator with this published, demo-only secret, so that the demo shows the real log-in.
# Add it to an authenticator app, or print the current code with `manage.py demo_totp_code`.
DEMO_TOTP_SECRET = "ADUANDEMOSUMBAWAADUANDEMOSUMBAWA"

# username: (role, full name, agency code, representative, email, phone)
ACCOUNTS = {
    "dispatcher": (
        Role.DISPATCHER,
        "Baiq Nurul Hidayati",
        None,
        False,
        "dispatcher@aduan.invalid",
        "+6281239000001",
    ),
    # The head of PUPR approves its officers' answers (issue 17); listed before the officer, who
    # is the one the demo's PUPR reports are worked by.
    "kepala-pupr": (
        Role.OFFICER,
        "Ir. Lalu Muhammad Saleh",
        "pupr",
        False,
        "kepala-pupr@aduan.invalid",
        "+6281239000009",
    ),
    "agency-pupr": (
        Role.OFFICER,
        "Lalu Ahmad Fauzan",
        "pupr",
        False,
        "pupr@aduan.invalid",
        "+6281239000002",
    ),
    "agency-inspektorat": (
        Role.OFFICER,
        "Ni Made Sukasih",
        "inspektorat",
        False,
        "inspektorat@aduan.invalid",
        "+6281239000003",
    ),
    "agency-dinkes": (
        Role.OFFICER,
        "dr. Rina Marlina",
        "dinkes",
        False,
        "dinkes@aduan.invalid",
        "+6281239000004",
    ),
    "agency-dikbud": (
        Role.OFFICER,
        "Syamsul Bahri",
        "dikbud",
        False,
        "dikbud@aduan.invalid",
        "+6281239000005",
    ),
    "agency-dinsos": (
        Role.OFFICER,
        "Hj. Siti Aminah",
        "dinsos",
        False,
        "dinsos@aduan.invalid",
        "+6281239000006",
    ),
    "agency-dlh": (
        Role.OFFICER,
        "Putu Ardana",
        "dlh",
        False,
        "dlh@aduan.invalid",
        "+6281239000007",
    ),
    "agency-disdukcapil": (
        Role.OFFICER,
        "Muhammad Ridwan",
        "disdukcapil",
        False,
        "dukcapil@aduan.invalid",
        "+6281239000008",
    ),
    "supervisor": (
        Role.SUPERVISOR,
        "Dewi Anggraini",
        None,
        False,
        "supervisor@aduan.invalid",
        "+6281239000009",
    ),
    "sysadmin": (
        Role.SYSADMIN,
        "Admin Sistem Kominfo",
        None,
        False,
        "sysadmin@aduan.invalid",
        "+6281239000010",
    ),
    "warga": (
        Role.CITIZEN,
        "Wayan Sudarsana",
        None,
        False,
        "warga@aduan.invalid",
        "+6281339100011",
    ),
    "warga2": (
        Role.CITIZEN,
        "Nurhayati Saleh",
        None,
        False,
        "warga2@aduan.invalid",
        "+6281339100012",
    ),
    "warga3": (
        Role.CITIZEN,
        "Andi Firmansyah",
        None,
        False,
        "warga3@aduan.invalid",
        "+6281339100013",
    ),
    "rt01": (
        Role.CITIZEN,
        "Abdul Hamid (Ketua RT 01 Seketeng)",
        None,
        True,
        "rt01@aduan.invalid",
        "+6281339100014",
    ),
}

# Invented complaints: (title, description, category, agency, village code, parties involved)
STORIES = [
    (
        "Jalan berlubang di Jalan Garuda",
        "Sejak awal bulan jalan di depan SD Seketeng berlubang besar sekitar 2 meter. "
        "Kemarin sore seorang pengendara motor terjatuh. Mohon segera diperbaiki.",
        "infrastruktur-jalan",
        "pupr",
        "52.04.08.1004",
        "Dinas PUPR",
    ),
    (
        "Jembatan gantung Desa Kakiang miring",
        "Jembatan gantung penghubung Dusun Kakiang Atas dan Bawah miring ke kanan "
        "setelah banjir tanggal 3 lalu. Anak sekolah tetap melintas setiap pagi.",
        "infrastruktur-jalan",
        "pupr",
        "52.04.09.2002",
        "Pemerintah Desa Kakiang",
    ),
    (
        "Drainase tersumbat di Brang Biji",
        "Saluran air di samping Pasar Brang Biji tersumbat sampah sehingga air meluap "
        "ke rumah warga setiap hujan, terakhir tadi malam.",
        "infrastruktur-air",
        "pupr",
        "52.04.08.1007",
        "",
    ),
    (
        "Pungutan biaya pembuatan KTP",
        "Pada hari Senin lalu di kantor kecamatan saya diminta membayar Rp100.000 oleh "
        "oknum petugas agar KTP elektronik cepat jadi, padahal seharusnya gratis.",
        "pungli",
        "inspektorat",
        "52.04.05.2001",
        "Oknum petugas pelayanan kecamatan",
    ),
    (
        "Dugaan pungli pendaftaran sekolah",
        "Orang tua murid diminta uang pembangunan Rp750.000 saat pendaftaran ulang "
        "tanggal 14 Juli oleh panitia sekolah tanpa dasar aturan.",
        "pungli",
        "inspektorat",
        "52.04.12.2003",
        "Panitia penerimaan murid baru",
    ),
    (
        "Pegawai sering tidak masuk kantor",
        "Beberapa pegawai di kantor desa tidak hadir pada jam kerja selama dua minggu "
        "terakhir sehingga pelayanan surat keterangan terhambat.",
        "maladministrasi",
        "inspektorat",
        "52.04.10.2003",
        "Aparat kantor desa",
    ),
    (
        "Puskesmas kekurangan obat",
        "Sudah tiga kali berobat ke puskesmas bulan ini, obat hipertensi selalu kosong dan "
        "pasien disuruh membeli di apotek luar.",
        "kesehatan",
        "dinkes",
        "52.04.09.2001",
        "Puskesmas Moyo Hilir",
    ),
    (
        "Antrean BPJS di RSUD terlalu lama",
        "Pasien BPJS harus antre sejak subuh dan baru dilayani siang hari. "
        "Kemarin ibu saya menunggu tujuh jam.",
        "kesehatan-bpjs",
        "dinkes",
        "52.04.08.1001",
        "Bagian pendaftaran RSUD",
    ),
    (
        "Atap ruang kelas SDN roboh sebagian",
        "Atap ruang kelas IV SDN di Labuhan Alas roboh sebagian pada hari Jumat. "
        "Murid terpaksa belajar di teras.",
        "pendidikan-kebudayaan",
        "dikbud",
        "52.04.05.2012",
        "Kepala sekolah",
    ),
    (
        "Bantuan PKH tidak diterima",
        "Keluarga kami terdaftar sebagai penerima PKH tetapi sejak Maret tidak lagi menerima "
        "bantuan tanpa pemberitahuan.",
        "sosial-bansos",
        "dinsos",
        "52.04.08.1005",
        "Pendamping PKH",
    ),
    (
        "Sampah menumpuk di TPS Lempeh",
        "Sampah di TPS Lempeh tidak diangkut lebih dari seminggu, berbau dan dikerubungi "
        "lalat. Warga sekitar mulai sakit perut.",
        "lingkungan-hidup",
        "dlh",
        "52.04.08.1006",
        "Petugas kebersihan",
    ),
    (
        "Pembakaran limbah pabrik",
        "Setiap malam sekitar pukul 22.00 ada pembakaran limbah di belakang pabrik dekat "
        "permukiman, asapnya masuk ke rumah.",
        "lingkungan-hidup",
        "dlh",
        "52.04.06.2001",
        "Pengelola pabrik",
    ),
    (
        "Akta kelahiran belum terbit",
        "Saya mengurus akta kelahiran anak sejak 2 bulan lalu di Disdukcapil, sampai sekarang "
        "belum terbit dan tidak ada kepastian.",
        "kependudukan",
        "disdukcapil",
        "52.04.08.1002",
        "Petugas loket",
    ),
    (
        "Lampu jalan padam di Jalan Hasanuddin",
        "Lampu penerangan jalan sepanjang 300 meter padam sejak dua minggu, "
        "rawan kecelakaan dan pencurian pada malam hari.",
        "infrastruktur-listrik",
        "pupr",
        "52.04.08.1003",
        "",
    ),
    (
        "Usulan taman bermain anak",
        "Kami mengusulkan lahan kosong milik daerah di Uma Sima dijadikan taman bermain anak "
        "karena belum ada ruang terbuka di kelurahan kami.",
        "pembangunan-kewilayahan",
        "pupr",
        "52.04.08.1008",
        "",
    ),
    (
        "Permohonan data jumlah penerima beasiswa",
        "Mohon informasi jumlah penerima beasiswa daerah tahun ini per "
        "kecamatan untuk penelitian skripsi saya.",
        "pendidikan-kebudayaan",
        "dikbud",
        "52.04.08.1001",
        "",
    ),
]
# Not in Sumbawa: the dispatcher archives it as out of authority.
OUT_OF_AUTHORITY = (
    "Jalan provinsi di Lombok Timur rusak",
    "Jalan provinsi ruas Masbagik–Aikmel di Lombok Timur rusak parah sejak musim hujan.",
    "infrastruktur-jalan",
)

# Out of the regency's hands but within someone's: forwarded to an outside body (issue 16).
FORWARDED = (
    "Air PDAM tidak mengalir tiga hari",
    "Sejak Senin air PDAM di Jalan Garuda, Kelurahan Seketeng, tidak mengalir sama sekali; "
    "warga membeli air galon untuk memasak.",
    "infrastruktur-air",
)
ON_HOLD = (
    "Bantuan sosial tidak tepat sasaran di Dusun Olat",
    "Beberapa keluarga mampu di Dusun Olat menerima BPNT, sedangkan janda tua di ujung dusun "
    "tidak menerima apa pun sejak awal tahun.",
    "sosial-bansos",
)
OUTSIDE_BODY = ("Perumda Air Minum Batulanteh (PDAM) Sumbawa", "pengaduan@pdam-demo.invalid")


@dataclass
class Plan:
    """One demo report: its story, when it was filed, and the steps taken after (days after
    filing)."""

    story: int
    days_ago: float
    steps: list = field(default_factory=list)
    reporter: str = "warga"
    anonymous: bool = False
    confidential: bool = False
    on_behalf: bool = False
    classification: str = Classification.COMPLAINT


def plans() -> list[Plan]:
    P = Plan
    return [
        # Waiting for the dispatcher: fresh, nearly due, overdue.
        P(0, 0.2),
        P(6, 2.0, reporter="warga2"),
        P(10, 6.0, reporter="warga3"),
        P(13, 1.0, reporter="rt01", on_behalf=True),
        # Returned for completion: waiting, and one that was never completed (auto-archived).
        P(11, 3.0, [("return", 0.5)], reporter="warga2"),
        P(12, 40.0, [("return", 0.6)], reporter="warga3"),
        # Completed after a return and back in the queue.
        P(7, 5.0, [("return", 0.6), ("resubmit", 1.5)], reporter="warga2"),
        # Declined by an agency, back with the dispatcher.
        P(8, 4.0, [("disposition", 0.4, "dinkes"), ("decline", 1.0)], reporter="warga3"),
        # Dispositioned, waiting for the agency to accept: fresh and overdue.
        P(1, 1.2, [("disposition", 0.5)]),
        P(3, 12.0, [("disposition", 0.5)], anonymous=True, confidential=True),
        P(
            2,
            2.5,
            [("disposition", 0.3, "dinkes"), ("redisposition", 0.8, "pupr")],
            reporter="rt01",
            on_behalf=True,
        ),
        # In progress: green, yellow (nearly due), red (overdue), paused (waiting for the reporter).
        P(0, 4.0, [("disposition", 0.5), ("accept", 1.0), ("note", 2.0)], reporter="warga2"),
        P(13, 19.0, [("disposition", 0.4), ("accept", 1.5), ("note", 6.0)], reporter="warga3"),
        P(9, 27.0, [("disposition", 0.5), ("accept", 2.0)], reporter="warga2"),
        P(4, 9.0, [("disposition", 0.5), ("accept", 1.0), ("request_info", 3.0)], anonymous=True),
        P(
            5,
            30.0,
            [("disposition", 0.5), ("accept", 2.0), ("note", 10.0)],
            reporter="warga3",
            confidential=True,
        ),
        P(
            6,
            8.0,
            [("disposition", 0.5), ("accept", 1.0), ("request_info", 2.0), ("provide_info", 4.0)],
            reporter="warga",
        ),
        # Answered, waiting for the reporter's verdict: fresh, and one past the limit (auto-closed).
        P(10, 10.0, [("disposition", 0.5), ("accept", 1.0), ("answer", 6.0)], reporter="warga"),
        P(11, 33.0, [("disposition", 0.5), ("accept", 1.0), ("answer", 8.0)], reporter="warga2"),
        P(
            7,
            7.0,
            [("disposition", 0.4), ("accept", 0.9), ("answer", 4.0)],
            reporter="rt01",
            on_behalf=True,
        ),
        # Closed: satisfied with ratings, reopened then satisfied, closed by the dispatcher.
        P(
            0,
            38.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 9.0), ("satisfied", 10.0, 5)],
        ),
        P(
            1,
            36.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 6.0), ("satisfied", 8.0, 4)],
            reporter="warga2",
        ),
        P(
            8,
            34.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 5.0), ("satisfied", 6.0, 2)],
            reporter="warga3",
        ),
        P(
            4,
            41.0,
            [
                ("disposition", 0.5),
                ("accept", 1.0),
                ("answer", 12.0),
                ("unsatisfied", 13.0),
                ("answer", 20.0),
                ("satisfied", 21.0, 4),
            ],
            reporter="warga",
        ),
        P(
            12,
            29.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 7.0), ("satisfied", 9.0, 3)],
            reporter="warga3",
        ),
        P(
            14,
            25.0,
            [("disposition", 0.5), ("accept", 2.0), ("answer", 9.0), ("satisfied", 10.0, 5)],
            reporter="rt01",
            on_behalf=True,
            classification=Classification.ASPIRATION,
        ),
        P(
            15,
            22.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 3.0), ("satisfied", 4.0, 5)],
            reporter="warga2",
            classification=Classification.INFORMATION_REQUEST,
        ),
        P(3, 16.0, [("close", 1.0)], reporter="warga3"),
        # Reopened: the reporter was not satisfied and the agency works on it again.
        P(
            2,
            24.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 8.0), ("unsatisfied", 10.0)],
            reporter="warga",
        ),
        P(
            5,
            45.0,
            [
                ("disposition", 0.5),
                ("accept", 1.0),
                ("answer", 14.0),
                ("unsatisfied", 16.0),
                ("note", 20.0),
            ],
            reporter="warga2",
            anonymous=True,
        ),
        # Archived: spam, and duplicates merged into an earlier report.
        P(0, 15.0, [("archive", 0.5, ArchiveReason.TOO_GENERAL)], reporter="warga3"),
        P(0, 3.5, [("merge", 0.5)], reporter="warga3"),
        P(10, 9.5, [("merge", 0.3)], reporter="warga2"),
        # More history for the trend: older closed reports across agencies.
        P(
            9,
            44.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 10.0), ("satisfied", 11.0, 4)],
            reporter="warga3",
        ),
        P(
            13,
            43.0,
            [("disposition", 0.5), ("accept", 2.0), ("answer", 15.0), ("satisfied", 17.0, 3)],
            reporter="warga",
        ),
        P(
            11,
            20.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 4.0), ("satisfied", 5.0, 5)],
            reporter="warga2",
        ),
        P(
            6,
            18.0,
            [("disposition", 0.5), ("accept", 1.0), ("answer", 12.0)],
            reporter="warga3",
            anonymous=True,
            confidential=True,
        ),
        P(1, 14.0, [("disposition", 0.5), ("accept", 3.0)], reporter="warga2"),
        # Anonymous and confidential at Dinas PUPR too (the Inspektorat has one above).
        P(
            2,
            6.0,
            [("disposition", 0.5), ("accept", 1.0)],
            reporter="warga3",
            anonymous=True,
            confidential=True,
        ),
    ]


# Answers to the extra questions of categories that ask them
# (aduan/directory/data/category_questions.json).
EXTRA_ANSWERS = {
    "infrastruktur-jalan": {
        "status-jalan": "kabupaten",
        "luas-kerusakan": 20,
        "jenis-kerusakan": ["berlubang"],
    },
    "sosial-bansos": {"nama-program": "pkh"},
}


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


# Citizens' profiles as on their (invented) KTP: NIK, sex, birth date, occupation, desa.
PROFILES = {
    "warga": ("5204081204850001", "L", dt.date(1985, 4, 12), "Petani", "52.04.08.1004"),
    "warga2": ("5204086107920003", "P", dt.date(1992, 7, 21), "Guru", "52.04.08.1005"),
    "warga3": ("5204090511880004", "L", dt.date(1988, 11, 5), "Nelayan", "52.04.09.2001"),
    "rt01": ("5204081501700005", "L", dt.date(1970, 1, 15), "Wiraswasta", "52.04.08.1004"),
}


def create_accounts() -> dict:
    users = {}
    for username, (role, name, agency, representative, email, phone) in ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "full_name": name,
                "email": email,
                "phone": phone,
                "is_representative": representative,
                "agency": Agency.objects.get(code=agency) if agency else None,
                "is_staff": role == Role.SYSADMIN,
                "is_superuser": role == Role.SYSADMIN,
            },
        )
        if created:
            user.set_password(PASSWORD)
            if username in PROFILES:
                nik, sex, birth_date, occupation, village_code = PROFILES[username]
                village = Region.objects.get(code=village_code)
                user.set_nik(nik)
                user.sex, user.birth_date, user.occupation = sex, birth_date, occupation
                user.village, user.district, user.address = (
                    village,
                    village.parent,
                    f"Desa {village.name}",
                )
            user.save()
        if is_staff_account(user) and not has_totp(user):
            give_totp(user, DEMO_TOTP_SECRET)
        users[username] = user
    return users


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

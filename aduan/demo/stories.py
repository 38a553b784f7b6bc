"""The demo's reports as stories (DESIGN §10): invented complaints, the special cases (out of
authority, forwarded, on hold), and the plan of each report: when it was filed and the steps taken
after. `seeding` plays them through the real actions."""

from dataclasses import dataclass, field

from aduan.reports.models import ArchiveReason, Classification

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

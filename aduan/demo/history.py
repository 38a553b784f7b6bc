"""Shipped history for the demo: finished complaints "from the previous system", imported as the
`import_reports` command would (closed, confidential, nobody notified), so that `make run` can
train the routing model at once and the workspace shows *Saran* from the first report.
The texts are invented, in the style of real complaints to the regency."""

import datetime as dt

from aduan.directory.models import Agency, Category, CategoryQuestion
from aduan.reports import actions
from aduan.reports.models import Report

PLACES = ["Seketeng", "Brang Bara", "Lempeh", "Uma Sima", "Samapuin", "Bugis"]
HISTORY = {
    ("pupr", "infrastruktur-jalan"): [
        "Jalan di {p} berlubang besar dan membahayakan pengendara motor.",
        "Aspal jalan kabupaten menuju {p} rusak parah setelah hujan, mohon diperbaiki.",
        "Jembatan kecil di {p} retak dan mulai amblas, kendaraan takut lewat.",
        "Drainase di pinggir jalan {p} tersumbat sehingga jalan tergenang air.",
        "Perbaikan jalan di {p} terhenti berbulan-bulan, material menumpuk di bahu jalan.",
        "Gorong-gorong di jalan {p} ambrol dan jalan terputus sebagian.",
    ],
    ("dinkes", "kesehatan"): [
        "Puskesmas {p} sering tutup sebelum jam pelayanan berakhir.",
        "Obat di puskesmas pembantu {p} habis sejak dua minggu.",
        "Antrean pasien di puskesmas {p} sangat panjang dan dokter jarang hadir.",
        "Petugas posyandu di {p} tidak datang untuk imunisasi balita bulan ini.",
        "Ambulans desa {p} rusak sehingga pasien harus diantar dengan motor.",
        "Pelayanan persalinan di puskesmas {p} dikenakan biaya padahal peserta BPJS.",
    ],
    ("dikbud", "pendidikan-kebudayaan"): [
        "Atap ruang kelas SD di {p} bocor dan murid belajar di lantai.",
        "Guru honorer di SD {p} belum menerima honor selama tiga bulan.",
        "Sekolah di {p} meminta pungutan seragam dan buku yang memberatkan orang tua.",
        "Bangku dan meja di SMP {p} rusak, murid berbagi satu meja bertiga.",
        "Toilet sekolah di {p} tidak ada air sehingga tidak bisa dipakai murid.",
        "Penerimaan murid baru di {p} tidak transparan dan zonasi tidak diikuti.",
    ],
    ("dinsos", "sosial-bansos"): [
        "Keluarga miskin di {p} tidak terdaftar sebagai penerima PKH padahal layak.",
        "Bantuan sembako BPNT di {p} terlambat dan jumlahnya dikurangi.",
        "Lansia terlantar di {p} belum mendapat bantuan sosial apa pun.",
        "Data penerima bansos di {p} tidak tepat sasaran, warga mampu ikut menerima.",
        "Kartu bantuan pangan warga {p} tidak bisa dicairkan di agen.",
        "Penyandang disabilitas di {p} belum menerima bantuan alat bantu.",
    ],
    ("dlh", "lingkungan-hidup"): [
        "Sampah menumpuk di tempat pembuangan sementara {p} dan tidak diangkut seminggu.",
        "Limbah usaha pencucian di {p} dibuang ke sungai dan berbau busuk.",
        "Pembakaran sampah di {p} setiap malam membuat warga sesak napas.",
        "Truk sampah tidak pernah masuk ke lingkungan {p}.",
        "Penebangan pohon peneduh di jalan {p} tanpa izin.",
        "Saluran air di {p} penuh sampah plastik sehingga banjir saat hujan.",
    ],
    ("disdukcapil", "kependudukan"): [
        "KTP elektronik warga {p} belum jadi setelah tiga bulan perekaman.",
        "Pengurusan akta kelahiran di {p} dimintai biaya oleh oknum.",
        "Kartu keluarga warga {p} salah cetak nama dan belum diperbaiki.",
        "Blangko KTP di kecamatan habis, warga {p} disuruh datang berulang kali.",
        "Pindah domisili warga {p} tertahan karena data ganda di sistem.",
        "Layanan jemput bola perekaman KTP untuk lansia di {p} tidak berjalan.",
    ],
}


def seed_history(now: dt.datetime) -> int:
    """Import the history once (the caller seeds only an empty instance); returns how many."""
    created = 0
    for (agency_code, category_code), texts in HISTORY.items():
        agency = Agency.objects.get(code=agency_code)
        category = Category.objects.filter(code=category_code).first()
        answers = {
            q.code: (q.choices[0]["key"] if q.choices else "-")
            for q in CategoryQuestion.objects.filter(category=category, required=True)
        }
        for i, text in enumerate(texts):
            description = text.format(p=PLACES[i % len(PLACES)])
            report = actions.do_import_historical(
                title=description[:70],
                description=description,
                submitted_at=now - dt.timedelta(days=400 + 9 * created),
                agency=agency,
                category=category,
                response="Sudah ditindaklanjuti.",
                source={"demo_history": True},
            )
            if answers:  # what the category asks, as the previous system recorded it
                Report.objects.filter(pk=report.pk).update(extra_answers=answers)
            created += 1
    return created

"""The usual texts a regency starts with (DESIGN §2: who/what/where/when); sysadmins edit them."""

from django.db import migrations

RETURN = [
    ("Lokasi kejadian", "Sebutkan lokasi kejadian selengkapnya (desa/kelurahan, nama jalan atau patokan)."),
    ("Waktu kejadian", "Sebutkan kapan kejadian itu terjadi (tanggal, atau perkiraan waktunya)."),
    ("Kronologi", "Ceritakan kronologi kejadian: apa yang terjadi, berurutan."),
    ("Pihak terkait", "Sebutkan pihak, kantor atau petugas yang terkait dengan kejadian."),
    ("Bukti pendukung", "Lampirkan bukti pendukung bila ada (foto, kuitansi, surat)."),
    ("Identitas / kontak", "Lengkapi identitas dan nomor kontak Anda agar petugas dapat menghubungi Anda."),
]
OTHERS = [
    ("instruction", "Tindak lanjuti sesuai kewenangan",
     "Mohon ditindaklanjuti sesuai kewenangan dan dilaporkan hasilnya melalui Aduan."),
    ("instruction", "Pemeriksaan (berkadar pengawasan)",
     "Laporan berkadar pengawasan: mohon dilakukan pemeriksaan dan disampaikan hasilnya."),
    ("request_info", "Minta foto lokasi", "Mohon kirimkan foto lokasi atau bukti pendukung lainnya."),
    ("answer", "Sudah ditindaklanjuti di lapangan",
     "Terima kasih atas laporan Anda. Petugas kami telah meninjau lokasi dan menindaklanjuti sebagai berikut: "),
]


def create(apps, schema_editor):
    Template = apps.get_model("backoffice", "ResponseTemplate")
    for i, (title, body) in enumerate(RETURN):
        Template.objects.get_or_create(kind="return", title=title, defaults={"body": body, "order": i})
    for i, (kind, title, body) in enumerate(OTHERS):
        Template.objects.get_or_create(kind=kind, title=title, defaults={"body": body, "order": i})


class Migration(migrations.Migration):
    dependencies = [("backoffice", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

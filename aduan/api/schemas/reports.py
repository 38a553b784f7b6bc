"""A report as the API shows it (summary, detail, parts, events, files) and as it is filed."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from aduan.directory.models import PRIORITY_CODES
from aduan.reports import rules
from aduan.reports.models import Classification

from .catalog import Ref
from .common import Email, Latitude, Longitude, Phone, Str


class ReporterOut(Schema):
    name: str = Field(
        description="Nama pelapor; disamarkan atau “Anonim” bila Anda tidak berhak melihatnya."
    )
    phone: str
    email: str
    nik_masked: str = Field(
        "",
        description="NIK disamarkan (520408••••••0001), hanya bila Anda berhak melihat identitas.",
    )
    hidden: bool


class EventOut(Schema):
    id: int
    kind: str
    kind_label: str
    from_status: str
    to_status: str
    audience: str
    actor: str
    text: str
    created_at: dt.datetime


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    created_at: dt.datetime
    proof_flags: list[str] = Field(
        default_factory=list,
        description="Staf saja: mengapa foto hasil perlu diperiksa (taken_before_report, "
        "far_from_place, outside_village, no_capture_time, no_position).",
    )


PriorityCode = Literal[tuple(PRIORITY_CODES.values())]


class MergedIntoOut(Schema):
    """The report a duplicate was merged into: its code and status; open it only if you may."""

    code: str
    status: str
    status_label: str


class PartOut(Schema):
    """A part of a split report (issue 16): its agency, status and latest public answer."""

    code: str
    agency: str
    status: str
    status_label: str
    answer: str


class ReportSummary(Schema):
    code: str = Field(examples=["SBW-7K3Q9M"])
    title: str = Field(examples=["Jalan berlubang di Jalan Garuda"])
    status: str = Field(examples=["dispositioned"])
    status_label: str = Field(examples=["Terdisposisi"])
    classification: str
    category: Ref | None
    agency: Ref | None
    district: Ref | None
    village: Ref | None
    channel: str
    anonymous: bool
    confidential: bool
    submitted_at: dt.datetime
    updated_at: dt.datetime
    due_at: dt.datetime | None
    zone: str | None = Field(
        description="green / yellow / red / paused, atau null tanpa batas waktu."
    )
    priority: PriorityCode = Field(
        description="urgent / high / normal / low: antrean dan kotak masuk mengurutkan menurut "
        "prioritas, lalu batas waktu."
    )
    version: int


class ReportDetail(ReportSummary):
    description: str
    incident_date: dt.date | None
    address: str
    latitude: float | None
    longitude: float | None
    parties_involved: str
    extra_answers: dict
    reporter: ReporterOut
    assigned_to: str | None
    rating: int | None
    answer_outcome: str = Field(
        "", description="Hasil tindak lanjut terakhir: done, scheduled, cannot (kosong: belum)."
    )
    follow_up_on: dt.date | None = None
    ombudsman_at: dt.datetime | None = Field(
        None,
        description="Waktu pelapor menyerahkan laporan ke Ombudsman (hanya bagi pelapor dan "
        "petugas); berkas perkaranya di `/reports/{code}/ombudsman/case-file`.",
    )
    supports: int
    timeline: list[EventOut]
    attachments: list[AttachmentOut]
    merged_into: MergedIntoOut | None = Field(
        None, description="Laporan tujuan penggabungan (hanya kode dan status), bila digabungkan."
    )
    parts: list[PartOut] = Field(
        default_factory=list,
        description="Bagian laporan yang dibagi ke beberapa perangkat daerah "
        "(kosong: tidak dibagi).",
    )
    awaiting_profile: bool = Field(
        False,
        description="true: laporan tersimpan dan menunggu profil pelapor lengkap (PATCH /me); "
        "hanya terlihat oleh pelapor, belum diteruskan dan belum berbatas waktu.",
    )
    actions: list[str] = Field(
        description="Tindakan yang boleh Anda lakukan sekarang.",
        examples=[["accept", "decline", "assign"]],
    )


class FiledReportOut(Schema):
    report: ReportDetail
    secret: str = Field(
        description="Kode rahasia pelacakan; hanya ditampilkan sekali.", examples=["K7Q3M9XP"]
    )
    awaiting_profile: bool = Field(
        False,
        description="true: profil (sesuai KTP) belum lengkap; laporan tersimpan, hanya terlihat "
        "oleh Anda, dan baru diteruskan ke admin kabupaten setelah profil dilengkapi (PATCH /me).",
    )
    profile_missing: list[str] = Field(
        default_factory=list,
        description="Bagian profil yang masih kosong, sebagai kolom PATCH /me.",
        examples=[["profile.nik", "profile.birth_date"]],
    )


class ReportPage(Schema):
    items: list[ReportSummary]
    next_cursor: str | None = Field(
        description="Kirim sebagai `cursor` untuk halaman berikutnya; null di akhir."
    )
    server_time: dt.datetime = Field(
        description="Simpan sebagai `updated_since` untuk sinkronisasi berikutnya."
    )


class ReportIn(Schema):
    """A new report (multipart/form-data; attachments in `files`)."""

    title: Str(rules.TITLE_LENGTH, min_length=1, example="Jalan berlubang di Jalan Garuda")
    description: Str(
        rules.DESCRIPTION_LENGTH,
        min_length=1,
        example="Sejak awal bulan jalan di depan SD Seketeng berlubang besar.",
    )
    classification: Classification = Classification.COMPLAINT
    category: Str(60, example="infrastruktur-jalan") | None = None
    incident_date: dt.date | None = None
    district: Str(13, example="52.04.08") | None = None
    village: Str(13, example="52.04.08.1004") | None = None
    address: Str(rules.ADDRESS_LENGTH, example="Jalan Garuda, depan SD Seketeng") = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    parties_involved: Str(rules.PARTIES_LENGTH, example="Dinas PUPR") = ""
    extra_answers: Str(
        5000,
        example='{"tingkat-kerusakan": "rusak-berat"}',
        description="Jawaban pertanyaan tambahan kategori, sebagai objek JSON.",
    ) = ""
    anonymous: bool = False
    confidential: bool = False
    # RT/RW representatives only: the resident the report is for (the report is theirs).
    resident_name: Str(
        150,
        example="Siti Rahmah",
        description="Hanya RT/RW: nama warga yang diwakili; laporan menjadi milik warga itu.",
    ) = ""
    resident_phone: Phone = ""
    resident_email: Email = ""
    relationship: Str(100, example="Warga RT 01") = ""
    consent: bool = Field(
        False, description="Hanya RT/RW: warga menyetujui laporan dikirim atas namanya."
    )

"""Request and response bodies of the API, with their examples in Indonesian."""

import datetime as dt
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from ninja import Field, Schema
from pydantic import AfterValidator

from aduan.directory.models import PRIORITY_CODES
from aduan.reports.models import ArchiveReason, Classification


def _clean_text(value: str) -> str:
    # PostgreSQL cannot store NUL; other control characters would only hide text from a reader.
    if "\x00" in value:
        raise ValueError("NUL")
    return value


def _clean_email(value: str) -> str:
    value = _clean_text(value).strip()
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise ValueError("email") from None
    return value


def Str(
    max_length: int,
    *,
    min_length: int = 0,
    example: str | None = None,
    description: str | None = None,
):
    return Annotated[
        str,
        Field(
            max_length=max_length,
            min_length=min_length,
            examples=[example] if example else None,
            description=description,
        ),
        AfterValidator(_clean_text),
    ]


Email = Annotated[
    str, Field(max_length=254, examples=["wayan@contoh.id"]), AfterValidator(_clean_email)
]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False, examples=[-8.4902])]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False, examples=[117.4204])]
Code = Str(60, min_length=1, example="infrastruktur-jalan")
Version = Annotated[
    int,
    Field(
        ge=1,
        le=2**31,
        description="`version` laporan yang terakhir Anda lihat: tindakan "
        "ditolak (409) bila orang lain sudah mengubahnya.",
    ),
]


# --- errors -----------------------------------------------------------------------------------


class ErrorBody(Schema):
    code: str = Field(examples=["invalid"])
    message: str = Field(examples=["Data yang dikirim tidak valid."])
    fields: dict[str, list[str]] = Field(examples=[{"title": ["Wajib diisi."]}])


class ErrorOut(Schema):
    error: ErrorBody


# --- accounts ---------------------------------------------------------------------------------


class TokenIn(Schema):
    username: Str(150, min_length=1, example="warga")
    password: Str(128, min_length=1, example="kata-sandi-anda")
    device_name: Str(100, min_length=1, example="Android Samsung A15 milik Wayan")
    otp_code: Str(20, example="492039") | None = Field(
        None,
        description="Kode dari aplikasi autentikator (atau satu kode pemulihan); wajib untuk akun "
        "yang memakai verifikasi dua langkah, termasuk setiap akun petugas.",
    )


class TokenOut(Schema):
    id: int
    device_name: str
    hint: str = Field(description="Awal token, untuk mengenali perangkat.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="Token Bearer; hanya ditampilkan sekali.", examples=["adn_…"])


class CitizenProfileIn(Schema):
    """As on the KTP; checked like the portal's sign-up (DESIGN §9: the message names the wrong
    part)."""

    nik: Str(24, min_length=1, example="5204081204850001")
    sex: Literal["L", "P"] = Field(..., description="L: laki-laki, P: perempuan")
    birth_date: dt.date = Field(..., examples=["1985-04-12"])
    occupation: Str(100, min_length=1, example="Petani")
    district: Str(13, min_length=1, example="52.04.08")
    village: Str(13, min_length=1, example="52.04.08.1004")
    address: Str(255, min_length=1, example="Jl. Garuda 2, RT 01/RW 02")


class RegisterIn(Schema):
    username: Annotated[
        str,
        Field(min_length=3, max_length=150, pattern=r"^[\w.@+-]+$", examples=["wayan.s"]),
        AfterValidator(_clean_text),
    ]
    full_name: Str(150, min_length=1, example="Wayan Sudarsana")
    email: Email
    phone: Annotated[
        str, Field(max_length=20, pattern=r"^\+?[0-9 -]{0,19}$", examples=["+6281339100011"])
    ] = ""
    password: Str(128, min_length=1, example="rahasia-panjang-sekali")
    # Optional at registration; needed (with full name and phone) before filing on the web portal.
    profile: CitizenProfileIn | None = None


class AcceptedOut(Schema):
    message: str


class EmailChangeIn(Schema):
    email: Email
    password: Str(128, min_length=1, example="kata-sandi-anda")


class PasswordChangeIn(Schema):
    current_password: Str(128, min_length=1, example="kata-sandi-lama")
    new_password: Str(128, min_length=1, example="kata-sandi-baru-yang-panjang")


class ProfileIn(Schema):
    full_name: Str(150, min_length=1, example="Wayan Sudarsana") | None = None
    email: Email | None = Field(
        None,
        description="Tidak diubah di sini: e-mail diganti lewat `POST /me/email` (kata sandi dan "
        "konfirmasi alamat baru).",
    )
    phone: Annotated[str, Field(max_length=20, pattern=r"^\+?[0-9 -]{0,19}$")] | None = None
    profile: CitizenProfileIn | None = None


class ProfileOut(Schema):
    username: str
    full_name: str
    email: str
    phone: str
    role: str
    role_label: str
    agency: str | None
    is_representative: bool
    nik_masked: str = Field("", description="NIK disamarkan, mis. 520408••••••0001")
    profile_complete: bool = False


# --- master data ------------------------------------------------------------------------------


class Ref(Schema):
    code: str
    name: str


class QuestionOut(Schema):
    code: str
    label: str
    type: str
    required: bool
    choices: list[dict]


class CategoryOut(Schema):
    code: str
    name: str
    parent: str | None
    supervisory: bool
    questions: list[QuestionOut]


class AgencyOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


# --- reports ----------------------------------------------------------------------------------


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

    title: Str(200, min_length=1, example="Jalan berlubang di Jalan Garuda")
    description: Str(
        10000, min_length=1, example="Sejak awal bulan jalan di depan SD Seketeng berlubang besar."
    )
    classification: Classification = Classification.COMPLAINT
    category: Str(60, example="infrastruktur-jalan") | None = None
    incident_date: dt.date | None = None
    district: Str(13, example="52.04.08") | None = None
    village: Str(13, example="52.04.08.1004") | None = None
    address: Str(255, example="Jalan Garuda, depan SD Seketeng") = ""
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    parties_involved: Str(2000, example="Dinas PUPR") = ""
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
    resident_phone: Annotated[str, Field(max_length=20, pattern=r"^\+?[0-9 -]{0,19}$")] = ""
    resident_email: Email = ""
    relationship: Str(100, example="Warga RT 01") = ""
    consent: bool = Field(
        False, description="Hanya RT/RW: warga menyetujui laporan dikirim atas namanya."
    )


# --- actions ----------------------------------------------------------------------------------


class VersionIn(Schema):
    expected_version: Version | None = None


class TextIn(VersionIn):
    text: Str(5000, example="Mohon lengkapi lokasi dan foto kerusakan.")


class OptionalTextIn(VersionIn):
    text: Str(5000, example="Cek lapangan selesai.") = ""


class AttachmentIn(Schema):
    """A file inside a JSON body (base64), for actions that carry files."""

    name: Str(255, min_length=1, example="foto-perbaikan.jpg")
    content_base64: Annotated[
        str, Field(max_length=14_000_000, description="Isi berkas, base64 (maks. 10 MB).")
    ]


class WithFilesIn(TextIn):
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        max_length=5,
        description="Lampiran (foto, PDF, dokumen Office, video pendek), base64.",
    )


class AnswerIn(WithFilesIn):
    """The answer and its outcome (issue 15): `done` needs a photo of the result for a physical
    category; `scheduled` needs `scheduled_for` and leaves the report in progress; `cannot` needs
    `responsible_body` (who can handle it)."""

    outcome: Literal["done", "scheduled", "cannot"] = "done"
    scheduled_for: dt.date | None = None
    responsible_body: Str(200) = ""


class OmbudsmanIn(VersionIn):
    consent: bool = Field(
        False,
        description="Persetujuan pelapor untuk menyerahkan laporan beserta riwayatnya kepada "
        "Ombudsman; tanpa `true` penyerahan ditolak (422).",
    )


class ReasonIn(VersionIn):
    reason: Str(5000, example="Sudah ditangani oleh instansi lain.")


class DispositionIn(VersionIn):
    agency: Code = Field(examples=["pupr"])
    instruction: Str(5000, example="Mohon segera ditinjau ke lokasi.") = ""


class SplitPartIn(Schema):
    agency: Code = Field(examples=["pupr"])
    instruction: Str(5000, example="Tangani perbaikan jalannya.") = ""


class SplitIn(VersionIn):
    parts: list[SplitPartIn] = Field(
        max_length=10,
        description="Paling sedikit dua perangkat daerah yang berbeda, masing-masing dengan "
        "instruksinya.",
    )


class ArchiveIn(VersionIn):
    reason: Literal[tuple(r for r in ArchiveReason.values if r != ArchiveReason.DUPLICATE)]
    text: Str(5000) = ""
    external_body: Str(200, example="Balai Wilayah Sungai Nusa Tenggara I") = ""


class MergeIn(VersionIn):
    into: Str(20, min_length=1, example="SBW-7K3Q9M")
    text: Str(5000) = ""


class ReclassifyIn(VersionIn):
    classification: Classification | None = None
    category: Str(60) | None = None
    supervisory: bool | None = None
    anonymous: bool | None = None
    confidential: bool | None = None


class PriorityIn(VersionIn):
    priority: PriorityCode = Field(examples=["urgent"])
    reason: Str(500, example="Jalan putus, akses sekolah terganggu.") = ""


class ExtensionIn(VersionIn):
    working_days: int = Field(ge=1, le=60, examples=[5])
    reason: Str(5000, example="Menunggu anggaran perubahan untuk perbaikan jembatan.")


class ExtensionDecisionIn(VersionIn):
    approve: bool
    note: Str(5000) = ""


class AssignIn(VersionIn):
    officer: Str(150, min_length=1, example="agency-pupr")


class PassDownIn(VersionIn):
    sub_unit: int = Field(
        description="Id sub-unit perangkat daerah yang menangani laporan (lihat `sub_units` pada "
        "/reports/{code}/sub-units).",
        examples=[3],
    )
    note: Str(5000, example="Mohon dicek ke lokasi oleh Puskesmas.") = ""


class SubUnitOut(Schema):
    id: int
    name: str
    kind: str


class SubUnitsOut(Schema):
    current: SubUnitOut | None = Field(description="Sub-unit yang menangani laporan sekarang.")
    proposed: SubUnitOut | None = Field(description="Sub-unit yang diusulkan aturan sub-unit.")
    sub_units: list[SubUnitOut] = Field(description="Sub-unit aktif perangkat daerah.")


class NoteIn(WithFilesIn):
    public: bool = False


class ResubmitIn(VersionIn):
    text: Str(5000, example="Lokasi sudah saya lengkapi.") = ""
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=5)
    title: Str(200, min_length=1) | None = None
    description: Str(10000, min_length=1) | None = None
    address: Str(255) | None = None
    incident_date: dt.date | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    parties_involved: Str(2000) | None = None


class VerdictIn(VersionIn):
    satisfied: bool
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    comment: Str(2000, example="Terima kasih, jalan sudah mulus.") = ""
    reason: Str(5000, example="Lubang masih ada di sisi kiri.") = ""


class DeclinedOut(Schema):
    code: str
    status: str = Field(examples=["submitted"])
    status_label: str = Field(examples=["Belum Terverifikasi"])


class SupportOut(Schema):
    supported: bool
    supports: int


# --- notifications, figures -------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    report: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: str | None


class DashboardOut(Schema):
    by_status: dict[str, int]
    open: int
    overdue: int = Field(description="Melewati batas waktu yang dipegang petugas (merah).")
    due_soon: int = Field(description="Mendekati batas waktu (kuning).")
    paused: int = Field(
        description="Menunggu pelapor: dikembalikan, dimintai informasi, atau menunggu penilaian."
    )
    by_agency: dict[str, int]


class StatisticsOut(Schema):
    total: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    by_agency: dict[str, int]
    average_rating: float | None

"""The bodies of the report actions, one per action, and what some of them answer."""

import datetime as dt
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema

from aduan.reports import attachments, rules
from aduan.reports.models import ArchiveReason, Classification

from .common import Code, Latitude, Longitude, Str, Version
from .reports import PriorityCode


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
        str,
        Field(
            # The largest file any kind may be (`attachments.largest_bytes`), as base64.
            max_length=(attachments.largest_bytes() + 2) // 3 * 4,
            description="Isi berkas, base64 (batas ukuran per jenis seperti di portal).",
        ),
    ]


class WithFilesIn(TextIn):
    attachments: list[AttachmentIn] = Field(
        default_factory=list,
        max_length=settings.ATTACHMENT_MAX_FILES,
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
    attachments: list[AttachmentIn] = Field(
        default_factory=list, max_length=settings.ATTACHMENT_MAX_FILES
    )
    title: Str(rules.TITLE_LENGTH, min_length=1) | None = None
    description: Str(rules.DESCRIPTION_LENGTH, min_length=1) | None = None
    address: Str(rules.ADDRESS_LENGTH) | None = None
    incident_date: dt.date | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    parties_involved: Str(rules.PARTIES_LENGTH) | None = None


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

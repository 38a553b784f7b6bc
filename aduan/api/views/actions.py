"""Every life-cycle action on one report, each a thin call of the matching `actions.do_*`.

The report is loaded with `get_report_for` (404 for what the caller may not see); the action
itself decides whether the caller may take it (403) in this status (409), and whether somebody
else acted first (409, when `expected_version` is sent).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import Router

from aduan.directory.models import PRIORITY_CODES, Agency, Category, SubUnit
from aduan.reports import actions
from aduan.reports.transitions import Actor, actors_for
from aduan.reports.visibility import get_report_for, visible_reports
from aduan.triage.sub_units import proposed_sub_unit

from ..auth import ANY
from ..errors import ApiError
from ..schemas import (
    AnswerIn,
    ArchiveIn,
    AssignIn,
    DeclinedOut,
    DispositionIn,
    ExtensionDecisionIn,
    ExtensionIn,
    MergeIn,
    NoteIn,
    OmbudsmanIn,
    OptionalTextIn,
    PassDownIn,
    PriorityIn,
    ReasonIn,
    ReclassifyIn,
    ReportDetail,
    ResubmitIn,
    SplitIn,
    SubUnitsOut,
    SupportOut,
    TextIn,
    VerdictIn,
    VersionIn,
    WithFilesIn,
)
from ..uploads import from_json
from .accounts import ERRORS
from .reports import CodePath, _coordinate, detail_for

router = Router(tags=["Tindakan atas laporan"])
User = get_user_model()
RESPONSES = {200: ReportDetail, **ERRORS}


def _act(request, code: str, act) -> dict:
    user = request.auth
    report = get_report_for(user, code)
    act(report, user)
    return detail_for(user, code)


def _agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise ApiError(
            422, _("Perangkat daerah tidak dikenal."), fields={"agency": [_("Tidak dikenal.")]}
        )
    return agency


# --- the dispatcher ---------------------------------------------------------------------------


@router.post(
    "/reports/{code}/return", response=RESPONSES, auth=ANY, summary="Kembalikan untuk dilengkapi"
)
def return_report(request, data: TextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_return(
            r, actor=u, text=data.text, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/disposition", response=RESPONSES, auth=ANY, summary="Disposisikan")
def disposition(request, data: DispositionIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_disposition(
            r,
            _agency(data.agency),
            actor=u,
            instruction=data.instruction,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/redisposition", response=RESPONSES, auth=ANY, summary="Disposisikan ulang"
)
def redisposition(request, data: DispositionIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_redisposition(
            r,
            _agency(data.agency),
            actor=u,
            instruction=data.instruction,
            expected_version=data.expected_version,
        ),
    )


@router.post("/reports/{code}/split", response=RESPONSES, auth=ANY, summary="Bagi laporan")
def split(request, data: SplitIn, code: str = CodePath):
    """Bagi laporan ke beberapa perangkat daerah (admin kabupaten); setiap bagian menjadi laporan
    tersendiri bagi perangkat daerahnya, dan laporan utama dijawab setelah semua bagian dijawab."""
    return _act(
        request,
        code,
        lambda r, u: actions.do_split(
            r,
            actor=u,
            parts=[(_agency(part.agency), part.instruction) for part in data.parts],
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/reopen-part",
    response=RESPONSES,
    auth=ANY,
    summary="Buka kembali bagian laporan",
)
def reopen_part(request, data: ReasonIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_reopen_part(
            r, actor=u, reason=data.reason, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/archive", response=RESPONSES, auth=ANY, summary="Arsipkan")
def archive(request, data: ArchiveIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_archive(
            r,
            actor=u,
            reason=data.reason,
            text=data.text,
            external_body=data.external_body,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/merge", response=RESPONSES, auth=ANY, summary="Gabungkan sebagai duplikat"
)
def merge(request, data: MergeIn, code: str = CodePath):
    def act(report, user):
        into = visible_reports(user).filter(code=data.into).first()
        if into is None:
            raise ApiError(
                422, _("Laporan tujuan tidak ditemukan."), fields={"into": [_("Tidak ditemukan.")]}
            )
        actions.do_merge(
            report, into, actor=user, text=data.text, expected_version=data.expected_version
        )

    return _act(request, code, act)


@router.post(
    "/reports/{code}/dispatcher-note",
    response=RESPONSES,
    auth=ANY,
    summary="Catatan internal admin",
)
def dispatcher_note(request, data: TextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_dispatcher_note(
            r, actor=u, text=data.text, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/reclassify", response=RESPONSES, auth=ANY, summary="Ubah klasifikasi")
def reclassify(request, data: ReclassifyIn, code: str = CodePath):
    changes = data.model_dump(exclude_unset=True, exclude={"expected_version"})
    changes = {k: v for k, v in changes.items() if v is not None or k == "category"}
    if "category" in changes and changes["category"] is not None:
        # Whether it may be chosen (active) is the action's rule (`do_reclassify`).
        category = Category.objects.filter(code=changes["category"]).first()
        if category is None:
            raise ApiError(
                422, _("Kategori tidak dikenal."), fields={"category": [_("Tidak dikenal.")]}
            )
        changes["category"] = category
    return _act(
        request,
        code,
        lambda r, u: actions.do_reclassify(
            r, actor=u, expected_version=data.expected_version, **changes
        ),
    )


@router.post("/reports/{code}/priority", response=RESPONSES, auth=ANY, summary="Ubah prioritas")
def set_priority(request, data: PriorityIn, code: str = CodePath):
    """Hanya Admin Kabupaten; dicatat pada riwayat internal."""
    value = {name: number for number, name in PRIORITY_CODES.items()}[data.priority]
    return _act(
        request,
        code,
        lambda r, u: actions.do_set_priority(
            r, value, actor=u, reason=data.reason, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/close", response=RESPONSES, auth=ANY, summary="Tutup laporan")
def close(request, data: ReasonIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_close(
            r, actor=u, reason=data.reason, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/hold", response=RESPONSES, auth=ANY, summary="Tunda verifikasi")
def hold(request, data: ReasonIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_hold(
            r, actor=u, reason=data.reason, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/resume", response=RESPONSES, auth=ANY, summary="Akhiri penundaan")
def resume(request, data: OptionalTextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_resume(
            r, actor=u, text=data.text, expected_version=data.expected_version
        ),
    )


# --- the agency -------------------------------------------------------------------------------


@router.post("/reports/{code}/accept", response=RESPONSES, auth=ANY, summary="Terima disposisi")
def accept(request, data: VersionIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_accept(r, actor=u, expected_version=data.expected_version),
    )


@router.post(
    "/reports/{code}/decline",
    response={200: DeclinedOut, **ERRORS},
    auth=ANY,
    summary="Tolak disposisi",
)
def decline(request, data: ReasonIn, code: str = CodePath):
    """Laporan kembali ke antrean Admin Kabupaten; setelah itu perangkat daerah Anda tidak lagi
    memegangnya, jadi jawaban hanya berisi kode dan status baru."""
    report = get_report_for(request.auth, code)
    actions.do_decline(
        report, actor=request.auth, reason=data.reason, expected_version=data.expected_version
    )
    return {
        "code": report.code,
        "status": report.status,
        "status_label": str(report.get_status_display()),
    }


@router.post("/reports/{code}/assign", response=RESPONSES, auth=ANY, summary="Tugaskan petugas")
def assign(request, data: AssignIn, code: str = CodePath):
    def act(report, user):
        officer = User.objects.filter(username=data.officer).first()
        actions.do_assign(report, officer, actor=user, expected_version=data.expected_version)

    return _act(request, code, act)


def _sub_unit_out(unit) -> dict | None:
    return {"id": unit.pk, "name": unit.name, "kind": unit.kind} if unit is not None else None


@router.get(
    "/reports/{code}/sub-units",
    response={200: SubUnitsOut, **ERRORS},
    auth=ANY,
    summary="Sub-unit untuk meneruskan laporan",
)
def sub_units(request, code: str = CodePath):
    """Sub-unit perangkat daerah yang memegang laporan, yang sedang menanganinya dan yang
    diusulkan aturan sub-unit (issue 16). Hanya bagi petugas perangkat daerah yang memegang
    laporan."""
    user = request.auth
    report = get_report_for(user, code)
    if Actor.AGENCY not in actors_for(report, user):
        raise ApiError(403, _("Anda tidak berwenang melakukan tindakan ini pada laporan ini."))
    assert report.agency_id is not None  # an agency actor: the report is with an agency
    units = SubUnit.objects.filter(agency_id=report.agency_id, is_active=True).order_by("name")
    return {
        "current": _sub_unit_out(report.sub_unit),
        "proposed": _sub_unit_out(proposed_sub_unit(report)),
        "sub_units": [_sub_unit_out(unit) for unit in units],
    }


@router.post(
    "/reports/{code}/sub-unit", response=RESPONSES, auth=ANY, summary="Teruskan ke sub-unit"
)
def pass_down(request, data: PassDownIn, code: str = CodePath):
    def act(report, user):
        unit = SubUnit.objects.filter(pk=data.sub_unit).first()
        actions.do_pass_down(
            report, unit, actor=user, note=data.note, expected_version=data.expected_version
        )

    return _act(request, code, act)


@router.post(
    "/reports/{code}/sub-unit/take-back",
    response=RESPONSES,
    auth=ANY,
    summary="Tarik kembali dari sub-unit",
)
def take_back(request, data: OptionalTextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_take_back(
            r, actor=u, note=data.text, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/note", response=RESPONSES, auth=ANY, summary="Catatan perkembangan")
def note(request, data: NoteIn, code: str = CodePath):
    files = from_json(data.attachments, keep_document_bytes=True)
    return _act(
        request,
        code,
        lambda r, u: actions.do_add_note(
            r,
            actor=u,
            text=data.text,
            public=data.public,
            attachments=files,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/answer/approve",
    response=RESPONSES,
    auth=ANY,
    summary="Setujui draf tindak lanjut",
)
def approve_answer(request, data: OptionalTextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_approve_answer(
            r, actor=u, text=data.text, expected_version=data.expected_version
        ),
    )


@router.post(
    "/reports/{code}/answer/return",
    response=RESPONSES,
    auth=ANY,
    summary="Kembalikan draf tindak lanjut",
)
def return_answer(request, data: ReasonIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_return_answer(
            r, actor=u, reason=data.reason, expected_version=data.expected_version
        ),
    )


@router.post(
    "/reports/{code}/request-info",
    response=RESPONSES,
    auth=ANY,
    summary="Minta informasi kepada pelapor",
)
def request_info(request, data: TextIn, code: str = CodePath):
    return _act(
        request,
        code,
        lambda r, u: actions.do_request_info(
            r, actor=u, text=data.text, expected_version=data.expected_version
        ),
    )


@router.post("/reports/{code}/answer", response=RESPONSES, auth=ANY, summary="Kirim tindak lanjut")
def answer(request, data: AnswerIn, code: str = CodePath):
    files = from_json(data.attachments, keep_document_bytes=True)
    return _act(
        request,
        code,
        lambda r, u: actions.do_answer(
            r,
            actor=u,
            text=data.text,
            outcome=data.outcome,
            scheduled_for=data.scheduled_for,
            responsible_body=data.responsible_body,
            attachments=files,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/extension",
    response=RESPONSES,
    auth=ANY,
    summary="Ajukan perpanjangan batas waktu",
)
def request_extension(request, data: ExtensionIn, code: str = CodePath):
    """Perangkat daerah yang memegang laporan meminta tambahan hari kerja, dengan alasan;
    pengawas memutuskan."""
    return _act(
        request,
        code,
        lambda r, u: actions.do_request_extension(
            r,
            actor=u,
            working_days=data.working_days,
            reason=data.reason,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/extension/decision",
    response=RESPONSES,
    auth=ANY,
    summary="Putuskan perpanjangan batas waktu (pengawas)",
)
def decide_extension(request, data: ExtensionDecisionIn, code: str = CodePath):
    """Disetujui: batas waktu bergeser sebanyak hari kerja yang diminta dan tampil di riwayat
    publik. Ditolak: `note` wajib."""
    return _act(
        request,
        code,
        lambda r, u: actions.do_decide_extension(
            r, actor=u, approve=data.approve, note=data.note, expected_version=data.expected_version
        ),
    )


# --- the reporter -----------------------------------------------------------------------------


@router.post(
    "/reports/{code}/resubmit",
    response=RESPONSES,
    auth=ANY,
    summary="Lengkapi laporan yang dikembalikan",
)
def resubmit(request, data: ResubmitIn, code: str = CodePath):
    files = from_json(data.attachments)
    changes = data.model_dump(
        exclude_unset=True, exclude={"expected_version", "text", "attachments"}
    )
    changes = {k: v for k, v in changes.items() if v is not None}
    for field in ("latitude", "longitude"):
        if field in changes:
            changes[field] = _coordinate(changes[field])
    return _act(
        request,
        code,
        lambda r, u: actions.do_resubmit(
            r,
            actor=u,
            changes=changes,
            text=data.text,
            attachments=files,
            expected_version=data.expected_version,
        ),
    )


@router.post(
    "/reports/{code}/provide-info",
    response=RESPONSES,
    auth=ANY,
    summary="Jawab permintaan informasi",
)
def provide_info(request, data: WithFilesIn, code: str = CodePath):
    files = from_json(data.attachments)
    return _act(
        request,
        code,
        lambda r, u: actions.do_provide_info(
            r, actor=u, text=data.text, attachments=files, expected_version=data.expected_version
        ),
    )


@router.post(
    "/reports/{code}/verdict",
    response=RESPONSES,
    auth=ANY,
    summary="Puas atau tidak puas atas tindak lanjut",
)
def verdict(request, data: VerdictIn, code: str = CodePath):
    """`satisfied: true` dengan `rating` 1–5 menutup laporan; `false` dengan `reason`
    mengembalikannya ke perangkat daerah."""

    def act(report, user):
        if data.satisfied:
            actions.do_accept_answer(
                report,
                actor=user,
                rating=data.rating,
                comment=data.comment,
                expected_version=data.expected_version,
            )
        else:
            actions.do_reject_answer(
                report, actor=user, reason=data.reason, expected_version=data.expected_version
            )

    return _act(request, code, act)


@router.post(
    "/reports/{code}/ombudsman",
    response=RESPONSES,
    auth=ANY,
    summary="Serahkan ke Ombudsman",
)
def hand_over_to_ombudsman(request, data: OmbudsmanIn, code: str = CodePath):
    """Pelapor menyerahkan laporan yang melewati batas waktu penanganannya kepada Ombudsman RI,
    dengan `consent: true`. Laporan tetap ditangani; berkas perkaranya di
    `/reports/{code}/ombudsman/case-file`. Sebelum batas waktu terlewati, atau bila sudah
    diserahkan: 409."""
    return _act(
        request,
        code,
        lambda r, u: actions.do_hand_over_to_ombudsman(
            r, actor=u, consent=data.consent, expected_version=data.expected_version
        ),
    )


@router.post(
    "/reports/{code}/support",
    response={200: SupportOut, **ERRORS},
    auth=ANY,
    summary="Dukung laporan publik",
)
def support(request, code: str = CodePath):
    report = get_report_for(request.auth, code)
    actions.do_support(report, actor=request.auth)
    return {"supported": True, "supports": report.supports.count()}

"""Filing, listing and reading reports. Lists and reads go through `visible_reports` and
`get_report_for`; filing goes through `actions.do_file_report`."""

import datetime as dt
import json
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Path, Query, Router, Schema, UploadedFile
from ninja import Status as Reply

from aduan.accounts.phone import normalise_phone
from aduan.directory.models import Category, Region
from aduan.ops import ratelimit
from aduan.reports import actions, case_file, errors, rules
from aduan.reports.attachments import open_stored
from aduan.reports.models import Channel, Classification, ReportQuerySet, Status
from aduan.reports.visibility import (
    case_file_for,
    get_report_for,
    original_text_q,
    visible_attachment,
    visible_reports,
)
from aduan.search.backends import rank

from .. import present
from ..auth import ANY
from ..errors import ApiError
from ..pagination import page, work_order_page
from ..schemas import FiledReportOut, ReportDetail, ReportIn, ReportPage
from ..uploads import checked
from .accounts import ERRORS

router = Router(tags=["Laporan"])
CodePath = Path(
    ..., min_length=1, max_length=40, description="Kode pelacakan", examples=["SBW-7K3Q9M"]
)


class ReportFilter(Schema):
    status: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[a-z_,]*$",
        description="Satu atau beberapa status, dipisah koma",
        examples=["submitted,returned"],
    )
    mine: bool = Field(
        False, description="Hanya laporan saya (yang saya kirim atau dikirim untuk saya)"
    )
    agency: str | None = Field(None, max_length=40, examples=["pupr"])
    category: str | None = Field(None, max_length=60, examples=["infrastruktur-jalan"])
    classification: Classification | None = None
    channel: Channel | None = None
    overdue: bool | None = Field(None, description="true: melewati batas waktu")
    assigned_to_me: bool = False
    q: str | None = Field(
        None,
        max_length=100,
        description="Cari di kode dan judul (judul laporan orang lain: kata-kata versi publiknya)",
        examples=["jalan"],
    )
    updated_since: dt.datetime | None = Field(
        None,
        description="Hanya yang berubah sejak waktu ini (sinkronisasi); "
        "urutan menjadi terlama dulu",
    )
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(25, ge=1, le=100)


def aware(moment: dt.datetime | None, field: str) -> dt.datetime | None:
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        moment.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise ApiError(
            422, _("Waktu di luar jangkauan."), fields={field: [_("Nilai tidak valid.")]}
        ) from None
    return moment


def filtered(queryset, f: ReportFilter, user):
    if f.status:
        statuses = [s for s in f.status.split(",") if s]
        unknown = set(statuses) - set(Status.values)
        if unknown:
            raise ApiError(
                422, _("Status tidak dikenal."), fields={"status": [", ".join(sorted(unknown))]}
            )
        queryset = queryset.filter(status__in=statuses)
    if f.mine:
        queryset = queryset.filter(Q(reporter=user) | Q(filed_by=user))
    if f.agency:
        queryset = queryset.filter(agency__code=f.agency)
    if f.category:
        queryset = queryset.filter(category__code=f.category)
    if f.classification:
        queryset = queryset.filter(classification=f.classification)
    if f.channel:
        queryset = queryset.filter(channel=f.channel)
    if f.overdue is not None:
        overdue = ReportQuerySet.overdue_q()
        queryset = queryset.filter(overdue) if f.overdue else queryset.exclude(overdue)
    if f.assigned_to_me:
        queryset = queryset.filter(assigned_to=user)
    if f.q:
        term = f.q.replace("\x00", "").strip()
        if term:
            # The title as this viewer reads it: the original where they may read it, else the
            # public words through the portal's own search (a name or a number the public page
            # hides must not find the report).
            originals = original_text_q(user)
            matches = Q(code__iexact=term) | (originals & Q(title__icontains=term))
            if originals != Q():  # staff who read every original need no search of the rest
                hits = rank(None, term, within=queryset).order
                matches |= Q(pk__in=[pk for pk, _score, _how in hits])
            queryset = queryset.filter(matches)
    return queryset


def report_page(queryset, f: ReportFilter, *, work_order: bool = False, viewer=None) -> dict:
    """A page of reports, newest change first (oldest first when syncing with `updated_since`);
    `work_order`: the staff queue's and inbox's order instead, most urgent and nearest deadline
    first (except when syncing)."""
    since = aware(f.updated_since, "updated_since")
    if since is not None:
        queryset = queryset.filter(updated_at__gt=since)
    server_time = timezone.now()
    queryset = queryset.select_related(*present.LIST_RELATED)
    if work_order and since is None:
        rows, next_cursor = work_order_page(queryset, cursor=f.cursor, limit=f.limit)
    else:
        rows, next_cursor = page(
            queryset, cursor=f.cursor, limit=f.limit, ascending=since is not None
        )
    return {
        "items": [present.summary(r, viewer) for r in rows],
        "next_cursor": next_cursor,
        "server_time": server_time,
    }


def detail_for(user, code: str) -> dict:
    report = get_report_for(
        user, code
    )  # 404 for what the caller may not see; with its places and category
    # The people and the timeline as small reads by key: planning one query joining all of them
    # cost PostgreSQL more than running these.
    prefetch_related_objects(
        [report], "reporter", "filed_by", "assigned_to", *present.detail_prefetches()
    )
    report.support_count = report.supports.count()  # type: ignore[attr-defined]  # as listed
    return present.detail(report, user)


@router.get(
    "/reports",
    response={200: ReportPage, **ERRORS},
    auth=ANY,
    summary="Laporan yang dapat saya lihat",
)
def list_reports(request, filters: Query[ReportFilter]):
    """Semua laporan yang boleh Anda buka, terbaru dulu, per halaman (kursor). Dengan
    `updated_since`: hanya yang berubah sejak itu, terlama dulu, untuk sinkronisasi ponsel."""
    user = request.auth
    return report_page(filtered(visible_reports(user), filters, user), filters, viewer=user)


@router.get(
    "/reports/{code}", response={200: ReportDetail, **ERRORS}, auth=ANY, summary="Satu laporan"
)
def read_report(request, code: str = CodePath):
    """Laporan yang tidak boleh Anda lihat dijawab 404, sama seperti kode yang tidak ada."""
    return detail_for(request.auth, code)


@router.post(
    "/reports",
    response={201: FiledReportOut, **ERRORS},
    auth=ANY,
    url_name="file_report",
    summary="Kirim laporan (multipart, dengan lampiran)",
)
def file_report(request, data: Form[ReportIn], files: File[list[UploadedFile]] = None):  # type: ignore[assignment]
    """Kirim laporan baru sebagai `multipart/form-data`; lampiran (foto, PDF, dokumen Office, video
    pendek; diperiksa menurut isinya) di kolom `files`. Jawaban tersimpan dengan kode pelacakan dan
    kode rahasia (sekali tampil).
    Warga yang profilnya (sesuai KTP) belum lengkap tetap dapat melapor: laporan tersimpan
    (`awaiting_profile: true`, dengan bagian yang masih kosong di `profile_missing`), hanya
    terlihat oleh pelapor, dan diteruskan ke admin kabupaten begitu profil dilengkapi lewat
    `PATCH /me`."""
    user = request.auth
    category = _category(data.category)
    district, village = _regions(data.district, data.village)
    extra = _extra_answers(data.extra_answers)
    who, files = _who(user, data), checked(files)
    refusal = ratelimit.filing(request, user)  # counted once the input is known to be good
    if refusal is not None:
        raise ApiError.too_many(refusal)
    try:
        report, secret = actions.do_file_report(
            **who,
            channel=Channel.MOBILE,
            title=data.title,
            description=data.description,
            classification=data.classification,
            category=category,
            incident_date=data.incident_date,
            district=district,
            village=village,
            address=data.address.strip(),
            latitude=_coordinate(data.latitude),
            longitude=_coordinate(data.longitude),
            parties_involved=data.parties_involved.strip(),
            extra_answers=extra,
            anonymous=data.anonymous,
            confidential=data.confidential,
            attachments=files,
        )
    except errors.InvalidInput as refused:
        # A refusal of the resident's details, under the names this form gives the fields.
        named = rules.ON_BEHALF_FIELDS
        refused.field = named.get(refused.field or "", refused.field)
        refused.problems = {named.get(k, k): v for k, v in refused.problems.items()}
        raise
    # The report as just filed is in memory with its relations: only its event and files are read
    # back (no second read of the report with its six joins).
    prefetch_related_objects([report], *present.detail_prefetches())
    report.support_count = 0  # type: ignore[attr-defined]  # as listed
    missing = rules.profile_refusal(user) if report.awaiting_profile_since else None
    return Reply(
        201,
        {
            "report": present.detail(report, user),
            "secret": secret,
            "awaiting_profile": missing is not None,
            "profile_missing": [PROFILE_PATHS[name] for name in missing.missing]
            if missing is not None
            else [],
        },
    )


# Where PATCH /me takes each part of the profile a citizen's waiting reports need (issue 13).
PROFILE_PATHS = {
    "full_name": "full_name",
    "phone": "phone",
    "nik_hash": "profile.nik",
    "birth_date": "profile.birth_date",
    "sex": "profile.sex",
}


def _who(user, data: ReportIn) -> dict:
    """The reporter: the caller, or, for an RT/RW representative, the resident named in the form."""
    if not data.resident_name.strip():
        return {"reporter": user}
    return {  # only an RT/RW may: the action's rule (`reports.rules.check_on_behalf`)
        "reporter": None,
        "filed_by": user,
        "reporter_name": data.resident_name.strip(),
        "reporter_phone": _phone(data.resident_phone, "resident_phone"),
        "reporter_email": data.resident_email,
        "representative_relationship": data.relationship.strip(),
        "consent": data.consent,
    }


def _phone(raw: str, field: str) -> str:
    try:
        return normalise_phone(raw)
    except DjangoValidationError as error:
        raise ApiError(422, error.messages[0], fields={field: error.messages}) from None


def _coordinate(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 6)))


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = (
        Category.objects.filter(code=code, is_active=True).prefetch_related("questions").first()
    )
    if category is None:
        raise ApiError(
            422, _("Kategori tidak dikenal."), fields={"category": [_("Kategori tidak dikenal.")]}
        )
    return category


def _regions(district_code: str | None, village_code: str | None):
    district = village = None
    if district_code:
        district = Region.objects.filter(code=district_code, level=Region.Level.DISTRICT).first()
        if district is None:
            raise ApiError(
                422,
                _("Kecamatan tidak dikenal."),
                fields={"district": [_("Kecamatan tidak dikenal.")]},
            )
    if village_code:
        village = Region.objects.filter(code=village_code, level=Region.Level.VILLAGE).first()
        if village is None:
            raise ApiError(
                422,
                _("Desa/kelurahan tidak dikenal."),
                fields={"village": [_("Desa/kelurahan tidak dikenal.")]},
            )
    return district, village  # where they lie: the action's rule (`reports.rules.check_place`)


def _no_constant(name):
    raise ValueError(name)  # NaN and Infinity are not JSON and PostgreSQL refuses them


def _extra_answers(raw: str) -> dict:
    """The answers to the category's extra questions, a JSON object keyed by question code (shape
    only: the action checks them against the questions, `reports.rules.clean_answers`)."""
    if not raw.strip():
        return {}
    try:
        answers = json.loads(raw, parse_constant=_no_constant)
    except (json.JSONDecodeError, ValueError, RecursionError):
        answers = None
    if (
        not isinstance(answers, dict)
        or "\x00" in json.dumps(answers, ensure_ascii=False)
        or not all(isinstance(v, (str, int, float, list)) for v in answers.values())
    ):
        raise ApiError(
            422,
            _("Jawaban tambahan harus berupa objek JSON."),
            fields={"extra_answers": [_("Harus berupa objek JSON.")]},
        )
    return answers


@router.get(
    "/reports/{code}/attachments/{attachment_id}",
    auth=ANY,
    url_name="attachment",
    response={200: None, **ERRORS},
    summary="Unduh lampiran",
    # 200 as an int, the key django-ninja uses: a "200" string would be a second "200" in the JSON.
    openapi_extra={
        "responses": {
            200: {
                "description": "Isi berkas",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def attachment(
    request,
    code: str = CodePath,
    attachment_id: int = Path(..., ge=1, le=2**62),
    ukuran: Literal["kecil", "layar"] | None = Query(
        None,
        description="Foto lebih kecil (JPEG): `kecil` sisi terpanjang 320 px, `layar` 1280 px.",
    ),
):
    """Lampiran yang boleh Anda lihat, sama dengan daftar `attachments` laporan ini bagi Anda
    (lampiran catatan internal hanya bagi petugas; lampiran yang dikirim pelapor saat melengkapi
    laporan atau menjawab pertanyaan hanya bagi pelapor dan petugas). Selebihnya 404. Dengan
    `ukuran`, foto yang sama dalam ukuran lebih kecil (aturan yang sama)."""
    user = request.auth
    report = get_report_for(user, code)
    try:
        found = visible_attachment(report, user, attachment_id, ukuran or "")
    except Http404:
        raise ApiError(404, _("Lampiran tidak ditemukan.")) from None
    try:
        handle = open_stored(found.served_file)  # type: ignore[attr-defined]  # see visible_attachment
    except Http404:
        raise ApiError(404, _("Berkas lampiran tidak tersedia.")) from None
    response = FileResponse(
        handle,
        content_type=found.content_type,
        as_attachment=True,
        filename=found.shown_name,  # type: ignore[attr-defined]
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get(
    "/reports/{code}/ombudsman/case-file",
    auth=ANY,
    url_name="ombudsman_case_file",
    response={200: None, **ERRORS},
    summary="Unduh berkas perkara Ombudsman (PDF)",
    openapi_extra={
        "responses": {
            200: {
                "description": "Berkas perkara (PDF)",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def ombudsman_case_file(request, code: str = CodePath):
    """Berkas perkara laporan yang telah diserahkan pelapor ke Ombudsman: ringkasan, riwayat
    yang boleh Anda lihat, pernyataan penyerahan dan bukti jejak audit. Hanya bagi pelapor dan
    petugas yang menangani atau mengawasi laporan; selebihnya 404."""
    user = request.auth
    report = get_report_for(user, code)
    try:
        case_file_for(report, user)
    except Http404:
        raise ApiError(404, _("Berkas perkara tidak ditemukan.")) from None
    response = HttpResponse(case_file.render(report, user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="berkas-ombudsman-{report.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response

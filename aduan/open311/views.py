"""Open311 GeoReport v2 (`/open311/v2/`), as the specification at wiki.open311.org/GeoReport_v2
says.

Services are the active categories, grouped by their top-level category (`group`); a
request is a report, identified by its tracking code. Lists show only `public_reports()` (never a
confidential or unverified report), plus, for the application that sends its `api_key`, the
non-confidential reports it filed itself. No reporter identity is ever part of a response.
"""

import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.core import fragments
from aduan.directory.models import Category, CategoryQuestion, Region
from aduan.ops import ratelimit
from aduan.ops.filter_dates import DateOutOfRange, filter_moment
from aduan.ops.replica import replica_reads
from aduan.reports import actions, errors, rules
from aduan.reports.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    Channel,
    Report,
)
from aduan.reports.visibility import (
    public_events,
    public_reports,
    public_text,
    shown_coordinates,
    shown_text,
    visible_events,
)

from . import render
from .models import Application, ServiceRequest
from .render import error, respond, w3c

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-29T00:00:00+08:00"
MAX_DAYS, MAX_RESULTS = 90, 1000
DATATYPES = {
    "text": "string",
    "number": "number",
    "date": "datetime",
    "single": "singlevaluelist",
    "multi": "multivaluelist",
}


def unknown(request, fmt):
    return error(fmt, 404, _("Alamat Open311 ini tidak ada."))


@replica_reads
def discovery(request, fmt):
    base = settings.SITE_URL.rstrip("/") + "/open311/v2/"
    return respond(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.DEFAULT_FROM_EMAIL,
            "key_service": settings.SITE_URL,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


# --- services ---------------------------------------------------------------------------------


def _services():
    return (
        Category.objects.filter(is_active=True)
        .order_by("parent__name", "name")
        .select_related("parent")
        .prefetch_related(
            Prefetch("questions", queryset=CategoryQuestion.objects.order_by("order", "id"))
        )
    )


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": f"{category.parent.name} › {category.name}"
        if category.parent_id
        else category.name,
        "metadata": bool(category.questions.all()),
        "type": "realtime",
        "keywords": ", ".join(
            filter(
                None,
                [
                    category.code.replace("-", " "),
                    category.parent.name.lower() if category.parent_id else "",
                ],
            )
        ),
        "group": category.parent.name if category.parent_id else category.name,
    }


@replica_reads
def services(request, fmt):
    # The same document until a category or question changes (their saves move the generation
    # on, `aduan.reports.apps`): building it from ~40 categories and their questions took 12 ms.
    document = fragments.cached(
        "open311-services",
        (fmt,),
        lambda: render.body(fmt, "services", [_service(c) for c in _services()]),
    )
    return HttpResponse(document, content_type=render.CONTENT_TYPES[fmt])


@replica_reads
def service_definition(request, fmt, service_code):
    category = _services().filter(code=service_code).first()
    if category is None:
        return error(fmt, 404, _("Layanan tidak dikenal: %(code)s") % {"code": service_code[:60]})
    attributes = [
        {
            "variable": True,
            "code": q.code,
            "datatype": DATATYPES.get(q.type, "string"),
            "required": q.required,
            "datatype_description": _("Tanggal (YYYY-MM-DD)") if q.type == "date" else "",
            "order": index,
            "description": q.label,
            "values": [{"key": c.get("key"), "name": c.get("name")} for c in q.choices or []],
        }
        for index, q in enumerate(category.questions.all(), start=1)
    ]
    return respond(
        fmt, "service_definition", {"service_code": category.code, "attributes": attributes}
    )


# --- requests ---------------------------------------------------------------------------------


def _visible(application: Application | None):
    reports = public_reports()
    if application is not None:
        reports = Report.objects.filter(
            Q(pk__in=reports.values("pk")) | Q(open311__application=application, confidential=False)
        )
    return reports.select_related("category", "agency", "village", "open311")


LIST_FIELDS = (
    "code",
    "status",
    "description",
    "public_description",  # the public version (`shown_text`)
    "submitted_at",
    "updated_at",
    "due_at",
    "address",
    "village_id",
    "latitude",
    "longitude",
    "anonymous",  # an anonymous report's point is not shown (`shown_coordinates`)
    "category__code",
    "category__name",
    "agency__name",
    "open311__media_url",
)


def _status_notes(report: Report) -> str:
    """The newest public text on the timeline: the answer, a public note or the closing reason."""
    if hasattr(report, "latest_public_text"):
        return public_text(report.latest_public_text or "")
    for event in reversed(visible_events(report, None)):
        if event.text:
            return event.text
    return ""


def _request(report: Report, extensions: bool) -> dict:
    extra = getattr(report, "open311", None) if hasattr(report, "open311") else None
    # Open311 is public: the point as the public may see it, whoever calls.
    point = shown_coordinates(report, None)
    item = {
        "service_request_id": report.code,
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(report),
        "service_name": report.category.name if report.category_id else "",
        "service_code": report.category.code if report.category_id else "",
        "description": shown_text(report, None).description,
        "agency_responsible": report.agency.name if report.agency_id else "",
        "service_notice": "",
        "requested_datetime": w3c(report.submitted_at),
        "updated_datetime": w3c(report.updated_at),
        "expected_datetime": w3c(report.due_at) if report.status in OPEN_STATUSES else None,
        "address": shown_text(report, None).address,
        "address_id": report.village_id or "",
        "zipcode": "",
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": extra.media_url if extra else "",
    }
    if extensions:
        item["notes"] = [
            {
                "datetime": w3c(e.created_at),
                "summary": str(e.get_kind_display()),
                "description": e.text,
            }
            for e in visible_events(report, None)
        ]
    return item


def _events():
    return Prefetch(
        "events",
        queryset=public_events().order_by("created_at", "id"),
    )


def _date(value: str, name: str) -> dt.datetime:
    try:
        return filter_moment(value, name)
    except DateOutOfRange:
        raise
    except (ValueError, OverflowError):
        raise ValueError(
            _("%(name)s harus berformat W3C, mis. 2026-03-02T00:00:00+08:00") % {"name": name}
        ) from None


def _int(value, default: int, low: int, high: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(_("%(name)s harus bilangan bulat.") % {"name": name}) from None
    if not low <= number <= high:
        raise ValueError(
            _("%(name)s harus antara %(low)s dan %(high)s.")
            % {"name": name, "low": low, "high": high}
        )
    return number


@replica_reads  # the GET only; a POST files on the primary
def requests_view(request, fmt):
    if request.method == "POST":
        return create_request(request, fmt)
    params = request.GET
    application = Application.for_key(params.get("api_key"))
    reports = _visible(application)
    try:
        extensions = params.get("extensions", "").lower() == "true"
        page = _int(params.get("page"), 1, 1, 10_000, "page")
        page_size = _int(params.get("page_size"), MAX_RESULTS, 1, MAX_RESULTS, "page_size")
        ids = [i.strip() for i in params.get("service_request_id", "").split(",") if i.strip()]
        # the specification: service_request_id overrides all other parameters
        reports = reports.filter(code__in=ids[:MAX_RESULTS]) if ids else _filter(reports, params)
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    if extensions:
        reports = reports.prefetch_related(_events())  # the notes are the whole public timeline
    else:
        # Only the newest public text, computed for the page's rows (prefetching every event of
        # up to 1,000 requests took most of the time of a list).
        reports = reports.annotate(
            latest_public_text=Subquery(
                public_events()
                .filter(report=OuterRef("pk"))
                .exclude(text="")
                .order_by("-created_at", "-id")
                .values("text")[:1]
            )
        )
    # Only the columns a request shows: up to 1,000 rows are built per call, and building every
    # column of the report and its category, agency and place took half of the time.
    reports = (
        reports.select_related(None)
        .select_related("category", "agency", "open311")
        .only(*LIST_FIELDS)
    )
    rows = reports.order_by("-submitted_at", "-id")[(page - 1) * page_size : page * page_size]
    # Up to 1,000 requests read and serialised: kept until a report changes (`fragments`), per
    # application (what it may see) and query.
    scope = (application.pk if application else None, fmt, params.urlencode())
    listed = fragments.cached(
        "open311-requests",
        scope,
        lambda: render.body(fmt, "service_requests", [_request(r, extensions) for r in rows]),
    )
    return HttpResponse(listed, content_type=render.CONTENT_TYPES[fmt])


def _filter(reports, params):
    codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
    if codes:
        reports = reports.filter(category__code__in=codes)
    statuses = {s.strip().lower() for s in params.get("status", "").split(",") if s.strip()}
    if statuses - {"open", "closed"}:
        raise ValueError(_("status hanya boleh open atau closed."))
    if statuses == {"open"}:
        reports = reports.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        reports = reports.filter(status__in=DONE_STATUSES)
    start = _date(params["start_date"], "start_date") if params.get("start_date") else None
    end = _date(params["end_date"], "end_date") if params.get("end_date") else None
    span = dt.timedelta(days=MAX_DAYS)
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - span
    if end is None:
        end = start + span
    if end < start:
        raise ValueError(_("end_date harus sesudah start_date."))
    if end - start > span:
        raise ValueError(_("Rentang start_date sampai end_date paling lama 90 hari."))
    return reports.filter(submitted_at__gte=start, submitted_at__lte=end)


class _NotFound(Exception):
    pass


@replica_reads
def request_detail(request, fmt, request_id):
    application = Application.for_key(request.GET.get("api_key"))
    extensions = request.GET.get("extensions", "").lower() == "true"

    def draw() -> bytes:
        found = _visible(application).prefetch_related(_events()).filter(code=request_id[:40])
        report = found.first()
        if report is None:
            raise _NotFound
        return render.body(fmt, "service_requests", [_request(report, extensions)])

    # Kept until a report changes (`fragments`), per application (what it may see); building it
    # (compiling the visibility query, its timeline) cost 9 ms against 0.1 ms to read it back.
    try:
        document = fragments.cached(
            "open311-request",
            (application.pk if application else None, fmt, request_id[:40], extensions),
            draw,
        )
    except _NotFound:
        return error(
            fmt, 404, _("Permintaan layanan tidak ditemukan: %(id)s") % {"id": request_id[:40]}
        )
    return HttpResponse(document, content_type=render.CONTENT_TYPES[fmt])


@replica_reads
def token_detail(request, fmt, token):
    found = (
        ServiceRequest.objects.select_related("report")
        .filter(token=token[:40], report__confidential=False)
        .first()
    )
    if found is None:
        return error(fmt, 404, _("Token tidak ditemukan."))
    return respond(
        fmt, "service_requests", [{"service_request_id": found.report.code, "token": found.token}]
    )


# --- filing -----------------------------------------------------------------------------------


def create_request(request, fmt):
    """POST requests: form-encoded, with the api_key of a registered application."""
    data = request.POST
    application = Application.for_key(data.get("api_key"))
    if application is None:
        return error(fmt, 403, _("api_key tidak ada atau tidak valid."))
    code = data.get("service_code", "").strip()
    if not code:
        return error(fmt, 400, _("service_code wajib diisi."))
    category = _services().filter(code=code[:60]).first()
    if category is None:
        return error(fmt, 404, _("Layanan tidak dikenal: %(code)s") % {"code": code[:60]})
    try:
        fields = _report_fields(data, category)
    except ValueError as exc:
        return error(fmt, 400, str(exc))
    refusal = ratelimit.open311(request, application.pk)  # counted once the input is good
    if refusal is not None:
        response = error(fmt, 429, ratelimit.too_many_message(refusal))
        response["Retry-After"] = str(refusal.retry_after)
        return response
    token = secrets.token_urlsafe(16)
    try:
        with transaction.atomic():  # the report and its link to the application, or neither
            report, _secret = actions.do_file_report(
                channel=Channel.OPEN311, category=category, **fields
            )
            ServiceRequest.objects.create(
                application=application,
                report=report,
                token=token,
                media_url=data.get("media_url", "").strip()[:500],
            )
    except errors.ActionError as exc:
        # Every problem the action found (a category's questions may have several).
        problems = getattr(exc, "problems", None) or {None: exc.message}
        return error(fmt, 400, "; ".join(str(m) for m in problems.values()))
    return respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": report.code,
                "token": token,
                "service_notice": _("Laporan diterima dan menunggu verifikasi Admin Kabupaten."),
                "account_id": "",
            }
        ],
        status=201,
    )


def _clean(value: str, limit: int, name: str) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise ValueError(_("%(name)s berisi karakter yang tidak valid.") % {"name": name})
    if len(value) > limit:
        raise ValueError(_("%(name)s paling banyak %(n)s karakter.") % {"name": name, "n": limit})
    return value


def _report_fields(data, category: Category) -> dict:
    """The report's fields from the form, or ValueError with what is wrong (a 400)."""
    # Its length is the filing's rule (`rules.check_description`), as on every channel.
    description = rules.plain_text(data.get("description"))
    if not description:
        raise ValueError(_("description wajib diisi."))
    fields = {
        "description": description,
        "title": f"{category.name}: {description.splitlines()[0]}"[: rules.TITLE_LENGTH],
    }
    lat, long = data.get("lat", "").strip(), data.get("long", "").strip()
    address = _clean(data.get("address_string"), rules.ADDRESS_LENGTH, "address_string")
    address_id = _clean(data.get("address_id"), 13, "address_id")
    if not ((lat and long) or address or address_id):
        raise ValueError(_("Lokasi wajib: lat dan long, address_string, atau address_id."))
    # Each a number (shape); both or neither, and inside the regency: the action's rule.
    fields["latitude"], fields["longitude"] = _coordinate(lat, "lat"), _coordinate(long, "long")
    if address_id:
        village = (
            Region.objects.filter(code=address_id, level=Region.Level.VILLAGE)
            .select_related("parent")
            .first()
        )
        if village is None:
            raise ValueError(
                _("address_id harus kode desa/kelurahan Kemendagri, mis. 52.04.08.1004.")
            )
        fields["village"], fields["district"] = village, village.parent
    fields["address"] = address
    answers = {}
    for key in data:
        if key.startswith("attribute[") and "]" in key:
            name = key[len("attribute[") : key.index("]")]
            values = data.getlist(key)
            answers[name] = values if key.endswith("[]") or len(values) > 1 else values[0]
    questions = {q.code: q.type for q in category.questions.all()}
    for name, value in answers.items():
        if questions.get(name) == "multi" and not isinstance(value, list):
            answers[name] = [value]
    fields["extra_answers"] = answers  # checked against the questions by the action
    first, last = (
        _clean(data.get("first_name"), 70, "first_name"),
        _clean(data.get("last_name"), 70, "last_name"),
    )
    email, phone = _clean(data.get("email"), 254, "email"), _clean(data.get("phone"), 20, "phone")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValueError(_("email tidak valid.")) from None
    media_url = _clean(data.get("media_url"), 500, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            raise ValueError(_("media_url harus alamat http(s).")) from None
    name = " ".join(filter(None, [first, last]))
    fields.update(reporter_name=name, reporter_email=email, reporter_phone=phone)
    if not (name or email or phone):
        # Nobody to contact: the report stands as an anonymous one, named by the application.
        fields.update(reporter_name=_("Pengguna Open311"), anonymous=True)
    return fields


def _coordinate(value: str, name: str) -> Decimal | None:
    """A WGS84 coordinate as a number, or None when not given."""
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueError(_("lat dan long harus angka desimal (WGS84).")) from None
    if not number.is_finite() or abs(number) > (90 if name == "lat" else 180):
        raise ValueError(_("lat harus antara -90 dan 90, long antara -180 dan 180."))
    return number.quantize(Decimal("0.000001"))

"""Forwarding a report to another GeoReport v2 server and following it there (issue 16).

Every change of the report is a call of `aduan.reports.actions`: the server is an outside body
(`OutsideParty` with a `remote_request_id`) and the report waits for it in the forwarded status,
as for a body reached through a link. This module keeps the request and does the HTTP:

1. `do_forward`: one transaction forwards the report (timeline, the reporter told where it went)
   and queues a PENDING request; nothing is sent before it commits.
2. `send` (right after the commit, then by the sweep until it works): POST requests.json with the
   mapped service_code, the report's public text and a place at desa level, never the reporter.
   A failure is recorded on the request (the dispatcher sees it in the workspace) and tried
   again with backoff; a refusal (4xx), or OPEN311_OUTBOUND_MAX_ATTEMPTS failures, bring the
   report back to whoever held it (`do_outside_decline`).
3. `follow` (the sweep): GET requests/{id}.json (tokens/{token}.json first when the server gave
   only a token). New status_notes while open are a timeline note for the reporter
   (`do_outside_note`); "closed" makes the closing notes the report's answer
   (`do_outside_answer`), and the reporter then says whether it satisfies, as after any answer.

Several workers may sweep at once: each request is claimed by compare-and-swap on its
`next_attempt_at` before any HTTP call, so one worker sends or fetches it.
"""

import contextlib
import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aduan.reports import actions as report_actions
from aduan.reports import errors, transitions
from aduan.reports.models import EventKind, Report, Status
from aduan.reports.transitions import Action, OutsideParty
from aduan.reports.visibility import shown_coordinates, shown_text

from . import client
from .models import RemoteRequest, RemoteServer, ServiceMapping

log = logging.getLogger(__name__)

# A claimed request is left alone this long: the worker that claimed it is calling the server.
CLAIM = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=6)
BATCH = 200


def service_code_for(server: RemoteServer, report: Report) -> str:
    mapping = ServiceMapping.objects.filter(server=server, category_id=report.category_id).first()
    return mapping.service_code if mapping else ""


def do_forward(report: Report, server, *, actor, expected_version=None) -> RemoteRequest:
    """The dispatcher forwards `report` to `server`. Refused (in Bahasa Indonesia, for every
    channel) without an active server, without a mapping for the report's category, and for a
    confidential report: an Open311 server publishes what it receives."""
    # Who may and in which status first: someone who may not forward learns nothing of the
    # report (its confidentiality) from the refusal.
    refused = transitions.refusal(Action.FORWARD_REMOTE, report, actor)
    if refused is not None:
        raise refused
    if server is None or not server.is_active:
        raise errors.InvalidInput(_("Pilih server Open311 tujuan yang aktif."), field="server")
    if report.confidential:
        raise errors.InvalidState(
            _(
                "Laporan rahasia tidak diteruskan ke server Open311 (isinya dapat dipublikasikan "
                "di sana); teruskan melalui tautan pihak luar."
            )
        )
    code = service_code_for(server, report)
    if not code:
        raise errors.InvalidInput(
            _("Kategori laporan ini belum dipetakan ke layanan %(server)s.")
            % {"server": server.name},
            field="server",
        )
    with transaction.atomic():
        r = report_actions.do_forward_remote(
            report,
            actor=actor,
            server_name=server.name,
            server_id=server.pk,
            expected_version=expected_version,
        )
        event = r.events.filter(kind=EventKind.FORWARDED).latest("created_at", "id")
        request = RemoteRequest.objects.create(
            report=r,
            server=server,
            service_code=code,
            forwarded_event_id=event.pk,
            created_by=actor,
            next_attempt_at=timezone.now(),
        )
        transaction.on_commit(lambda: _send_soon(request.pk))
    return request


def _send_soon(pk: int) -> None:
    from .tasks import send_remote_request

    send_remote_request(pk)


# --- what is sent -----------------------------------------------------------------------------


def _place(report: Report) -> str:
    """The desa, kecamatan and kabupaten names: where, without the street address (which can be
    the reporter's house)."""
    names, region = [], report.village or report.district
    while region is not None:
        names.append(region.name)
        region = region.parent
    return ", ".join(names[:3])


def request_fields(request: RemoteRequest) -> dict:
    """The form fields of the POST: the report's public text (masked as the public reads it),
    the public point and the desa; no name, e-mail, phone or device of the reporter."""
    report = request.report
    text = shown_text(report, None)
    reference = _("Diteruskan dari %(site)s, kode laporan %(code)s.") % {
        "site": settings.SITE_NAME,
        "code": report.code,
    }
    description = "\n\n".join(filter(None, [text.title, text.description, reference]))
    fields = {"service_code": request.service_code, "description": description[:4000]}
    point = shown_coordinates(report, None)
    if point is not None:
        fields["lat"], fields["long"] = f"{point[0]:.6f}", f"{point[1]:.6f}"
    place = _place(report)
    if place:
        fields["address_string"] = place[:255]
    elif point is None:
        fields["address_string"] = settings.SITE_NAME
    if request.server.tracking_attribute:
        fields[f"attribute[{request.server.tracking_attribute}]"] = report.code
    return fields


# --- the work of one request ------------------------------------------------------------------


def _claim(request: RemoteRequest, now: dt.datetime) -> bool:
    """Compare-and-swap on next_attempt_at: the one worker that moves it calls the server."""
    return bool(
        RemoteRequest.objects.filter(
            pk=request.pk, state=request.state, next_attempt_at=request.next_attempt_at
        ).update(next_attempt_at=now + CLAIM)
    )


def _party(request: RemoteRequest) -> OutsideParty:
    return OutsideParty(0, request.report_id, request.server.name, remote_request_id=request.pk)


def _current(request: RemoteRequest) -> bool:
    """Whether the report still waits for this request: forwarded, and not forwarded again."""
    report = request.report
    return (
        report.status == Status.FORWARDED
        and not report.events.filter(
            kind=EventKind.FORWARDED, id__gt=request.forwarded_event_id
        ).exists()
    )


def _detach(request: RemoteRequest) -> None:
    """The report left the forwarded status here (recalled, closed by a dispatcher): the
    server's answer no longer moves it."""
    RemoteRequest.objects.filter(pk=request.pk).update(
        state=RemoteRequest.State.DETACHED, next_attempt_at=None
    )


def _failed(request: RemoteRequest, message: str, now: dt.datetime) -> None:
    attempts = request.attempts + 1
    backoff = min(dt.timedelta(minutes=2**attempts), MAX_BACKOFF)
    RemoteRequest.objects.filter(pk=request.pk).update(
        attempts=attempts,
        last_error=message[:2000],
        last_error_at=now,
        next_attempt_at=now + backoff,
    )
    request.attempts = attempts
    log.warning("open311 outbound %s: %s", request.pk, message)


def send(request: RemoteRequest, now: dt.datetime | None = None) -> bool:
    """POST one PENDING request (step 2). True when the server accepted it."""
    now = now or timezone.now()
    if request.state != RemoteRequest.State.PENDING or not _claim(request, now):
        return False
    if not _current(request):
        _detach(request)
        return False
    try:
        remote_id, token = client.post_request(request.server, request_fields(request))
    except client.RemoteError as exc:
        _failed(request, exc.message, now)
        if exc.permanent or request.attempts >= settings.OPEN311_OUTBOUND_MAX_ATTEMPTS:
            _give_up(request, exc.message)
        return False
    RemoteRequest.objects.filter(pk=request.pk).update(
        state=RemoteRequest.State.SENT,
        remote_id=remote_id,
        token=token,
        sent_at=now,
        attempts=0,
        last_error="",
        next_attempt_at=now,
    )
    return True


def _give_up(request: RemoteRequest, message: str) -> None:
    """The server refused the request or never took it: the report comes back to whoever held
    it, with the reason on its timeline, and the dispatchers are told."""
    with transaction.atomic():
        if not RemoteRequest.objects.filter(
            pk=request.pk, state=RemoteRequest.State.PENDING
        ).update(state=RemoteRequest.State.FAILED, next_attempt_at=None):
            return
        reason = _("Server %(server)s tidak menerima laporan ini: %(error)s") % {
            "server": request.server.name,
            "error": message,
        }
        # Conflict or InvalidState: the report already left the forwarded status.
        with contextlib.suppress(errors.Conflict, errors.InvalidState):
            report_actions.do_outside_decline(
                request.report, outside=_party(request), reason=reason
            )


def follow(request: RemoteRequest, now: dt.datetime | None = None) -> bool:
    """Fetch one SENT request and bring its news to the report (step 3). True when fetched."""
    now = now or timezone.now()
    if request.state != RemoteRequest.State.SENT or not _claim(request, now):
        return False
    if not _current(request):
        _detach(request)
        return False
    server = request.server
    try:
        if not request.remote_id:
            remote_id = client.resolve_token(server, request.token)
            if not remote_id:
                _failed(request, _("service_request_id belum tersedia untuk token ini"), now)
                return False
            RemoteRequest.objects.filter(pk=request.pk).update(remote_id=remote_id)
            request.remote_id = remote_id
        seen = client.get_request(server, request.remote_id)
    except client.RemoteError as exc:
        _failed(request, exc.message, now)
        return False
    try:
        _bring_news(request, seen, now)
    except errors.ActionError as exc:
        _failed(request, str(exc.message), now)
        return False
    return True


def _bring_news(request: RemoteRequest, seen: dict, now: dt.datetime) -> None:
    """In one transaction: the report's action and what was seen, or neither (a crash between
    them would otherwise bring the same note twice)."""
    notes, status = seen["status_notes"], seen["status"]
    state = RemoteRequest.State.SENT
    with transaction.atomic():
        # Asked again under the report's lock, as the e-mail link's door does (`_relock`): while
        # the server was being asked, a dispatcher may have recalled the report or forwarded it
        # elsewhere, and this server's answer must not then become the report's.
        request.report = Report.objects.select_for_update().get(pk=request.report_id)
        if not _current(request):
            _detach(request)
            return
        if status == "closed":
            text = notes or _("%(server)s menyatakan laporan ini selesai.") % {
                "server": request.server.name
            }
            report_actions.do_outside_answer(request.report, outside=_party(request), text=text)
            state = RemoteRequest.State.CLOSED
        elif notes and notes != request.remote_notes:
            report_actions.do_outside_note(
                request.report, outside=_party(request), text=notes, remote_status=status
            )
        RemoteRequest.objects.filter(pk=request.pk).update(
            state=state,
            remote_status=status,
            remote_notes=notes,
            remote_updated=seen["updated_datetime"],
            last_fetched_at=now,
            attempts=0,
            last_error="",
            next_attempt_at=now if state == RemoteRequest.State.SENT else None,
        )


# --- the sweep --------------------------------------------------------------------------------


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Send what waits to be sent, then follow every open request. One request's failure is
    recorded on it and never stops the others."""
    now = now or timezone.now()
    done = {"sent": 0, "followed": 0, "errors": 0}
    due = (
        RemoteRequest.objects.filter(
            state__in=[RemoteRequest.State.PENDING, RemoteRequest.State.SENT]
        )
        .filter(Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True))
        .select_related("server", "report")
        .order_by("next_attempt_at", "id")
    )
    for request in due[:BATCH]:
        try:
            if request.state == RemoteRequest.State.PENDING:
                done["sent"] += send(request, now)
            else:
                done["followed"] += follow(request, now)
        except Exception as exc:  # recorded on the request; the sweep goes on
            log.exception("open311 outbound %s", request.pk)
            _failed(request, f"{type(exc).__name__}: {exc}", now)
            done["errors"] += 1
    return done


def requests_of(report: Report):
    """The report's requests to other servers, newest first: the workspace shows them."""
    return report.remote_requests.select_related("server")

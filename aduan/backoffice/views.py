"""The back office (DESIGN §5): the dispatcher's queue, the agency's inbox, the report workspace
with the actions of its status, staff intake and the staff report list with its exports."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.access import staff_only
from aduan.core import fragments
from aduan.core.paging import BoundedPaginator
from aduan.directory.models import Agency, Category, SubUnit
from aduan.federation import actions as federation
from aduan.ops.bodylimit import accepts_files
from aduan.reports import actions, errors, paper, proof, sla
from aduan.reports import case_file as case_files
from aduan.reports.attachments import open_stored
from aduan.reports.models import (
    Audience,
    Classification,
    Disposition,
    EventKind,
    Report,
    Status,
    TimelineEvent,
)
from aduan.reports.transitions import TRANSITIONS, Action, available_actions
from aduan.reports.visibility import (
    case_file_for,
    may_open_case_file,
    other_reports_of_reporter,
    report_parts,
    reporter_seen,
    visible_attachment,
    visible_attachments,
    visible_events,
    withheld_from_agency,
)
from aduan.stats.filters import by_deadline, by_priority
from aduan.triage.views_context import triage_context

from . import lists
from .access import get_workspace_report, workspace_reports
from .forms import FORMS as LIFE_CYCLE_FORMS
from .forms import Review
from .forwarding_forms import FORWARDING_FORMS
from .macros import macros_for
from .models import ResponseTemplate

User = get_user_model()
FORMS = {**LIFE_CYCLE_FORMS, **FORWARDING_FORMS}
PAGE_SIZE = 50
# `parent`: a part of a split report links to its main report (issue 16), in the same query.
LIST_RELATED = ("category", "agency", "district", "assigned_to", "parent")


def _page(request, qs):
    page = BoundedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("halaman"))
    for report in page.object_list:
        report.zone = sla.zone(report)
    return page


def _filter_choices():
    return {
        "agencies": list(Agency.objects.order_by("short_name").values_list("pk", "short_name")),
        "categories": list(
            Category.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        ),
        "statuses": Status.choices,
        "classifications": Classification.choices,
    }


def _listing(request, name: str, scope: tuple, params, qs, *, sub_units=None) -> str:
    """The filters and rows of a back-office list, kept rendered until a report changes
    (`aduan.core.fragments`): `scope` is what else than the query string selects the rows.
    `sub_units`: the agency's sub-units, for the inbox's column and filter (issue 16)."""

    def render_rows():
        choices = list(sub_units.values_list("pk", "name")) if sub_units is not None else []
        return render_to_string(
            "backoffice/_listing.html",
            {
                "page": _page(request, qs),
                "params": params,
                "show_agency": False,
                "show_sub_unit": bool(choices),
                "sub_units": choices,
                "selectable": True,  # a macro may be applied to the ticked rows (`_bulk.html`)
                **_filter_choices(),
            },
        )

    return mark_safe(
        fragments.cached(name, (*scope, request.GET.urlencode()), render_rows)
    )  # rendered (escaped) by our template


@staff_only(roles=("dispatcher",))
def queue(request):
    """New reports, reports an agency declined and completed returns: everything waiting for
    the dispatcher, the most urgent first, then the nearest deadline. One query for the page, one
    for its count."""
    declined = Disposition.objects.filter(
        report=OuterRef("pk"), declined_at__isnull=False, ended_at__isnull=False
    )
    resubmitted = TimelineEvent.objects.filter(report=OuterRef("pk"), kind=EventKind.RESUBMITTED)
    params = lists.queue_params(request.GET)
    qs = (
        lists.queue_reports(request.user, params)
        .select_related(*LIST_RELATED)
        .annotate(was_declined=Exists(declined), was_resubmitted=Exists(resubmitted))
    )
    return render(
        request,
        "backoffice/queue.html",
        {
            "listing": _listing(request, "queue", (), params, by_priority(qs)),
            "title": _("Antrean verifikasi"),
            "macros": macros_for(request.user),
        },
    )


@staff_only(roles=("officer",))
def inbox(request):
    """The reports the officer's agency holds now, the most urgent first, then the nearest
    deadline."""
    user = request.user
    params = request.GET.copy()
    qs = lists.inbox_reports(user, params).select_related(*LIST_RELATED, "sub_unit")
    scope = (user.agency_id, user.sub_unit_id, user.pk if params.get("mine") else None)
    # The agency sees which sub-unit handles what, and filters by it; a sub-unit sees its own.
    sub_units = (
        SubUnit.objects.filter(agency_id=user.agency_id).order_by("name")
        if user.sub_unit_id is None
        else None
    )
    holder = user.sub_unit.name if user.sub_unit_id else user.agency.short_name
    return render(
        request,
        "backoffice/inbox.html",
        {
            "listing": _listing(
                request, "inbox", scope, params, by_priority(qs), sub_units=sub_units
            ),
            "macros": macros_for(user),
            "title": _("Kotak masuk %(agency)s") % {"agency": holder},
        },
    )


@staff_only()
def report_list(request):
    """Any filtered list of the reports the user may open, and its CSV/XLSX export."""
    qs = lists.all_reports(request.user, request.GET).select_related(*LIST_RELATED)
    export = request.GET.get("format")
    if export in ("csv", "xlsx"):
        from aduan.stats import exports

        return exports.export_reports(request, by_deadline(qs.select_related("reporter")), export)
    user_macros = list(macros_for(request.user))
    return render(
        request,
        "backoffice/list.html",
        {
            "page": _page(request, by_deadline(qs)),
            "params": request.GET,
            **_filter_choices(),
            "title": _("Daftar laporan"),
            "query": request.GET.urlencode(),
            "saved_filters": request.user.saved_filters.all(),
            "macros": user_macros,
            "selectable": bool(user_macros),
        },
    )


# The list's own parameters: what a saved filter keeps (never a page number or an export format).
SAVED_FILTER_DROPS = ("halaman", "page", "format")


@require_POST
@staff_only()
def save_filter(request):
    """Keep the list's current filter under a name (the same name replaces it), or delete one."""
    from django.http import QueryDict

    from .models import SavedFilter

    if "delete" in request.POST:
        SavedFilter.objects.filter(user=request.user, pk=request.POST.get("delete")).delete()
        return redirect("backoffice:reports")
    name = " ".join((request.POST.get("name") or "").split())[:80]
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    for key in SAVED_FILTER_DROPS:
        query.pop(key, None)
    encoded = query.urlencode()
    if not name or not encoded or len(encoded) > 1000:
        messages.error(
            request, _("Beri nama, dan pilih saringan dulu (paling banyak 1000 karakter).")
        )
    elif (
        request.user.saved_filters.count() >= 50
        and not request.user.saved_filters.filter(name=name).exists()
    ):
        messages.error(request, _("Paling banyak 50 saringan tersimpan; hapus yang tidak dipakai."))
    else:
        SavedFilter.objects.update_or_create(
            user=request.user, name=name, defaults={"query": encoded}
        )
        messages.success(request, _("Saringan disimpan."))
    return redirect(f"{reverse('backoffice:reports')}?{encoded}")


@staff_only()
def home(request):
    user = request.user
    if user.is_dispatcher:
        return redirect("backoffice:queue")
    if user.is_officer:
        return redirect("backoffice:inbox")
    return redirect("stats:dashboard")


# --- the workspace ----------------------------------------------------------------------------


def _workspace(request, report, *, status=200, shown=None, error=None):
    """The report with the forms of the actions the user may take now; `shown` is a form to show
    open as it was posted (refused, or waiting to be looked at again)."""
    user = request.user
    reporter = reporter_seen(report, user, seen_on="workspace")
    events = visible_events(report, user)
    attachments = visible_attachments(report, user)
    for item in attachments:
        item.proof_labels = proof.labels(item.proof_flags)
    templates = {}
    for t in ResponseTemplate.objects.filter(is_active=True).order_by("order", "title"):
        if t.agency_id is None or t.agency_id == user.agency_id:
            templates.setdefault(t.kind, []).append(t)
    allowed = [a for a in available_actions(report, user) if a in FORMS]
    action_forms = []
    for action in allowed:
        form = shown if shown is not None and shown.action == action else None
        form = form or FORMS[action](report=report, user=user)
        form.label, form.open = TRANSITIONS[action].label, form is shown
        action_forms.append(form)
    triage = None
    if user.is_dispatcher and report.status == Status.SUBMITTED:
        # Routing suggestions and likely duplicates, each a form of the real action.
        triage = triage_context(
            report,
            user,
            disposition_action=reverse(
                "backoffice:act", args=[report.code, Action.DISPOSITION.value]
            ),
            merge_action=reverse("backoffice:act", args=[report.code, Action.MERGE.value]),
        )
    return render(
        request,
        "backoffice/workspace.html",
        {
            "report": report,
            "reporter": reporter,
            "events": events,
            "attachments": attachments,
            # Need-to-know (issue 15): what the officer of an anonymous report is told.
            "anonymous_warning": withheld_from_agency(report, user),
            "withheld_files": (
                report.attachments.filter(from_reporter=True, agency_may_open=False).count()
                if withheld_from_agency(report, user)
                else 0
            ),
            "other_reports": other_reports_of_reporter(report, user),
            # Handed over to the Ombudsman by its reporter (issue 16): said, with its case file.
            "case_file": may_open_case_file(report, user),
            # Requests to other Open311 servers, with their last error (no query for a report
            # never forwarded).
            "remote_requests": (
                list(federation.requests_of(report))
                if any(e.kind == EventKind.FORWARDED for e in events)
                else []
            ),
            "fix_checks": (
                actions.fix_check_counts(report)
                if report.status == Status.RESPONDED and report.answer_outcome == "done"
                else None
            ),
            # A split report (issue 16): its parts, or the main report of a part.
            "parts": report_parts(report, user),
            "main_report": _main_report(report, user),
            "dispositions": report.dispositions.select_related(
                "agency", "created_by", "accepted_by"
            ),
            "actions": [(a.value, TRANSITIONS[a].label) for a in allowed],
            "action_forms": action_forms,
            "zone": sla.zone(report),
            "templates": templates,
            "error": error,
            "internal": Audience.INTERNAL,
            "triage": triage,
            "macros": macros_for(user) if allowed else (),
        },
        status=status,
    )


def _main_report(report, user) -> dict | None:
    """The main report of a part: its code, and whether `user` may open it here (an agency's
    officer holds only its own part)."""
    if not report.is_part:
        return None
    code = Report.objects.filter(pk=report.parent_id).values_list("code", flat=True).get()
    return {"code": code, "opened": workspace_reports(user).filter(pk=report.parent_id).exists()}


@staff_only()
def workspace(request, code):
    return _workspace(request, get_workspace_report(request.user, code))


@staff_only()
def report_pdf(request, code):
    """The report with its timeline as a PDF, for a paper file: what the workspace shows this
    viewer, no more (`paper.render`); printing an identity is audited like seeing it."""
    report = get_workspace_report(request.user, code)
    return _pdf(paper.render(report, request.user), f"laporan-{report.code}.pdf")


@staff_only()
def case_file(request, code):
    """The Ombudsman's case file of a report its reporter handed over (issue 16), for the staff
    who may open the report's workspace and its case file (`visibility.case_file_for`); 404 to
    others and before a hand-over."""
    report = case_file_for(get_workspace_report(request.user, code), request.user)
    return _pdf(case_files.render(report, request.user), f"berkas-ombudsman-{report.code}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@accepts_files
@require_POST
@staff_only(roles=("dispatcher", "officer", "supervisor"))
def act(request, code, action):
    report = get_workspace_report(request.user, code)
    try:
        action = Action(action)
    except ValueError:
        raise Http404 from None
    if action not in FORMS:
        raise Http404
    form = FORMS[action](request.POST, request.FILES, report=report, user=request.user)
    try:
        form.act()
    except Review as review:
        return _workspace(request, report, shown=review.form)
    except errors.ActionError as exc:
        # Show the state as it is now (someone else may have changed it) and keep what was typed.
        fresh = (
            get_workspace_report(request.user, code) if _still_visible(request.user, code) else None
        )
        if fresh is None:
            messages.error(request, exc.message)
            return redirect("backoffice:home")
        return _workspace(
            request, fresh, status=exc.http_status, shown=form.shown_again(fresh), error=exc
        )
    messages.success(request, _("Berhasil: %(label)s.") % {"label": TRANSITIONS[action].label})
    if not workspace_reports(request.user).filter(code=code).exists():
        return redirect("backoffice:home")  # e.g. declined: the report left the agency
    return redirect("backoffice:workspace", code=code)


def _still_visible(user, code) -> bool:
    return workspace_reports(user).filter(code=code).exists()


@staff_only()
def attachment(request, code, pk):
    report = get_workspace_report(request.user, code)
    item = visible_attachment(report, request.user, pk, request.GET.get("ukuran", ""))
    response = FileResponse(
        open_stored(item.served_file),
        as_attachment=True,
        filename=item.shown_name,
        content_type=item.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response

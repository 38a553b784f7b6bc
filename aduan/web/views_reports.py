"""One report's page (own or public), the reporter's actions on it, "Laporan Saya", "Dukung",
attachments behind the permission check, and tracking by code and secret."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from aduan.core import fragments
from aduan.ops import ratelimit
from aduan.ops.bodylimit import accepts_files
from aduan.ops.replica import replica_reads
from aduan.reports import actions, attachments, case_file, errors, proof, receipts, tracking
from aduan.reports.models import Report, Support
from aduan.reports.transitions import Action, available_actions
from aduan.reports.visibility import (
    case_file_for,
    get_report_for,
    is_own,
    main_report_code,
    own_reports,
    present_reporter,
    report_parts,
    shown_text,
    surviving_report,
    visible_attachment,
    visible_attachments,
    visible_events,
)

from . import throttle
from .forms import (
    AcceptAnswerForm,
    OmbudsmanForm,
    ProvideInfoForm,
    RejectAnswerForm,
    ResubmitForm,
    TrackForm,
)

REPORTER_ACTIONS = (
    Action.RESUBMIT,
    Action.PROVIDE_INFO,
    Action.ACCEPT_ANSWER,
    Action.REJECT_ANSWER,
    Action.HAND_OVER_OMBUDSMAN,
)


@login_required
def my_reports(request):
    """Reports the user filed or that were filed for them, newest first, with status and
    deadline."""
    reports = (
        own_reports(request.user)
        .select_related("category", "agency")
        .order_by("-submitted_at", "-id")
    )
    page = Paginator(reports, 20).get_page(request.GET.get("halaman"))
    return render(request, "web/my_reports.html", {"page": page})


def _last(events, kind):
    return next((e for e in reversed(events) if e.kind == kind), None)


def _page_context(request, report, forms=None):
    user = request.user
    own = is_own(report, user)
    events = visible_events(report, user)
    allowed = [a for a in available_actions(report, user) if a in REPORTER_ACTIONS] if own else []
    forms = forms or {}
    visible = visible_attachments(report, user)
    before, after = proof.before_and_after(report, visible)
    context = {
        "report": report,
        "own": own,
        "events": events,
        "shown": shown_text(report, user),
        "before_photos": before,
        "after_photos": after,
        "reporter": present_reporter(report, user),
        "attachments": visible,
        "actions": allowed,
        "support_count": report.supports.count(),
        "parts": report_parts(report, user),
        **_support_state(report, user),
        "fix_check_asked": actions.may_check_fix(report, user),
        "my_fix_check": (
            report.fix_checks.filter(user=user, answered_at__gte=report.responded_at).first()
            if user.is_authenticated and report.responded_at
            else None
        ),
    }
    if own:  # the reporter's signed receipt, as on the confirmation page (issue 17)
        receipt = receipts.latest(report)
        context["receipt"] = receipt
        context["receipt_url"] = receipts.verify_url(receipt.text) if receipt else ""
    if Action.HAND_OVER_OMBUDSMAN in allowed:
        context["ombudsman_form"] = forms.get("ombudsman") or OmbudsmanForm()
    if Action.RESUBMIT in allowed:
        context["resubmit_form"] = forms.get("resubmit") or ResubmitForm(
            initial={
                "title": report.title,
                "description": report.description,
                "incident_date": report.incident_date,
                "district": report.district_id,
                "village": report.village_id,
                "address": report.address,
                "latitude": report.latitude,
                "longitude": report.longitude,
                "parties_involved": report.parties_involved,
            }
        )
        context["returned_because"] = _last(events, "returned")
    if Action.PROVIDE_INFO in allowed:
        context["provide_form"] = forms.get("provide") or ProvideInfoForm()
        context["asked"] = _last(events, "info_requested")
    if Action.ACCEPT_ANSWER in allowed:
        # The answer first, then the verdict: the agency's text and its own files, apart from the
        # reporter's, so that nobody rates what they have not seen.
        answer = _last(events, "answered")
        context["answer"] = answer
        context["answer_files"] = (
            [a for a in context["attachments"] if a.event_id == answer.pk] if answer else []
        )
        context["accept_form"] = forms.get("accept") or AcceptAnswerForm()
        context["reject_form"] = forms.get("reject") or RejectAnswerForm()
    return context


@replica_reads
def report_detail(request, code):
    try:
        report = get_report_for(request.user, code)
    except Http404:
        # A part of a split report is read on its main report's page (issue 16).
        main = main_report_code(request.user, code)
        if main is None:
            raise
        return redirect("web:report", code=main)
    merged_into = surviving_report(report, request.user)
    if request.user.is_authenticated:
        context = {**_page_context(request, report), "merged_into": merged_into}
        return render(request, "web/report_detail.html", context)

    # What the public sees of a report is the same for everyone: its facts and timeline are kept
    # rendered until it changes (`fragments`); the support form, with its CSRF token, is drawn
    # for each visitor.
    def draw():
        context = _page_context(request, report)
        return {
            "article": render_to_string("web/_report_article.html", context),
            "timeline": render_to_string("web/_timeline.html", context),
        }

    parts = fragments.cached("report-page", (report.pk,), draw)
    return render(
        request,
        "web/report_detail.html",
        {
            "report": report,
            "own": False,
            "actions": [],
            "supported": False,
            "support_count": report.supports.count(),
            "merged_into": merged_into,
            "shown": shown_text(report, None),
            "cached_article": mark_safe(parts["article"]),
            "cached_timeline": mark_safe(parts["timeline"]),  # our templates
        },
    )


def _act(request, report, name, form, call, *, limited=False):
    """Run one reporter action; on bad input show the page again with everything typed kept.
    `limited`: a text the reporter writes (with files), counted by the follow-up rate limit."""
    if form.is_valid():
        throttled = throttle.check(request, scope="followup") if limited else None
        if throttled is not None:
            form.add_error(None, throttled[1])
            return throttle.too_many(
                request,
                *throttled,
                page=lambda: render(
                    request,
                    "web/report_detail.html",
                    _page_context(request, report, forms={name: form}),
                ),
            )
        try:
            call(form.cleaned_data)
        except attachments.AttachmentRefused as refused:
            form.add_error("attachments", refused.message)
        except errors.InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except (errors.Conflict, errors.InvalidState, errors.NotPermitted) as error:
            messages.error(request, error.message)
            return redirect("web:report", code=report.code)
        else:
            return redirect("web:report", code=report.code)
    context = _page_context(request, report, forms={name: form})
    return render(request, "web/report_detail.html", context, status=422)


def _own_report(request, code) -> Report:
    report = get_report_for(request.user, code)
    if not is_own(report, request.user):
        raise Http404
    return report


@accepts_files
@login_required
@require_POST
def resubmit(request, code):
    report = _own_report(request, code)
    form = ResubmitForm(request.POST, request.FILES)

    def call(data):
        files = [c.as_file() for c in attachments.clean_uploads(data["attachments"])]
        changes = {
            k: data[k]
            for k in (
                "title",
                "description",
                "incident_date",
                "district",
                "village",
                "address",
                "latitude",
                "longitude",
                "parties_involved",
            )
        }
        actions.do_resubmit(
            report,
            actor=request.user,
            changes=changes,
            text=data["text"],
            attachments=files,
            expected_version=request.POST.get("version"),
        )
        messages.success(
            request, _("Laporan telah dilengkapi dan dikirim ulang untuk diverifikasi.")
        )

    return _act(request, report, "resubmit", form, call, limited=True)


@accepts_files
@login_required
@require_POST
def provide_info(request, code):
    report = _own_report(request, code)
    form = ProvideInfoForm(request.POST, request.FILES)

    def call(data):
        files = [c.as_file() for c in attachments.clean_uploads(data["attachments"])]
        actions.do_provide_info(
            report,
            actor=request.user,
            text=data["text"],
            attachments=files,
            expected_version=request.POST.get("version"),
        )
        messages.success(request, _("Informasi tambahan terkirim."))

    return _act(request, report, "provide", form, call, limited=True)


@login_required
@require_POST
def accept_answer(request, code):
    report = _own_report(request, code)
    form = AcceptAnswerForm(request.POST)

    def call(data):
        actions.do_accept_answer(
            report,
            actor=request.user,
            rating=data["rating"],
            comment=data["comment"],
            expected_version=request.POST.get("version"),
        )
        messages.success(request, _("Terima kasih atas penilaian Anda. Laporan selesai."))

    return _act(request, report, "accept", form, call)


@login_required
@require_POST
def reject_answer(request, code):
    report = _own_report(request, code)
    form = RejectAnswerForm(request.POST)

    def call(data):
        reason = data["reason"]
        actions.do_reject_answer(
            report,
            actor=request.user,
            reason=actions.not_fixed_reason(reason) if data["not_fixed"] else reason,
            expected_version=request.POST.get("version"),
        )
        messages.success(
            request, _("Laporan dikembalikan kepada perangkat daerah untuk ditindaklanjuti lagi.")
        )

    return _act(request, report, "reject", form, call)


@login_required
@require_POST
def hand_over_to_ombudsman(request, code):
    """ "Serahkan ke Ombudsman" (issue 16): the reporter, past the legal limit, with consent."""
    report = _own_report(request, code)
    form = OmbudsmanForm(request.POST)

    def call(data):
        actions.do_hand_over_to_ombudsman(
            report,
            actor=request.user,
            consent=data["consent"],
            expected_version=request.POST.get("version"),
        )
        messages.success(
            request,
            _(
                "Laporan telah diserahkan ke Ombudsman. Unduh berkas perkaranya dan sampaikan "
                "kepada Ombudsman RI."
            ),
        )

    return _act(request, report, "ombudsman", form, call)


@login_required
def ombudsman_case_file(request, code):
    """The case file of a report its reporter handed over, for the reporter (404 to everyone
    else here; staff download it from the back office)."""
    report = case_file_for(_own_report(request, code), request.user)
    response = HttpResponse(case_file.render(report, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="berkas-ombudsman-{report.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def support(request, code):
    """ "Dukung": one per account; the count is shown. htmx swaps the button, a plain form
    redirects."""
    report = get_report_for(request.user, code)
    if not request.user.is_authenticated:
        messages.info(request, _("Masuk terlebih dahulu untuk mendukung laporan."))
        to_login = redirect_to_login(reverse("web:report", args=[report.code]))
        # htmx would follow a redirect and swap the whole log-in page into the button's place:
        # it is told to go to the log-in page instead, which brings the visitor back afterwards.
        if request.htmx:
            return HttpResponseClientRedirect(to_login.url)
        return to_login
    try:
        actions.do_support(report, actor=request.user)
    except errors.ActionError as error:
        messages.error(request, error.message)
    if request.htmx:
        return render(
            request,
            "web/_support.html",
            {"report": report, **_support_state(report, request.user)},
        )
    return redirect("web:report", code=report.code)


def _support_state(report, user) -> dict:
    support = (
        report.supports.filter(user=user).only("following").first()
        if user.is_authenticated
        else None
    )
    return {
        "support_count": report.supports.count(),
        "supported": support is not None,
        "following": support is not None and support.following,
    }


@require_POST
@login_required
def follow(request, code):
    """A supporter starts or stops hearing of the report's status changes (htmx swaps the box)."""
    report = get_report_for(request.user, code)
    actions.do_follow(report, user=request.user, following=request.POST.get("following") == "1")
    if request.htmx:
        return render(
            request, "web/_support.html", {"report": report, **_support_state(report, request.user)}
        )
    return redirect("web:report", code=report.code)


@require_POST
@login_required
def fix_check(request, code):
    """ "Sudah diperbaiki?": a supporter or the desa's RT/RW answers after a "done" answer."""
    report = get_report_for(request.user, code)
    try:
        actions.do_fix_check(report, user=request.user, fixed=request.POST.get("fixed") == "1")
    except errors.ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Terima kasih, jawaban Anda kami teruskan kepada admin."))
    return redirect("web:report", code=report.code)


def stop_following(request, token):
    """The link at the end of each follower's message: no log-in needed (the link is signed for
    one account and one report). GET only asks; the POST stops, so that a mail scanner opening
    the link changes nothing."""
    from aduan.accounts.models import User
    from aduan.notifications.outbox import read_stop_following

    pair = read_stop_following(token)
    support = None
    if pair is not None:
        report_pk, user_pk = pair
        support = (
            Support.objects.filter(report_id=report_pk, user_id=user_pk)
            .select_related("report")
            .first()
        )
    if support is None or not User.objects.filter(pk=support.user_id, is_active=True).exists():
        return render(request, "web/stop_following.html", {"invalid": True}, status=404)
    stopped = False
    if request.method == "POST":
        actions.do_follow(support.report, user=support.user, following=False)
        stopped = True
    return render(
        request,
        "web/stop_following.html",
        {"code": support.report.code, "stopped": stopped or not support.following},
    )


def attachment(request, code, pk):
    """Files are never served from a public path: each one goes through the report's visibility,
    a thumbnail or screen size too (`?ukuran=kecil|layar`, decided by the same function)."""
    report = get_report_for(request.user, code)
    item = visible_attachment(report, request.user, pk, request.GET.get("ukuran", ""))
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    response = FileResponse(
        attachments.open_stored(item.served_file),
        content_type=item.content_type,
        as_attachment=not inline,
        filename=item.shown_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def track(request):
    """Without an account: code + secret show the report's status and its timeline for the reporter.
    An unknown code and a wrong secret get the same answer, so codes cannot be probed."""
    form = TrackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.track(request, form.cleaned_data["code"])
        if (
            refusal is not None
        ):  # secrets are not guessed by trying: every try counts, right or wrong
            form.add_error(
                None,
                _("Terlalu banyak percobaan melacak laporan. Coba lagi dalam %(wait)s.")
                % {"wait": refusal.wait_text()},
            )
            response = render(request, "web/track.html", {"form": form}, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        report = (
            Report.objects.select_related("agency", "category")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
        if report is not None and tracking.check_secret(report, form.cleaned_data["secret"]):
            # Whoever holds the secret reads what the reporter reads.
            events = visible_events(report, None, reporter=True)
            return render(
                request, "web/track.html", {"form": form, "report": report, "events": events}
            )
        form.add_error(None, _("Kode pelacakan atau kode rahasia tidak cocok."))
    return render(request, "web/track.html", {"form": form}, status=200 if not form.errors else 404)

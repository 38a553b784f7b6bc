"""Filing a report (DESIGN §2): the form, its live completeness checklist, the dependent
kecamatan → desa choice, and the page that shows the tracking code and secret once."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts import actions as account_actions
from aduan.accounts.forms import ProfileForm
from aduan.core import qr
from aduan.directory import question_fields as extra_questions
from aduan.directory.models import Category, Region
from aduan.ops import sealing
from aduan.ops.bodylimit import accepts_files
from aduan.reports import actions, attachments, errors, receipts, rules
from aduan.reports.models import Channel
from aduan.reports.visibility import own_reports
from aduan.triage.completeness import assess

from . import pending, summary, throttle
from .forms import OnBehalfForm, ReportForm
from .models import FilingToken

SESSION_SECRETS = "filed_secrets"
IDEMPOTENCY_HEADER = "Idempotency-Key"


@login_required
def profile(request):
    """Complete or correct the profile; social log-in accounts land here before their first
    report."""
    user = request.user
    initial = {
        "full_name": user.full_name,
        "nik": user.nik,
        "sex": user.sex,
        "birth_date": user.birth_date,
        "occupation": user.occupation,
        "phone": user.phone,
        "district": user.district_id,
        "village": user.village_id,
        "address": user.address,
    }
    form = ProfileForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        account_actions.do_change_profile(
            user,
            actor=user,
            full_name=form.cleaned_data["full_name"],
            phone=form.cleaned_data["phone"],
            profile=form.profile(),
        )
        messages.success(request, _("Profil tersimpan."))
        target = request.GET.get("next", "")
        return redirect(
            target
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
            and target
            else "web:file_report"
        )
    return render(request, "web/profile.html", {"form": form})


def _issue_token(user) -> str:
    return FilingToken.objects.create(user=user).token


@accepts_files
@login_required
def file_report(request):
    user = request.user
    # An incomplete KTP profile no longer stops a citizen (issue 13): the report is stored and
    # waits for it (`rules.awaits_profile`); the form says so beforehand.
    if request.method != "POST":
        return _form_page(request, ReportForm(), _behalf_form(user), "", [])
    token = request.POST.get("form_token", "")
    device = IDEMPOTENCY_HEADER in request.headers
    if device:
        # The phone's outbox (outbox-core.js): its key is the form's token, created on the device,
        # so that a report written offline is filed once however often it is sent.
        token = request.headers[IDEMPOTENCY_HEADER]
        if not pending.valid_key(token):
            return JsonResponse({"error": _("Idempotency-Key tidak valid.")}, status=400)
        claim, _created = FilingToken.objects.get_or_create(token=token, defaults={"user": user})
        if claim.user_id != user.pk:
            return JsonResponse({"error": _("Idempotency-Key sudah dipakai.")}, status=409)
    done = (
        FilingToken.objects.filter(token=token, user=user, report__isnull=False)
        .select_related("report")
        .first()
    )
    if done:  # the same form again (double click, reload): show what the first one filed
        if device:
            return _filed_json(done.report, status=200)
        return redirect("web:filed", code=done.report.code)
    # The files come first: each accepted one is kept on the server at once, so that whatever
    # else goes wrong with this submit, nobody chooses the same photo again.
    kept, refusals = _keep_uploads(request)
    if "refresh" in request.POST:
        # Without JavaScript: show the chosen category's questions or the kecamatan's desa list,
        # with everything filled in so far and no error yet (nothing was sent).
        form = ReportForm(initial=_initial(request.POST), category=_chosen_category(request.POST))
        behalf = _behalf_form(user, initial=True, data=request.POST)
        return _form_page(request, form, behalf, token, kept)
    form = ReportForm(request.POST)
    behalf = _behalf_form(user, data=request.POST)
    valid = form.is_valid() & (behalf is None or behalf.is_valid())
    for message in refusals:
        form.add_error("attachments", message)
    if len(kept) > settings.ATTACHMENT_MAX_FILES:
        form.add_error(
            "attachments",
            _("Paling banyak %(n)s lampiran per laporan; hapus centang yang tidak perlu.")
            % {"n": settings.ATTACHMENT_MAX_FILES},
        )
    if valid and not form.errors:
        throttled = throttle.check(request, files_kept=True)
        if throttled is not None:
            form.add_error(None, throttled[1])
            if device:
                response = JsonResponse({"error": throttled[1]}, status=429)
                response["Retry-After"] = str(throttled[0].retry_after)
                return response
            return throttle.too_many(
                request,
                *throttled,
                page=lambda: _form_page(request, form, behalf, token, kept),
            )
        report = _file(request, form, behalf, kept, token)
        if report is not None:
            return (
                _filed_json(report, status=201)
                if device
                else redirect("web:filed", code=report.code)
            )
    if device:
        errors = [vars(e) for e in summary.errors(form, behalf)]
        return JsonResponse({"errors": errors}, status=422)
    return _form_page(request, form, behalf, token, kept)


def _filed_json(report, *, status):
    return JsonResponse(
        {"code": report.code, "url": reverse("web:filed", kwargs={"code": report.code})},
        status=status,
    )


def _behalf_form(user, *, initial=False, data=None):
    if not user.is_representative:
        return None
    if initial:
        prefix = "wakil-"
        return OnBehalfForm(
            prefix="wakil",
            initial={n: data.get(prefix + n) for n in OnBehalfForm.base_fields},
        )
    return OnBehalfForm(data, prefix="wakil")


def _chosen_category(data):
    chosen = data.get("category", "")
    return Category.objects.filter(pk=chosen, is_active=True).first() if chosen.isdigit() else None


def _initial(data) -> dict:
    """What was typed, as the initial values of an unbound form (lists for multiple choices)."""
    return {name: values if len(values) > 1 else values[0] for name, values in data.lists()}


def _keep_uploads(request):
    """The files kept by an earlier submit that are still ticked, plus this submit's files, each
    checked and cleaned; refused ones give a message each (the others are kept)."""
    kept = pending.of_user(request.user, request.POST.getlist("pending_uploads"))
    refusals = []
    for upload in request.FILES.getlist("attachments"):
        try:
            kept.append(pending.keep(request.user, attachments.clean_upload(upload)))
        except attachments.AttachmentRefused as refused:
            refusals.append(refused.message)
    return kept, refusals


def _form_page(request, form, behalf, token, kept):
    """The form, bound to what was typed when it comes back; the same token while it is unused."""
    user = request.user
    token = (
        token
        if token
        and FilingToken.objects.filter(token=token, user=user, report__isnull=True).exists()
        else _issue_token(user)
    )
    checklist = assess(**_assess_fields(form)) if form.is_bound else None
    return render(
        request,
        "web/file_report.html",
        {
            "form": form,
            "behalf": behalf,
            "form_token": token,
            "checklist": checklist,
            "kept_uploads": kept,
            "errors": summary.errors(form, behalf),
            "limits": attachments.limits_text(),
            "accept": attachments.ACCEPT,
            "max_files": settings.ATTACHMENT_MAX_FILES,
            # The report will wait for the KTP profile (issue 13): said before it is sent.
            "profile_refusal": rules.profile_refusal(user),
        },
    )


def _file(request, form, behalf, kept, token):
    """File under the token's lock: of two POSTs with one token, the second waits, then finds the
    report of the first (PostgreSQL row lock; SQLite's IMMEDIATE transactions serialise them)."""
    data, user = form.cleaned_data, request.user
    on_behalf = behalf is not None and behalf.cleaned_data.get("on_behalf")
    kwargs = {
        "title": data["title"],
        "description": data["description"],
        "classification": data["classification"],
        "category": data["category"],
        "incident_date": data["incident_date"],
        "district": data["district"],
        "village": data["village"],
        "address": data["address"],
        "latitude": data["latitude"],
        "longitude": data["longitude"],
        "parties_involved": data["parties_involved"],
        "anonymous": data["anonymous"],
        "confidential": data["confidential"],
        "attachments": pending.as_files(kept),
        "extra_answers": form.extra_answers(),
    }
    if on_behalf:
        kwargs.update(
            reporter=None,
            filed_by=user,
            channel=Channel.REPRESENTATIVE,
            reporter_name=behalf.cleaned_data["resident_name"].strip(),
            reporter_phone=behalf.cleaned_data["resident_phone"],
            reporter_nik=behalf.cleaned_data.get("resident_nik") or "",
            representative_relationship=behalf.cleaned_data["relationship"].strip(),
            consent=behalf.cleaned_data["consent"],
        )
    else:
        kwargs.update(reporter=user, channel=Channel.WEB)
    with transaction.atomic():
        claim = FilingToken.claim(token, user)
        if claim is None:
            form.add_error(None, FilingToken.EXPIRED)
            return None
        if claim.report_id:
            return claim.report
        try:
            report, secret = actions.do_file_report(**kwargs)
        except errors.InvalidInput as error:
            show_refusal(error, form, behalf)
            return None
        claim.report = report
        claim.save(update_fields=["report"])
        pending.discard(kept)
        # Saved in the filing's own transaction: a second request with the same key (the
        # page's and the service worker's outbox both sending) is answered "already filed" the
        # moment this commits, and its confirmation page must already find the secret, not
        # wait for this request's middleware to save the session afterwards.
        _keep_secret(request, report.code, secret)
        request.session.save()
    return report


# The confirmation page shows the tracking secret for a few minutes after filing: a page opened
# twice in that time (a reload, a service worker and the browser both asking, a slow phone that
# retries) shows it each time; then it is gone (the e-mail has it too). Kept sealed in the session
# (`aduan.ops.sealing`), so that the session store never holds it in clear.
SECRET_SHOWN_SECONDS = 600
SECRET_PURPOSE = "aduan.web.filed-secret"


def _keep_secret(request, code: str, secret: str) -> None:
    kept = _live_secrets(request)
    kept[code] = [
        sealing.seal_text(secret, SECRET_PURPOSE),
        int(time.time()) + SECRET_SHOWN_SECONDS,
    ]
    request.session[SESSION_SECRETS] = kept


def _live_secrets(request) -> dict:
    now = int(time.time())
    kept = request.session.get(SESSION_SECRETS, {})
    live = {c: v for c, v in kept.items() if isinstance(v, list) and len(v) == 2 and v[1] > now}
    if live != kept:
        request.session[SESSION_SECRETS] = live
    return dict(live)


def _shown_secret(request, code: str) -> str | None:
    entry = _live_secrets(request).get(code)
    return sealing.unseal_text(entry[0], SECRET_PURPOSE) if entry else None


def show_refusal(error: errors.InvalidInput, form, behalf=None) -> None:
    """Each problem the action found beside its field: a category's question (`q_<code>`), the
    resident's details on the form on behalf, else the report's field or the top of the form."""
    for field, message in (error.problems or {None: error.message}).items():
        name = field or ""
        if name.startswith(rules.ANSWER_FIELD):
            name = extra_questions.PREFIX + name[len(rules.ANSWER_FIELD) :]
        if behalf is not None and name in rules.ON_BEHALF_FIELDS:
            behalf.add_error(rules.ON_BEHALF_FIELDS[name], message)
        else:
            form.add_error(name if name in form.fields else None, message)


@login_required
def filed(request, code):
    report = get_object_or_404(own_reports(request.user), code=code)
    secret = _shown_secret(request, code)  # for SECRET_SHOWN_SECONDS after filing
    receipt = receipts.latest(report)
    receipt_url = receipts.verify_url(receipt.text) if receipt else ""
    return render(
        request,
        "web/filed.html",
        {
            "report": report,
            "secret": secret,
            "receipt": receipt,
            "receipt_url": receipt_url,
            "receipt_qr": qr.png_data_uri(receipt_url) if receipt else "",
        },
    )


def _assess_fields(form) -> dict:
    data = form.data

    def region(code):
        return Region.objects.filter(pk=code).first() if code else None

    from django.utils.dateparse import parse_date

    try:
        incident_date = parse_date(data.get("incident_date") or "")
    except ValueError:
        incident_date = None

    def text(name: str) -> str:
        # No longer than the form accepts: the assessment's cost grows with the text.
        return str(data.get(name, ""))[: form.fields[name].max_length]

    return {
        "title": text("title"),
        "description": text("description"),
        "parties_involved": text("parties_involved"),
        "address": text("address"),
        "incident_date": incident_date,
        "district": region(data.get("district")),
        "village": region(data.get("village")),
    }


@require_POST
def checklist(request):
    """The live checklist (htmx): which of what/where/when/who the text answers so far."""
    form = ReportForm(request.POST)
    fields = _assess_fields(form)
    return render(
        request,
        "web/_checklist.html",
        {
            "checklist": assess(**fields),
            "incident_date_given": fields["incident_date"] is not None,
            "similar": _similar(request, fields, form.data.get("category")),
        },
    )


SIMILAR_CANDIDATES = 300  # of the chosen category and place: the form asks at every change


def _similar(request, fields, category) -> list:
    """Similar reports while the citizen types (issue 15): among what this visitor may see
    (`visible_reports`: the public ones, and their own), of the same category and desa (else
    kecamatan), so that "Dukung & ikuti" can replace a second report. Shown in the public
    version of their text."""
    from aduan.reports.models import Report
    from aduan.reports.visibility import shown_text, visible_reports
    from aduan.triage.duplicates import find_duplicates

    text = f"{fields['title']} {fields['description']}".strip()
    place = fields["village"] or fields["district"]
    if len(text) < 20 or not str(category or "").isdigit() or place is None:
        return []
    within = visible_reports(request.user).filter(category_id=int(category))
    within = within.filter(village=place) if fields["village"] else within.filter(district=place)
    draft = Report(
        title=fields["title"],
        description=fields["description"],
        district=fields["district"],
        village=fields["village"],
        submitted_at=timezone.now(),
    )
    ids = within.order_by("-submitted_at").values_list("pk", flat=True)[:SIMILAR_CANDIDATES]
    found = find_duplicates(draft, within=Report.objects.filter(pk__in=list(ids)), limit=3)
    return [(r, shown_text(r, request.user)) for r, _score in found]


@require_GET
def villages(request):
    """`<option>`s of the desa/kelurahan of one kecamatan (htmx, the dependent choice)."""
    district = request.GET.get("district", "")
    if district and not Region.objects.filter(pk=district, level=Region.Level.DISTRICT).exists():
        raise Http404
    items = (
        Region.objects.filter(parent_id=district, level=Region.Level.VILLAGE).order_by("name")
        if district
        else []
    )
    return render(request, "web/_village_options.html", {"villages": items})


@require_GET
def questions(request):
    """The extra questions of the chosen category (htmx, when the category changes)."""
    chosen = request.GET.get("category", "")
    category = (
        Category.objects.filter(pk=chosen, is_active=True).first() if chosen.isdigit() else None
    )
    form = ReportForm(category=category)
    return render(request, "web/_questions.html", {"form": form})

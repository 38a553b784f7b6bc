"""Filing a report (DESIGN §2): the form, its live completeness checklist, the dependent
kecamatan → desa choice, and the page that shows the tracking code and secret once."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aduan.accounts.forms import ProfileForm
from aduan.accounts.models import Role
from aduan.directory.models import Category, Region
from aduan.reports import actions, attachments, errors
from aduan.reports.models import Channel
from aduan.reports.visibility import own_reports
from aduan.triage.completeness import assess

from . import throttle
from .forms import OnBehalfForm, ReportForm
from .models import FilingToken

SESSION_SECRETS = "filed_secrets"


@login_required
def profile(request):
    """Complete or correct the profile; social log-in accounts land here before their first report."""
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
        form.apply(user)
        user.save()
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


@login_required
def file_report(request):
    user = request.user
    if user.role == Role.CITIZEN and not user.profile_complete:
        messages.info(
            request, _("Lengkapi profil Anda (sesuai KTP) sebelum mengirim laporan pertama.")
        )
        return redirect(f"{reverse('web:profile')}?next={reverse('web:file_report')}")
    form = ReportForm(request.POST or None, request.FILES or None)
    behalf = OnBehalfForm(request.POST or None, prefix="wakil") if user.is_representative else None
    token = request.POST.get("form_token", "")
    if request.method == "POST":
        done = (
            FilingToken.objects.filter(token=token, user=user, report__isnull=False)
            .select_related("report")
            .first()
        )
        if done:  # the same form again (double click, reload): show what the first one filed
            return redirect("web:filed", code=done.report.code)
        valid = form.is_valid() & (behalf is None or behalf.is_valid())
        if valid:
            try:
                cleaned = attachments.clean_uploads(form.cleaned_data["attachments"])
            except attachments.AttachmentRefused as refused:
                form.add_error(
                    "attachments",
                    refused.message + " " + _("Isian lain tetap tersimpan; pilih ulang lampiran."),
                )
            else:
                throttled = throttle.check(request)
                if throttled is not None:
                    form.add_error(None, throttled[1])
                    return throttle.too_many(
                        request, *throttled, page=lambda: _form_page(request, form, behalf, token)
                    )
                report = _file(request, form, behalf, cleaned, token)
                if report is not None:
                    return redirect("web:filed", code=report.code)
    return _form_page(request, form, behalf, token)


def _form_page(request, form, behalf, token):
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
            "limits": attachments.limits_text(),
            "accept": attachments.ACCEPT,
            "max_files": settings.ATTACHMENT_MAX_FILES,
        },
    )


def _file(request, form, behalf, cleaned, token):
    """File under the token's lock: of two POSTs with one token, the second waits, then finds the
    report of the first (PostgreSQL row lock; SQLite's IMMEDIATE transactions serialise them)."""
    data, user = form.cleaned_data, request.user
    on_behalf = behalf is not None and behalf.cleaned_data.get("on_behalf")
    kwargs = dict(
        title=data["title"],
        description=data["description"],
        classification=data["classification"],
        category=data["category"],
        incident_date=data["incident_date"],
        district=data["district"],
        village=data["village"],
        address=data["address"],
        latitude=data["latitude"],
        longitude=data["longitude"],
        parties_involved=data["parties_involved"],
        anonymous=data["anonymous"],
        confidential=data["confidential"],
        attachments=[c.as_file() for c in cleaned],
        extra_answers=form.extra_answers(),
    )
    if on_behalf:
        kwargs.update(
            reporter=None,
            filed_by=user,
            channel=Channel.REPRESENTATIVE,
            reporter_name=behalf.cleaned_data["resident_name"].strip(),
            reporter_phone=behalf.cleaned_data["resident_phone"],
            reporter_nik=behalf.cleaned_data.get("resident_nik") or "",
            representative_relationship=behalf.cleaned_data["relationship"].strip(),
            consent=True,
        )
    else:
        kwargs.update(reporter=user, channel=Channel.WEB)
    with transaction.atomic():
        claim = FilingToken.objects.select_for_update().filter(token=token, user=user).first()
        if claim is None:
            form.add_error(
                None,
                _("Formulir ini sudah kedaluwarsa. Periksa isian Anda lalu kirim sekali lagi."),
            )
            return None
        if claim.report_id:
            return claim.report
        try:
            report, secret = actions.do_file_report(**kwargs)
        except errors.InvalidInput as error:
            target = form if error.field in form.fields else None
            (target or form).add_error(error.field if target else None, error.message)
            return None
        claim.report = report
        claim.save(update_fields=["report"])
    request.session.setdefault(SESSION_SECRETS, {})[report.code] = secret
    request.session.modified = True
    return report


@login_required
def filed(request, code):
    report = get_object_or_404(own_reports(request.user), code=code)
    # Shown once: the session does not keep the secret after this page (the e-mail has it too).
    secret = request.session.get(SESSION_SECRETS, {}).pop(code, None)
    request.session.modified = True
    return render(request, "web/filed.html", {"report": report, "secret": secret})


def _assess_fields(form) -> dict:
    data = form.data
    region = lambda code: Region.objects.filter(pk=code).first() if code else None  # noqa: E731
    from django.utils.dateparse import parse_date

    try:
        incident_date = parse_date(data.get("incident_date") or "")
    except ValueError:
        incident_date = None
    return {
        "title": data.get("title", ""),
        "description": data.get("description", ""),
        "parties_involved": data.get("parties_involved", ""),
        "address": data.get("address", ""),
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
        {"checklist": assess(**fields), "incident_date_given": fields["incident_date"] is not None},
    )


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

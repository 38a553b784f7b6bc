"""`/akun/data-saya/`: the citizen's personal data rights (UU 27/2022, `accounts.personal_data`):
download everything held about them, ask for its erasure, withdraw the request while it waits.

Each door asks for the current password (it counts with the log-in failures and honours the
lockout, `accounts.actions.confirm_password`); the download is also rate-limited per account.
Staff accounts are refused (403): their data is the regency's personnel data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts import actions as account_actions
from aduan.accounts import personal_data
from aduan.accounts.forms import ErasureRequestForm, PasswordConfirmForm


def _citizen(request):
    if not personal_data.may_use(request.user):
        raise PermissionDenied(_("Halaman ini hanya untuk akun warga."))
    return request.user


def _page(request, *, export_form=None, erasure_form=None, status=200):
    user = request.user
    context = {
        "export_form": export_form or PasswordConfirmForm(prefix="unduh"),
        "erasure_form": erasure_form or ErasureRequestForm(prefix="hapus"),
        "pending": personal_data.pending_request(user),
        "decided": user.erasure_requests.exclude(state="pending").first(),
    }
    return render(request, "web/personal_data.html", context, status=status)


def _form_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error("password" if field == "current_password" else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def overview(request):
    _citizen(request)
    return _page(request)


@login_required
@require_POST
def download(request):
    user = _citizen(request)
    form = PasswordConfirmForm(request.POST, prefix="unduh")
    if not form.is_valid():
        return _page(request, export_form=form, status=400)
    try:
        account_actions.confirm_password(request, user, form.cleaned_data["password"])
    except ValidationError as error:
        _form_error(form, error)
        return _page(request, export_form=form, status=400)
    refusal = personal_data.export_refusal(user)
    if refusal is not None:
        form.add_error(
            None,
            _("Anda sudah mengunduh data beberapa kali dalam satu jam. Coba lagi dalam %(wait)s.")
            % {"wait": refusal.wait_text()},
        )
        response = _page(request, export_form=form, status=429)
        response["Retry-After"] = str(refusal.retry_after)
        return response
    content = personal_data.do_export(user)
    response = HttpResponse(content, content_type="application/zip")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="data-pribadi-{stamp}.zip"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def erasure(request):
    """GET: the confirmation page (what is erased, what is kept and why). POST: the request."""
    user = _citizen(request)
    form = ErasureRequestForm(request.POST or None, prefix="hapus")
    if request.method == "POST":
        if form.is_valid():
            try:
                personal_data.do_request_erasure(
                    request, user, password=form.cleaned_data["password"]
                )
            except ValidationError as error:
                _form_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Permintaan penghapusan data Anda tercatat. Petugas akan "
                        "melaksanakannya; Anda dapat membatalkannya selama belum dilaksanakan."
                    ),
                )
                return redirect("web:personal_data")
        return render(request, "web/erasure_confirm.html", {"form": form}, status=400)
    if personal_data.pending_request(user) is not None:
        return redirect("web:personal_data")
    return render(request, "web/erasure_confirm.html", {"form": form})


@login_required
@require_POST
def withdraw(request):
    user = _citizen(request)
    if personal_data.do_withdraw_erasure(user):
        messages.success(request, _("Permintaan penghapusan data dibatalkan."))
    return redirect("web:personal_data")

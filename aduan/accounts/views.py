from allauth.account import views as account_views
from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import actions
from .forms import EmailChangeForm


def signup(request, *args, **kwargs):
    """allauth's sign-up; the account is made by `actions.do_register`, which answers a taken
    NIK, user name or e-mail as a new one. A unique constraint broken by a sign-up that committed
    a moment before is handled there too; this is the last guard."""
    try:
        with transaction.atomic():
            return account_views.signup(request, *args, **kwargs)
    except IntegrityError:
        return account_views.signup(request, *args, **kwargs)


@login_required
def change_email(request):
    """`/akun/email/` (in place of allauth's page, which adds an address without the password):
    the current password and the new address; the address changes once the link sent to it is
    opened (`actions.do_change_email`)."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_change_email(
                request,
                request.user,
                form.cleaned_data["email"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error("password" if field == "current_password" else field, errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _(
                    "Tautan konfirmasi dikirim ke alamat baru. Alamat akun berganti setelah "
                    "tautan itu dibuka."
                ),
            )
            return redirect("account_email")
    pending = EmailAddress.objects.filter(user=request.user, primary=False, verified=False).first()
    return render(request, "account/email_change.html", {"form": form, "pending": pending})

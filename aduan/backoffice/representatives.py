"""Dispatchers mark citizens as RT/RW representatives (DESIGN §1: a flag a dispatcher or a
sysadmin sets); every change is written to the audit trail."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aduan.accounts.access import staff_only
from aduan.accounts.actions import save_audited
from aduan.accounts.models import Role

User = get_user_model()
LIMIT = 50


@staff_only(roles=("dispatcher",))
def representatives(request):
    query = (request.GET.get("q") or "").strip()[:100]
    citizens = User.objects.filter(role=Role.CITIZEN, is_active=True)
    if query:
        citizens = citizens.filter(
            Q(username__icontains=query) | Q(full_name__icontains=query) | Q(phone__contains=query)
        )
    else:
        citizens = citizens.filter(is_representative=True)
    return render(
        request,
        "backoffice/representatives.html",
        {
            "citizens": citizens.select_related("village").order_by("full_name", "username")[
                :LIMIT
            ],
            "query": query,
        },
    )


@require_POST
@staff_only(roles=("dispatcher",))
def set_representative(request, pk):
    citizen = get_object_or_404(User, pk=pk, role=Role.CITIZEN, is_active=True)
    flag = request.POST.get("is_representative") == "1"
    if citizen.is_representative != flag:
        # Saved through the accounts' audit hooks, as the admin saves it: one record of the same
        # name (`account_representative_changed`, before and after) whichever door changes it.
        citizen.is_representative = flag
        save_audited(citizen, actor=request.user, update_fields=["is_representative"])
    messages.success(
        request,
        (_("%(name)s sekarang RT/RW.") if flag else _("%(name)s bukan lagi RT/RW."))
        % {"name": citizen.display_name},
    )
    return redirect(f"{reverse('backoffice:representatives')}?{urlencode({'q': citizen.username})}")

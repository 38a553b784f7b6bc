"""Macros in the back office (issue 17): save one, apply one to a report or to a list's
selection, see what was done and what failed (`macros`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aduan.accounts.access import staff_only
from aduan.directory.models import Agency, Priority
from aduan.reports.models import ArchiveReason
from aduan.reports.transitions import Action

from . import macros
from .models import Macro, ResponseTemplate

User = get_user_model()
MAX_MACROS = 50


class MacroForm(forms.ModelForm):
    """A new macro: only the templates, agencies and officers `user` may choose are offered,
    and what its action needs is required."""

    class Meta:
        model = Macro
        fields = ["name", "action", "template", "target_agency", "assignee", "priority"]
        fields += ["archive_reason"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["action"] = forms.ChoiceField(
            label=gettext_lazy("Tindakan"), choices=macros.macro_choices(user)
        )
        templates = ResponseTemplate.objects.filter(is_active=True)
        templates = templates.filter(agency__isnull=True) | templates.filter(
            agency_id=user.agency_id
        )
        self.fields["template"].queryset = templates.order_by("kind", "order", "title")
        self.fields["target_agency"].queryset = Agency.objects.filter(is_active=True)
        self.fields["assignee"].queryset = User.objects.filter(
            role="officer", agency_id=user.agency_id, is_active=True
        )
        self.fields["priority"] = forms.TypedChoiceField(
            label=gettext_lazy("Prioritas"),
            choices=[("", "—"), *Priority.choices],
            coerce=int,
            required=False,
            empty_value=None,
        )
        self.fields["archive_reason"] = forms.ChoiceField(
            label=gettext_lazy("Alasan arsip"),
            choices=[("", "—")]
            + [c for c in ArchiveReason.choices if c[0] != ArchiveReason.DUPLICATE],
            required=False,
        )
        if not user.is_dispatcher:
            del self.fields["target_agency"], self.fields["priority"], self.fields["archive_reason"]
        if not user.is_officer:
            del self.fields["assignee"]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        needs = {
            Action.DISPOSITION: ("target_agency", _("Pilih perangkat daerah tujuan.")),
            Action.ASSIGN: ("assignee", _("Pilih petugas.")),
            Action.SET_PRIORITY: ("priority", _("Pilih prioritas.")),
            Action.ARCHIVE: ("archive_reason", _("Pilih alasan arsip.")),
        }
        if action in needs and not data.get(needs[action][0]):
            self.add_error(
                needs[action][0] if needs[action][0] in self.fields else None, needs[action][1]
            )
        texts = (Action.RETURN, Action.HOLD, Action.DISPATCHER_NOTE, Action.NOTE, Action.ANSWER)
        if action in {*texts, Action.REQUEST_INFO} and not data.get("template"):
            self.add_error("template", _("Tindakan ini memerlukan templat berisi teksnya."))
        return data

    def save(self, commit=True):
        macro = super().save(commit=False)
        macro.agency_id = None if self.user.is_dispatcher else self.user.agency_id
        macro.created_by = self.user
        if commit:
            macro.save()
        return macro


@staff_only(roles=("dispatcher", "officer"))
def macro_list(request):
    """The user's macros and a form to save a new one."""
    form = MacroForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if macros.macros_for(request.user).count() >= MAX_MACROS:
            messages.error(request, _("Paling banyak 50 makro; hapus yang tidak dipakai."))
        elif form.is_valid():
            form.save()
            messages.success(request, _("Makro disimpan."))
            return redirect("backoffice:macros")
    return render(
        request,
        "backoffice/macros.html",
        {"form": form, "macros": macros.macros_for(request.user), "title": _("Makro")},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_POST
@staff_only(roles=("dispatcher", "officer"))
def macro_delete(request, pk):
    macro = get_object_or_404(macros.macros_for(request.user), pk=pk)
    macro.delete()
    messages.success(request, _("Makro dihapus."))
    return redirect("backoffice:macros")


@require_POST
@staff_only(roles=("dispatcher", "officer"))
def macro_apply(request):
    """Apply a macro to the chosen reports (one, from the workspace, or a list's selection),
    each through its own action; then show what was done and what was refused."""
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    try:
        macro = macros.macros_for(request.user).get(pk=int(request.POST.get("macro", "")))
    except (ValueError, Macro.DoesNotExist):
        messages.error(request, _("Pilih makro."))
        return redirect(back or "backoffice:home")
    chosen = macros.parse_selection(request.POST.getlist("reports"))
    if not chosen:
        messages.error(request, _("Pilih minimal satu laporan."))
        return redirect(back or "backoffice:home")
    if len(chosen) > macros.BULK_LIMIT:
        messages.error(
            request,
            _("Paling banyak %(n)s laporan sekaligus.") % {"n": macros.BULK_LIMIT},
        )
        return redirect(back or "backoffice:home")
    if len(chosen) > 1 and not macros.MACRO_ACTIONS[Action(macro.action)].bulk:
        messages.error(
            request, _("Makro “%(name)s” hanya untuk satu laporan.") % {"name": macro.name}
        )
        return redirect(back or "backoffice:home")
    results = [macros.apply(macro, request.user, code, version) for code, version in chosen]
    if len(results) == 1 and results[0].ok:
        messages.success(request, _("Berhasil: %(name)s.") % {"name": macro.name})
        return redirect(back or "backoffice:home")
    return render(
        request,
        "backoffice/macro_result.html",
        {
            "macro": macro,
            "results": results,
            "done": sum(r.ok for r in results),
            "failed": [r for r in results if not r.ok],
            "back": back,
            "title": _("Hasil makro"),
        },
        status=200 if any(r.ok for r in results) else 409,
    )

"""The outside body's page: `/luar/<token>/`, reached only through the link it was sent.

It shows what the dispatcher chose to pass on (never the reporter, never the report's own text),
the questions and replies so far, and three forms: answer (text and photos), ask a question,
decline. A token never issued is a 404; a link that no longer works (answered, declined,
recalled, expired) a 410 that says so. Every use is written to the audit chain.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from aduan.ops.bodylimit import accepts_files
from aduan.reports import attachments, errors

from . import actions
from .models import Forwarding


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class LinkForm(forms.Form):
    CHOICES = (("answer", "answer"), ("question", "question"), ("decline", "decline"))
    action = forms.ChoiceField(choices=CHOICES)
    text = forms.CharField(
        label=gettext_lazy("Isi"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


def _refused(request, forwarding, status=410):
    actions.record_use(forwarding, "refused")
    return render(request, "forwarding/refused.html", {"forwarding": forwarding}, status=status)


@never_cache
@accepts_files
@csrf_protect
def link(request, token):
    try:
        forwarding = actions.open_link(token)
    except Forwarding.DoesNotExist:
        raise Http404(_("Tautan tidak ditemukan.")) from None
    except actions.LinkRefused as refused:
        return _refused(request, refused.args[0])
    form = LinkForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                _act(forwarding, form.cleaned_data, request.FILES.getlist("photos"))
            except attachments.AttachmentRefused as exc:
                form.add_error(None, exc.message)
            except errors.InvalidState:
                return _refused(request, forwarding)
            except errors.ActionError as exc:
                form.add_error(None, exc.message)
            else:
                if form.cleaned_data["action"] == "question":
                    messages.success(request, _("Pertanyaan Anda sudah kami terima."))
                    return redirect("forwarding:link", token=token)
                return render(request, "forwarding/done.html", {"forwarding": forwarding})
    else:
        actions.record_use(forwarding, "opened")
    report = forwarding.report
    return render(
        request,
        "forwarding/link.html",
        {
            "forwarding": forwarding,
            "report": report,
            "conversation": actions.conversation(forwarding),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _act(forwarding, data, photos) -> None:
    action, text = data["action"], data["text"]
    if action == "answer":
        files = [c.as_file() for c in attachments.clean_uploads(photos)]
        actions.do_answer_by_link(forwarding, text=text, attachments=files)
    elif action == "question":
        actions.do_ask_by_link(forwarding, text=text)
    else:
        actions.do_decline_by_link(forwarding, reason=text)

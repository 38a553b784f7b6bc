"""The pages of the e-mail digest (`digests`): subscribe, confirm, stop. Confirming and stopping
ask for one click (a POST), so that a mail scanner opening a link changes nothing. Subscribing
says the same whatever the address (no list of who is subscribed can be probed) and is rate
limited per address and per client."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

from aduan.ops import ratelimit

from . import digests
from .forms import DigestForm

PER_CLIENT_PER_HOUR = 10
PER_ADDRESS_PER_DAY = 3


def subscribe(request):
    form = DigestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refused = ratelimit.hit(
            ratelimit.Rule(
                "digest:client",
                ratelimit.address_identity(request),
                PER_CLIENT_PER_HOUR,
                ratelimit.HOUR,
            )
        ) or ratelimit.hit(
            ratelimit.Rule(
                "digest:address", data["email"].lower(), PER_ADDRESS_PER_DAY, 24 * ratelimit.HOUR
            )
        )
        if refused is not None:
            form.add_error(
                None,
                _("Terlalu banyak permintaan. Coba lagi dalam %(wait)s.")
                % {"wait": refused.wait_text()},
            )
            return render(request, "web/digest_subscribe.html", {"form": form}, status=429)
        digests.subscribe(
            data["email"],
            district=data["district"],
            village=data["village"],
            category=data["category"],
        )
        return render(request, "web/digest_subscribe.html", {"asked": data["email"]})
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "web/digest_subscribe.html",
        {"form": form, "site_name": settings.SITE_NAME},
        status=status,
    )


def _by_token(request, token, *, act, done_key):
    sub = digests.find(token)
    if sub is None:
        return render(request, "web/digest_link.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        act(sub)
        done = True
    return render(
        request,
        "web/digest_link.html",
        {"what": digests.describe(sub), done_key: True, "done": done},
    )


def confirm(request, token):
    return _by_token(request, token, act=digests.confirm, done_key="confirming")


def stop(request, token):
    return _by_token(request, token, act=digests.stop, done_key="stopping")

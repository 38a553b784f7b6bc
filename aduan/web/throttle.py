"""The portal's answer to a filing or follow-up over its rate limit (`aduan.ops.ratelimit`): the
same page with everything typed still in the form and a message saying when to try again, as a
429 with `Retry-After`; an htmx request gets the message alone, as a fragment."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from aduan.ops import ratelimit


def check(
    request, *, scope: str = "filing", files_kept: bool = False
) -> tuple[ratelimit.Refusal, str] | None:
    """Count one filing (or follow-up) of the logged-in user; the refusal and its message if
    over."""
    refusal = ratelimit.filing(request, request.user, scope=scope)
    if refusal is None:
        return None
    wait = {"wait": refusal.wait_text()}
    if refusal.scope.endswith(":ip"):
        message = (
            _("Terlalu banyak kiriman dari jaringan ini dalam satu jam. Coba lagi dalam %(wait)s.")
            % wait
        )
    elif scope == "filing":
        message = (
            _(
                "Anda sudah mengirim banyak laporan dalam satu jam terakhir. "
                "Coba lagi dalam %(wait)s."
            )
            % wait
        )
    else:
        message = (
            _(
                "Anda sudah mengirim banyak tanggapan dalam satu jam terakhir. "
                "Coba lagi dalam %(wait)s."
            )
            % wait
        )
    message += " " + _("Isian Anda tetap tersimpan di formulir ini.")
    if request.FILES and not files_kept:  # a browser cannot put chosen files back into a form
        message += " " + _("Pilih ulang lampiran sebelum mengirim.")
    return refusal, message


def too_many(request, refusal: ratelimit.Refusal, message: str, page):
    """`page()` renders the full page (its form already carries `message`) for a plain request."""
    if request.htmx:
        response = render(request, "web/_rate_limited.html", {"message": message})
    else:
        response = page()
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response

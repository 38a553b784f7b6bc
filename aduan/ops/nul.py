"""No NUL character in an address or its parameters: the one rule, for every door.

PostgreSQL cannot store or compare text with a NUL in it: a report code, a village code or a
search term carrying one made the lookup fail with a 500 (the JSON API and Open311 refused it,
each with a check of its own; the portal and the back office did not). No real client sends one,
so the request is refused with a 400 before it reaches a view, in the language of the door it came
to (`aduan.core.refusals`). A cookie with a NUL in it (Aduan never sets one: a forged session key
made the session look-up fail) is set aside as if it had not been sent, so this runs before the
sessions are opened. Bodies are checked where they are read: Django's form fields refuse a NUL,
and so do the API's schemas and Open311's form reader.
"""

from django.utils.translation import gettext as _

from aduan.core import refusals


def has_nul(request) -> bool:
    query = request.META.get("QUERY_STRING", "")
    return "\x00" in request.path_info or "%00" in query or "\x00" in query


class NulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if "\x00" in value]:
            del request.COOKIES[name]
        if has_nul(request):
            return refusals.refuse(request, 400, _("Alamat atau parameter berisi karakter NUL."))
        return self.get_response(request)

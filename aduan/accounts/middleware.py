from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from .mfa import SETUP_REQUIRED_MESSAGE, lacks_required_mfa


class StaffMfaMiddleware:
    """A staff account without an authenticator app reaches only the MFA set-up and log-out.

    Deny by default rather than a list of staff areas: a staff page added later (or an API action
    a citizen may also call) is covered without anyone remembering to. Pages get a redirect to the
    set-up with the reason; the API (`/api/`) gets its JSON error, 403. Bearer tokens are checked
    by `aduan.api.auth.BearerAuth`, since they are not a session this middleware sees.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths = None

    def open_paths(self) -> tuple[str, ...]:
        # Resolved on first use: the URLconf is not loaded when middleware is built.
        if self._open_paths is None:
            self._open_paths = (
                reverse("mfa_index"),  # the set-up: TOTP, recovery codes
                reverse(
                    "account_reauthenticate"
                ),  # allauth asks for the password before the set-up
                reverse("logout"),
                reverse("account_logout"),
                reverse("set_language"),
                settings.STATIC_URL,
                reverse("healthz"),
                reverse("livez"),
            )
        return self._open_paths

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.open_paths())
            and lacks_required_mfa(user)
        ):
            if request.path.startswith("/api/"):
                from aduan.core.http import error_response

                return error_response(403, SETUP_REQUIRED_MESSAGE, code="mfa_setup_required")
            messages.warning(request, SETUP_REQUIRED_MESSAGE)
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

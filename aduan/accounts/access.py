"""Which staff role may open a page: the decorator of the back office and the statistics pages.

What a staff member may see of a report is decided elsewhere (`aduan.backoffice.access`,
`aduan.reports.visibility`); this only looks at the account.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


def is_staff_member(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_dispatcher or user.is_officer or user.is_supervisor)
    )


def staff_only(*, roles=("dispatcher", "officer", "supervisor")):
    """Login required; then only the named roles (others: 403)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            allowed = user.is_active and (
                ("dispatcher" in roles and user.is_dispatcher)
                or ("officer" in roles and user.is_officer)
                or ("supervisor" in roles and user.is_supervisor)
            )
            if not allowed:
                raise PermissionDenied(_("Halaman ini hanya untuk petugas yang berwenang."))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator

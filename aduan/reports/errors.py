"""Why an action was refused. Every surface maps these the same way (web message, API status)."""

from django.utils.translation import gettext_lazy as _


class ActionError(Exception):
    code = "action_error"
    http_status = 400

    def __init__(self, message, *, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class NotPermitted(ActionError):
    """The actor may not take this action on this report (whatever its status)."""

    code = "forbidden"
    http_status = 403


class InvalidState(ActionError):
    """The report's status does not allow this action."""

    code = "invalid_state"
    http_status = 409


class Conflict(ActionError):
    """Somebody else changed the report after the actor last saw it; exactly one of them won."""

    code = "conflict"
    http_status = 409

    def __init__(self, current_status_label=None):
        message = str(_("Laporan ini baru saja diubah oleh orang lain."))
        if current_status_label:
            message = _(
                "Laporan ini baru saja diubah oleh orang lain; statusnya sekarang: %(status)s."
            ) % {"status": current_status_label}
        super().__init__(message)


class InvalidInput(ActionError):
    """A required value is missing or wrong (e.g. no reason given). `problems`: every field
    found wrong ({field: message}; the first is `field` and `message`), for forms that mark each;
    `missing`: what a profile still lacks (`reports.rules.profile_refusal`)."""

    code = "invalid"
    http_status = 422

    def __init__(self, message, *, field: str | None = None, problems: dict | None = None):
        super().__init__(message, field=field)
        self.problems = problems or ({field: message} if field else {})
        self.missing: list[str] = []

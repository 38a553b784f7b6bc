from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "aduan.open311"
    verbose_name = "Open311"

    def ready(self) -> None:
        from aduan.core import refusals

        from .render import error

        def answer(request, status, message):
            """The GeoReport error document, in the format the address names (else JSON)."""
            return error("xml" if request.path_info.endswith(".xml") else "json", status, message)

        # A request refused before its view (size, NUL) gets the error document too.
        refusals.register("/open311/", answer)

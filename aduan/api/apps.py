from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aduan.api"
    verbose_name = "API"

    def ready(self) -> None:
        from aduan.core import refusals

        from . import personal_data

        personal_data.register()
        # A request refused before its view (size, NUL) gets the API's error shape.
        refusals.register("/api/", refusals.json_error)

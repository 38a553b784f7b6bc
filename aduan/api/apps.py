from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "aduan.api"
    verbose_name = "API"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()

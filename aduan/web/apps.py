from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "aduan.web"
    label = "web"
    verbose_name = "Web"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()

from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "aduan.backoffice"
    verbose_name = "Kantor (back office)"

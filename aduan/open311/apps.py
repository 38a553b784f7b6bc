from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "aduan.open311"
    verbose_name = "Open311"

from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "aduan.search"
    verbose_name = "Pencarian"

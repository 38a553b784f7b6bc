from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "aduan.directory"
    label = "directory"
    verbose_name = "Data Induk"

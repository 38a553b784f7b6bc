from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "aduan.audit"
    verbose_name = "Jejak audit"

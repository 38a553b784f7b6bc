from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The lowest layer: helpers every app may use (cached list fragments, bounded pages, the
    JSON error shape); it imports no other `aduan` app."""

    name = "aduan.core"
    label = "core"
    verbose_name = "Inti"

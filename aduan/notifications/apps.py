from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "aduan.notifications"
    label = "notifications"
    verbose_name = "Notifikasi"

    def ready(self) -> None:
        from . import personal_data, transports

        transports.register_builtin()
        personal_data.register()

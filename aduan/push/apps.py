from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "aduan.push"
    label = "push"
    verbose_name = "Web Push"

    def ready(self) -> None:
        from aduan.notifications import transports

        from . import personal_data, sender

        transports.register(
            "push",
            sender.send_notification,
            enabled=sender.enabled,
            addresses_for=sender.addresses_for,
            compose=sender.compose,
        )
        personal_data.register()

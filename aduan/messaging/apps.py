from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "aduan.messaging"
    label = "messaging"
    verbose_name = "Percakapan (SMS, WhatsApp)"

    def ready(self) -> None:
        from . import personal_data

        personal_data.register()

from django.apps import AppConfig


class WhatsappConfig(AppConfig):
    name = "aduan.whatsapp"
    label = "whatsapp"
    verbose_name = "WhatsApp"

    def ready(self) -> None:
        from aduan.core import refusals
        from aduan.notifications import transports
        from aduan.sms.gateway import verified_phone_of

        from . import outbound

        transports.register(
            "whatsapp",
            outbound.send_notification,
            enabled=outbound.enabled,
            address_for=verified_phone_of,
            compose=outbound.compose,
        )
        # The gateway reads JSON: a request refused before the webhook (size, NUL) gets it too.
        refusals.register("/whatsapp/", refusals.json_error)

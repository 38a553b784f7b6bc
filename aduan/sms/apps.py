from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "aduan.sms"
    verbose_name = "SMS"

    def ready(self) -> None:
        from django.conf import settings

        from aduan.core import refusals
        from aduan.notifications import transports

        from . import gateway, personal_data

        transports.register(
            "sms",
            gateway.send_notification,
            enabled=lambda: bool(settings.SMS_GATEWAY_URL),
            address_for=gateway.verified_phone_of,
            compose=gateway.compose,
        )
        personal_data.register()
        # The gateway reads JSON: a request refused before the webhook (size, NUL) gets it too.
        refusals.register("/sms/", refusals.json_error)

from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "aduan.sms"
    verbose_name = "SMS"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "aduan.integrations"
    verbose_name = _("Integrasi SP4N-LAPOR!")

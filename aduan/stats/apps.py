from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "aduan.stats"
    verbose_name = "Statistik dan laporan evaluasi"

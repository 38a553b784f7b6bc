from django.apps import AppConfig


def _index_report(sender, report, created=False, **kwargs):
    from .index import index_report

    index_report(report, created=created)


class SearchConfig(AppConfig):
    name = "aduan.search"
    verbose_name = "Pencarian"

    def ready(self):
        from aduan.reports.signals import report_changed

        report_changed.connect(_index_report, dispatch_uid="search-index-report")

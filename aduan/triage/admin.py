from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ImportRecord, RoutingModel


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "trained_on", "is_active"]
    readonly_fields = ["version", "created_at", "trained_on", "metrics", "is_active"]
    exclude = ["blob"]

    def has_add_permission(self, request):
        return False  # trained by `train_triage` or the nightly task, never typed in


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """Where an imported report came from. The report is named by its code only: its title and
    its reporter are for the staff who may open it, not for the sysadmin (issue 11 §5), and a
    search finds a file name or a code, never a person."""

    list_display = ["report_code", "source", "line", "imported_at"]
    fields = readonly_fields = ["content_hash", "report_code", "source", "line", "imported_at"]
    search_fields = ["source", "report__code"]
    list_select_related = ["report"]

    @admin.display(description=_("kode laporan"), ordering="report__code")
    def report_code(self, record):
        return record.report.code

    def has_add_permission(self, request):
        return False

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import LaporLink


@admin.register(LaporLink)
class LaporLinkAdmin(admin.ModelAdmin):
    """Read-only: links are written by `lapor_import` from LAPOR!'s exports."""

    list_display = ("lapor_id", "report_code", "lapor_status", "lapor_agency", "lapor_updated_at")
    search_fields = ("lapor_id", "report__code")
    list_select_related = ("report",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kode Aduan"), ordering="report__code")
    def report_code(self, link):
        return link.report.code  # the code only: a report's title can name its reporter

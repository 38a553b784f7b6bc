from django.contrib import admin

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
    list_display = ["report", "source", "line", "imported_at"]
    readonly_fields = ["content_hash", "report", "source", "line", "imported_at"]
    search_fields = ["source", "report__code"]

    def has_add_permission(self, request):
        return False

"""The Django admin's back-office models: response templates, and the audit trail, which is
registered here (not in `aduan.audit`, a layer below the reports) so that it shows an anonymous
reporter as the supervisors' audit page does (`visibility.hide_anonymous_reporters`)."""

from django.contrib import admin

from aduan.audit.models import AuditEntry
from aduan.reports.visibility import hide_anonymous_reporters, without_anonymous_reporter_acts

from .models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "agency", "is_active", "order")
    list_filter = ("kind", "is_active", "agency")
    list_editable = ("is_active", "order")
    search_fields = ("title", "body")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only. Nothing here pairs an account with an anonymous
    report (issue 11 §5): its reporter's own steps are listed as "pelapor (anonim)" (the account
    itself is never shown, only the name the viewer may see), and a search never returns them, so
    that a user name does not find the anonymous reports it filed."""

    list_display = ("created_at", "actor_name", "action", "report_code")
    list_filter = ("action",)
    search_fields = ("actor_name", "report_code")
    date_hierarchy = "created_at"
    fields = ("created_at", "actor_name", "action", "report_code", "detail", "chain", "hash")

    def get_search_results(self, request, queryset, search_term):
        results, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = without_anonymous_reporter_acts(results, request.user)
        return results, duplicates

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # not a redirect: the page's rows, before they are drawn
            hide_anonymous_reporters(changelist.result_list, request.user)
        return response

    def get_object(self, request, object_id, from_field=None):
        entry = super().get_object(request, object_id, from_field)
        if entry is not None:
            hide_anonymous_reporters([entry], request.user)
        return entry

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

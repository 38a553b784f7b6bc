from django.contrib import admin

from .models import Forwarding, OutsideContact


@admin.register(OutsideContact)
class OutsideContactAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "whatsapp", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "email", "whatsapp")

    def has_delete_permission(self, request, obj=None):
        return False  # deactivated, never deleted: forwardings name it


@admin.register(Forwarding)
class ForwardingAdmin(admin.ModelAdmin):
    """Read-only: forwardings change only through their actions. The report by its code only
    (`Report.__str__`), and neither the token nor the text sent outside (the report's words, for
    the staff who may open it, not for the sysadmin)."""

    list_display = ("report", "contact", "state", "created_at", "expires_at")
    list_filter = ("state",)
    exclude = ("token_hash", "text")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
    """Read-only: forwardings change only through their actions (the token is never shown)."""

    list_display = ("report", "contact", "state", "created_at", "expires_at")
    list_filter = ("state",)
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

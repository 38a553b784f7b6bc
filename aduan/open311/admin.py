from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import Application


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """A sysadmin registers an application; its api_key is shown once, right after saving."""

    list_display = ("name", "contact_email", "hint", "is_active", "created_at")
    readonly_fields = ("hint", "created_at")
    fields = ("name", "contact_email", "is_active", "hint", "created_at")
    actions = ["new_key"]

    def save_model(self, request, obj, form, change):
        raw = obj.set_key() if not change else None
        super().save_model(request, obj, form, change)
        if raw:
            messages.warning(
                request,
                _("api_key untuk %(name)s (catat sekarang, tidak ditampilkan lagi): %(key)s")
                % {"name": obj.name, "key": raw},
            )

    @admin.action(description="Buat api_key baru (kunci lama tidak berlaku)")
    def new_key(self, request, queryset):
        for application in queryset:
            raw = application.set_key()
            application.save(update_fields=["key_hash", "hint"])
            messages.warning(
                request,
                _("api_key baru untuk %(name)s: %(key)s") % {"name": application.name, "key": raw},
            )

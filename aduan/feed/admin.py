from django.contrib import admin, messages
from django.utils.translation import gettext as _

from .models import FeedEvent, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """A sysadmin subscribes a receiver; its signing secret and replay key are shown once."""

    list_display = ("name", "url", "is_active", "created_at")
    fields = ("name", "url", "is_active")
    actions = ["new_credentials"]

    def save_model(self, request, obj, form, change):
        credentials = obj.set_credentials() if not change else None
        super().save_model(request, obj, form, change)
        if credentials:
            self._show(request, obj, *credentials)

    @admin.action(description=_("Buat rahasia dan kunci baru (yang lama tidak berlaku)"))
    def new_credentials(self, request, queryset):
        for subscription in queryset:
            credentials = subscription.set_credentials()
            subscription.save(update_fields=["secret_sealed", "key_hash"])
            self._show(request, subscription, *credentials)

    def _show(self, request, subscription, secret, key):
        messages.warning(
            request,
            _(
                "Untuk %(name)s (catat sekarang, tidak ditampilkan lagi): rahasia tanda tangan "
                "%(secret)s, kunci pemutaran ulang %(key)s"
            )
            % {"name": subscription.name, "secret": secret, "key": key},
        )


@admin.register(FeedEvent)
class FeedEventAdmin(admin.ModelAdmin):
    list_display = ("id", "event_id", "report_code", "kind", "created_at")
    search_fields = ("report_code", "event_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aduan.notifications import outbox
from aduan.notifications.models import Notification
from aduan.reports.models import EventKind

from .models import FeedEvent, Subscription


class ReceiverURLField(forms.URLField):
    """A receiver's URL typed without a scheme is https (Django 6's default, said now)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class SubscriptionForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("jenis peristiwa"),
        choices=EventKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Kosongkan untuk menerima semua jenis peristiwa publik. Peristiwa internal dan "
            "laporan rahasia tidak pernah dikirim."
        ),
    )

    class Meta:
        model = Subscription
        fields = ("name", "url", "is_active", "kinds")
        field_classes = {"url": ReceiverURLField}


def failed_deliveries(subscription_ids):
    """The outbox rows of these subscriptions' deliveries that gave up (`outbox._record_failure`
    after OUTBOX_MAX_ATTEMPTS)."""
    return Notification.objects.filter(
        channel="webhook",
        kind="feed_event",
        state=Notification.State.FAILED,
        extra__subscription__in=list(subscription_ids),
    )


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """A sysadmin subscribes a receiver; its signing secret and replay key are shown once."""

    form = SubscriptionForm
    list_display = ("name", "url", "is_active", "created_at")
    actions = ["new_credentials", "requeue_failed"]

    def save_model(self, request, obj, form, change):
        credentials = obj.set_credentials() if not change else None
        super().save_model(request, obj, form, change)
        if credentials:
            self._show(request, obj, *credentials)

    @admin.action(description=gettext_lazy("Buat rahasia dan kunci baru (yang lama tidak berlaku)"))
    def new_credentials(self, request, queryset):
        for subscription in queryset:
            credentials = subscription.set_credentials()
            subscription.save(update_fields=["secret_sealed", "key_hash"])
            self._show(request, subscription, *credentials)

    @admin.action(description=gettext_lazy("Kirim ulang pengiriman yang gagal"))
    def requeue_failed(self, request, queryset):
        """After the receiver's outage outlasted the retries: the same events (same ids, so a
        receiver that did get one ignores it) are queued again for the chosen subscriptions."""
        count = outbox.requeue_failed(failed_deliveries(queryset.values_list("pk", flat=True)))
        messages.success(
            request,
            _("%(count)d pengiriman yang gagal dijadwalkan ulang.") % {"count": count},
        )

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

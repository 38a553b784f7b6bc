from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import client
from .models import RemoteRequest, RemoteServer, ServiceMapping


class RemoteServerForm(forms.ModelForm):
    """The api_key is written, never shown again (kept sealed); left empty, the old one stays."""

    base_url = forms.URLField(
        label=gettext_lazy("alamat dasar GeoReport v2"),
        max_length=300,
        assume_scheme="https",
        help_text=gettext_lazy("Mis. https://aduan.kabupaten.example/open311/v2/"),
    )
    api_key = forms.CharField(
        label=gettext_lazy("api_key"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy("Kosongkan untuk tetap memakai kunci yang tersimpan."),
    )

    class Meta:
        model = RemoteServer
        fields = ("name", "base_url", "jurisdiction_id", "tracking_attribute", "is_active")


class ServiceMappingInline(admin.TabularInline):
    model = ServiceMapping
    extra = 1
    autocomplete_fields = ("category",)


@admin.register(RemoteServer)
class RemoteServerAdmin(admin.ModelAdmin):
    form = RemoteServerForm
    list_display = ("name", "base_url", "jurisdiction_id", "is_active")
    inlines = [ServiceMappingInline]
    actions = ["list_services"]

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("api_key"):
            obj.set_api_key(form.cleaned_data["api_key"])
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("Ambil daftar layanan server (services.json)"))
    def list_services(self, request, queryset):
        """Helps the sysadmin choose the service codes of the mappings."""
        for server in queryset:
            try:
                services = client.get_services(server)
            except client.RemoteError as exc:
                messages.error(
                    request,
                    _("%(server)s: %(error)s") % {"server": server.name, "error": exc.message},
                )
                continue
            listed = ", ".join(f"{s['service_code']} ({s['service_name']})" for s in services)
            messages.info(
                request,
                _("Layanan %(server)s: %(services)s")
                % {"server": server.name, "services": listed or "-"},
            )


@admin.register(RemoteRequest)
class RemoteRequestAdmin(admin.ModelAdmin):
    list_display = (
        "report",
        "server",
        "state",
        "remote_id",
        "remote_status",
        "attempts",
        "last_error",
        "last_fetched_at",
    )
    list_filter = ("state", "server")
    search_fields = ("report__code", "remote_id")
    actions = ["try_now"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in RemoteRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=gettext_lazy("Coba kirim/ambil lagi sekarang"))
    def try_now(self, request, queryset):
        queryset.filter(state__in=[RemoteRequest.State.PENDING, RemoteRequest.State.SENT]).update(
            next_attempt_at=timezone.now()
        )

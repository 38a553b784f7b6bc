from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from . import actions
from .models import ErasureRequest, User


class RoleAgencyMixin:
    """An officer works for exactly one agency; nobody else has one."""

    def clean(self):
        cleaned = super().clean()  # type: ignore[misc]  # a mixin for ModelForm subclasses
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role:
            actions.check_role_and_agency(role, agency, cleaned.get("sub_unit"))
        if (
            agency is not None
            and not agency.is_active
            and "agency" in getattr(self, "changed_data", ())
        ):
            raise forms.ValidationError({"agency": _("Perangkat daerah ini tidak aktif.")})
        return cleaned


class AduanUserChangeForm(RoleAgencyMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class AduanUserCreationForm(RoleAgencyMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "role", "agency", "sub_unit", "full_name", "email", "phone")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = AduanUserChangeForm
    add_form = AduanUserCreationForm
    list_display = (
        "username",
        "full_name",
        "email",
        "role",
        "agency",
        "sub_unit",
        "is_representative",
        "is_active",
    )
    list_filter = ("role", "agency", "is_representative", "is_active")
    search_fields = ("username", "full_name", "email")
    readonly_fields = ("nik_display",)
    # A search box, not a <select> of every region of Indonesia (90,000 options made the change
    # page megabytes long and took seconds to draw).
    autocomplete_fields = ("district", "village")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            _("Aduan"),
            {
                "fields": (
                    "role",
                    "full_name",
                    "phone",
                    "agency",
                    "sub_unit",
                    "is_representative",
                )
            },
        ),
        (
            _("Profil pelapor"),
            {
                "fields": (
                    "nik_display",
                    "sex",
                    "birth_date",
                    "occupation",
                    "district",
                    "village",
                    "address",
                )
            },
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "role",
                    "agency",
                    "sub_unit",
                    "full_name",
                    "email",
                    "phone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: reports, timelines and the audit trail keep the account

    def save_model(self, request, obj, form, change):
        """Through the audit hooks with the sysadmin as actor: a change of role, agency, admin
        rights or activity is written to the audit chain (`audit_hooks`), the sysadmin's own
        included, and shows on the supervisors' audit page."""
        actions.save_audited(obj, actor=request.user)

    @admin.action(description=_("Nonaktifkan pengguna terpilih"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.exclude(pk=request.user.pk).filter(is_active=True):
            actions.do_set_active(user, False, actor=request.user)
            count += 1
        self.message_user(
            request, _("%(n)s pengguna dinonaktifkan.") % {"n": count}, messages.SUCCESS
        )

    @admin.display(description=_("NIK (disamarkan)"))
    def nik_display(self, obj):
        return obj.nik_masked or "—"


@admin.register(ErasureRequest)
class ErasureRequestAdmin(admin.ModelAdmin):
    """Citizens' erasure requests, to read: an erasure cannot be undone, so it is executed or
    refused with `manage.py erasure_requests` (which shows the open reports first and takes the
    refusal's reason), not with a click on a list."""

    list_display = ("id", "user", "state", "requested_at", "decided_at", "decided_by")
    list_filter = ("state",)
    fields = ("user", "state", "requested_at", "decided_at", "decided_by", "decision_note")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

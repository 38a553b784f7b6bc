from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "role", "agency", "is_representative", "is_active")
    list_filter = ("role", "agency", "is_representative", "is_active")
    search_fields = ("username", "full_name", "email")
    readonly_fields = ("nik_display",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Aduan"), {"fields": ("role", "full_name", "phone", "agency", "is_representative")}),
        (_("Profil pelapor"), {"fields": ("nik_display", "sex", "birth_date", "occupation", "district", "village",
                                          "address")}),
    )

    @admin.display(description=_("NIK (disamarkan)"))
    def nik_display(self, obj):
        return obj.nik_masked or "—"

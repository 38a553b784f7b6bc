from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "email", "role", "agency", "is_representative", "is_active")
    list_filter = ("role", "agency", "is_representative", "is_active")
    search_fields = ("username", "full_name", "email")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Aduan"), {"fields": ("role", "full_name", "phone", "agency", "is_representative")}),
    )

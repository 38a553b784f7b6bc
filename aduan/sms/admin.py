from django.contrib import admin

from .models import VerifiedPhone


@admin.register(VerifiedPhone)
class VerifiedPhoneAdmin(admin.ModelAdmin):
    list_display = ("phone", "user", "verified_at")
    search_fields = ("phone", "user__username", "user__full_name")
    raw_id_fields = ("user",)

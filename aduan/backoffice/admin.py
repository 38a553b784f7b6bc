from django.contrib import admin

from .models import ResponseTemplate


@admin.register(ResponseTemplate)
class ResponseTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "agency", "is_active", "order")
    list_filter = ("kind", "is_active", "agency")
    list_editable = ("is_active", "order")
    search_fields = ("title", "body")

from django.contrib import admin

from .models import Agency, Category, CategoryQuestion, Holiday, Region, SlaPolicy


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: reports and their history keep the agency


class CategoryQuestionInline(admin.TabularInline):
    model = CategoryQuestion
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "supervisory", "default_agency", "is_active")
    list_filter = ("supervisory", "is_active")
    search_fields = ("code", "name")
    inlines = [CategoryQuestionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "source")
    list_filter = ("source",)
    date_hierarchy = "date"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("step", "days", "working_days", "classification", "category", "supervisory", "warn_share")
    list_filter = ("step",)

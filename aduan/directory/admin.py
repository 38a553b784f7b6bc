from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from aduan.core import fragments

from .models import (
    Agency,
    Category,
    CategoryQuestion,
    Holiday,
    Region,
    SlaPolicy,
    SubUnit,
    SubUnitRule,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


def _set_active(modeladmin, request, queryset, active: bool) -> int:
    """Each one saved and put in the admin's history, as an edit on its form is: a bulk update
    left no trace of who switched an agency or a category off."""
    changed = [item for item in queryset if item.is_active != active]
    for item in changed:
        item.is_active = active
        item.save(update_fields=["is_active"])
        modeladmin.log_change(request, item, [{"changed": {"fields": ["is_active"]}}])
    fragments.changed()
    return len(changed)


@admin.action(description=_("Nonaktifkan yang dipilih (riwayat tetap tersimpan)"))
def deactivate(modeladmin, request, queryset):
    count = _set_active(modeladmin, request, queryset, False)
    modeladmin.message_user(request, _("%(n)s dinonaktifkan.") % {"n": count}, messages.SUCCESS)


@admin.action(description=_("Aktifkan kembali yang dipilih"))
def activate(modeladmin, request, queryset):
    count = _set_active(modeladmin, request, queryset, True)
    modeladmin.message_user(request, _("%(n)s diaktifkan.") % {"n": count}, messages.SUCCESS)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "head_email", "officer_count", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("code", "name", "short_name")
    actions = [deactivate, activate]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_officers=Count("officers", filter=Q(officers__is_active=True)))
        )

    @admin.display(description=_("petugas aktif"), ordering="n_officers")
    def officer_count(self, obj):
        return obj.n_officers

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: reports and their history keep the agency


class CategoryQuestionInline(admin.TabularInline):
    model = CategoryQuestion
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "parent",
        "supervisory",
        "default_agency",
        "default_priority",
        "is_active",
    )
    list_editable = ("supervisory", "default_agency", "default_priority")
    list_filter = ("supervisory", "default_priority", "is_active", "default_agency")
    search_fields = ("code", "name")
    list_select_related = ("parent", "default_agency")
    inlines = [CategoryQuestionInline]
    actions = [deactivate, activate]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "default_agency":
            kwargs["queryset"] = Agency.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "name", "source")
    list_filter = ("source",)
    date_hierarchy = "date"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "step",
        "days",
        "working_days",
        "classification",
        "category",
        "supervisory",
        "warn_share",
    )
    list_editable = ("days", "working_days", "warn_share")
    list_filter = ("step",)


@admin.register(SubUnit)
class SubUnitAdmin(admin.ModelAdmin):
    """Sub-units of an agency (issue 16); their officers are users with the agency and the
    sub-unit set (the user page)."""

    list_display = ("name", "agency", "kind", "district", "village", "is_active")
    list_filter = ("kind", "is_active", "agency")
    search_fields = ("name", "agency__short_name")
    raw_id_fields = ("district", "village")
    actions = [deactivate, activate]

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: reports keep their sub-unit


@admin.register(SubUnitRule)
class SubUnitRuleAdmin(admin.ModelAdmin):
    """Which sub-unit the agency's reports are proposed for: the most specific rule wins
    (`aduan.triage.sub_units`)."""

    list_display = ("agency", "category", "district", "village", "sub_unit")
    list_filter = ("agency",)
    raw_id_fields = ("district", "village")
    autocomplete_fields = ("sub_unit",)

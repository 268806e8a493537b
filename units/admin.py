from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import Campaign, Unit, User


class DistrictFilter(admin.SimpleListFilter):
    title = _("huyện, thị xã, thành phố")
    parameter_name = "district"

    def lookups(self, request, model_admin):
        return [(u.code, u.name) for u in Unit.objects.districts().order_by("code")]

    def queryset(self, request, queryset):
        if self.value():
            district = Unit.objects.filter(code=self.value()).first()
            if district:
                return queryset.subtree(district)
        return queryset


class PopulationMissingFilter(admin.SimpleListFilter):
    title = _("dân số")
    parameter_name = "population"

    def lookups(self, request, model_admin):
        return [("missing", _("Chưa có số liệu")), ("estimated", _("Ước tính")), ("known", _("Đã có"))]

    def queryset(self, request, queryset):
        territorial = queryset.exclude(kind="agency")
        if self.value() == "missing":
            return territorial.filter(population__isnull=True)
        if self.value() == "estimated":
            return territorial.filter(population_estimated=True)
        if self.value() == "known":
            return territorial.filter(population__isnull=False)
        return queryset


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "population_display", "staff_total", "family_total", "must_report", "active")
    list_filter = ("kind", DistrictFilter, PopulationMissingFilter, "group", "must_report", "active")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    list_editable = ("staff_total", "family_total")
    readonly_fields = ("path",)
    autocomplete_fields = ("parent",)
    ordering = ("path",)
    list_per_page = 200

    @admin.display(description=_("dân số"), ordering="population")
    def population_display(self, obj):
        if obj.kind == "agency":
            return "—"
        if obj.population is None:
            return _("chưa có số liệu")
        return f"{obj.population:,}".replace(",", ".") + (" " + str(_("(ước tính)")) if obj.population_estimated else "")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "start_date", "target_date", "population_target_rate", "staff_target_rate", "deadline")


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ("username", "get_full_name", "role", "unit", "email", "is_active", "last_login")
    list_filter = ("role", "is_active", "unit__kind")
    search_fields = ("username", "first_name", "last_name", "email", "unit__name", "unit__code")
    list_select_related = ("unit",)
    autocomplete_fields = ("unit",)
    fieldsets = (
        *UserAdmin.fieldsets,
        (_("Bluezone"), {"fields": ("role", "unit", "phone")}),
    )
    add_fieldsets = (
        *UserAdmin.add_fieldsets,
        (_("Bluezone"), {"fields": ("role", "unit", "email")}),
    )

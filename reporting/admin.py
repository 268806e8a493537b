from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from reporting.models import DailyReport, MissedDeadline, Notification, ReportRevision


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is evidence: visible to administrators, editable by no one."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RevisionInline(admin.TabularInline):
    model = ReportRevision
    fields = ("number", "created_at", "author", "channel", "ip_address", "residents_installed", "staff_installed",
              "family_installed", "assisted_installs", "note", "previous")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DailyReport)
class DailyReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "date", "residents_installed", "staff_installed", "family_installed",
                    "assisted_installs", "on_time", "first_submitted_at", "revision_count", "channel")
    list_filter = ("date", "on_time", "channel", "unit__kind")
    search_fields = ("unit__code", "unit__name", "note")
    list_select_related = ("unit",)
    date_hierarchy = "date"
    inlines = [RevisionInline]


@admin.register(ReportRevision)
class ReportRevisionAdmin(ReadOnlyAdmin):
    list_display = ("unit", "date", "number", "created_at", "author", "channel", "ip_address")
    list_filter = ("channel", "date")
    search_fields = ("unit__code", "unit__name", "author__username")
    list_select_related = ("unit", "author")


@admin.register(MissedDeadline)
class MissedDeadlineAdmin(ReadOnlyAdmin):
    list_display = ("unit", "date", "flagged_at", "excused", "escalated")
    list_filter = ("date", "excused", "escalated")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("kind", "date", "unit", "recipient", "sent_at")
    list_filter = ("kind", "date")
    list_select_related = ("unit", "recipient")


admin.site.site_header = _("Quản trị cổng báo cáo Bluezone Hậu Giang")
admin.site.site_title = _("Bluezone Hậu Giang")

"""Staff view of meetings: find a group's series, see leaders, statuses and sequences."""

from django.contrib import admin

from .models import Meeting


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "run", "week", "starts_at", "leader", "status", "sequence")
    list_filter = ("status", "group__run")
    list_select_related = ("group__run", "leader__user")
    search_fields = ("group__run__title", "leader__user__email")
    date_hierarchy = "starts_at"
    raw_id_fields = ("group", "module", "leader")
    readonly_fields = ("sequence", "uid", "created_at", "updated_at")
    ordering = ("group__run", "group__number", "week")

    @admin.display(ordering="group__run__title")
    def run(self, meeting: Meeting):
        return meeting.group.run

    @admin.display(description="UID")
    def uid(self, meeting: Meeting) -> str:
        return meeting.uid

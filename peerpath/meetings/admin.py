"""Staff view of meetings: series, leaders, visits, statuses and sequences; the facilitator
pool, attendance, feedback and the changes that were announced."""

from django.contrib import admin

from .models import (
    Attendance,
    Facilitator,
    Meeting,
    MeetingChange,
    MeetingFeedback,
    MeetingSettings,
)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "run",
        "week",
        "starts_at",
        "leader",
        "facilitator",
        "status",
        "sequence",
    )
    list_filter = ("status", "group__run")
    list_select_related = ("group__run", "leader__user", "facilitator")
    search_fields = ("group__run__title", "leader__user__email", "facilitator__email")
    date_hierarchy = "starts_at"
    raw_id_fields = ("group", "module", "leader", "facilitator", "attendance_recorded_by")
    readonly_fields = ("sequence", "uid", "created_at", "updated_at")
    ordering = ("group__run", "group__number", "week")

    @admin.display(ordering="group__run__title")
    def run(self, meeting: Meeting):
        return meeting.group.run

    @admin.display(description="UID")
    def uid(self, meeting: Meeting) -> str:
        return meeting.uid


@admin.register(MeetingSettings)
class MeetingSettingsAdmin(admin.ModelAdmin):
    list_display = ("run", "tasks_visible_hours", "visit_every_weeks", "quiet_after_days")
    raw_id_fields = ("run",)


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ("user", "run", "capacity_per_week", "availability_text", "timezone", "left_at")
    list_filter = ("run",)
    raw_id_fields = ("run", "user")
    readonly_fields = ("availability_utc",)


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ("meeting", "enrolment", "present", "recorded_by")
    list_filter = ("present", "meeting__group__run")
    raw_id_fields = ("meeting", "enrolment", "recorded_by")


@admin.register(MeetingFeedback)
class MeetingFeedbackAdmin(admin.ModelAdmin):
    list_display = ("meeting", "enrolment", "rating")
    list_filter = ("rating", "meeting__group__run")
    raw_id_fields = ("meeting", "enrolment")


@admin.register(MeetingChange)
class MeetingChangeAdmin(admin.ModelAdmin):
    list_display = ("group", "kind", "made_by", "created_at")
    list_filter = ("kind",)
    raw_id_fields = ("group", "made_by")
    readonly_fields = ("meeting_ids", "previous_starts")

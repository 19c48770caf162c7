from django.contrib import admin

from peerpath.grouping.models import GroupingResult, GroupMembership, StudyGroup


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    raw_id_fields = ("enrolment",)
    extra = 0


@admin.register(StudyGroup)
class StudyGroupAdmin(admin.ModelAdmin):
    list_display = ("number", "run", "language", "hour_utc", "status")
    list_filter = ("run", "status", "language")
    inlines = [MembershipInline]


@admin.register(GroupingResult)
class GroupingResultAdmin(admin.ModelAdmin):
    list_display = ("run", "created_at", "seed")
    readonly_fields = ("report", "unassigned")

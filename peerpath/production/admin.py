"""Admin for production: criteria, roles and resources are configured here; the log is read-only."""

from django.contrib import admin

from peerpath.production import models


@admin.register(models.AssessmentCriterion)
class AssessmentCriterionAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(models.ProductionRole)
class ProductionRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "proposal"]
    list_filter = ["role"]
    raw_id_fields = ["user", "proposal"]


@admin.register(models.Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "hourly_price",
        "currency",
        "opens_at",
        "closes_at",
        "slot_minutes",
        "active",
    ]


class TransitionLogInline(admin.TabularInline):
    model = models.TransitionLog
    extra = 0
    can_delete = False
    readonly_fields = ["at", "action", "from_state", "to_state", "actor", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Proposal)
class ProposalAdmin(admin.ModelAdmin):
    """Status is read-only: it moves only through the workflow's services."""

    list_display = ["topic", "proposer", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["topic"]
    readonly_fields = ["status", "round"]
    raw_id_fields = [
        "proposer",
        "co_instructors",
        "based_on",
        "course",
        "pilot_run",
        "programme_group",
    ]
    inlines = [TransitionLogInline]


@admin.register(models.TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ["at", "proposal", "action", "actor"]
    list_filter = ["action"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["resource", "proposal", "starts_at", "ends_at", "hourly_price"]
    list_filter = ["resource"]


@admin.register(models.SemesterReview)
class SemesterReviewAdmin(admin.ModelAdmin):
    list_display = ["course", "semester", "decision", "reviewed_by", "reviewed_at"]


admin.site.register(models.Milestone)
admin.site.register(models.FeedbackRound)
admin.site.register(models.FeedbackComment)


class ProgrammeGroupInline(admin.TabularInline):
    model = models.ProgrammeGroup
    extra = 0
    raw_id_fields = ["group", "designer"]


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    """Programmes are opened from the production pages (which import the programme course);
    here their dates and designers can be corrected."""

    list_display = ["title", "run", "production_starts_on"]
    raw_id_fields = ["run"]
    inlines = [ProgrammeGroupInline]

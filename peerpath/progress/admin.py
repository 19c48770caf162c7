from django.contrib import admin

from peerpath.progress.models import (
    Completion,
    CompletionRule,
    EnrolmentMove,
    RiskScore,
    RunCompletion,
)


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "activity", "source", "completed_at")
    list_filter = ("source",)
    raw_id_fields = ("enrolment", "activity")


@admin.register(CompletionRule)
class CompletionRuleAdmin(admin.ModelAdmin):
    list_display = ("run", "min_meeting_percent")
    filter_horizontal = ("required_activities", "assessments")


@admin.register(RunCompletion)
class RunCompletionAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "completed_at")
    raw_id_fields = ("enrolment",)


@admin.register(RiskScore)
class RiskScoreAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "day", "run_day", "score")
    list_filter = ("day",)
    raw_id_fields = ("enrolment",)


@admin.register(EnrolmentMove)
class EnrolmentMoveAdmin(admin.ModelAdmin):
    list_display = ("from_enrolment", "to_enrolment", "kept_completions", "created_at")
    raw_id_fields = ("from_enrolment", "to_enrolment")

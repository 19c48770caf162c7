from django.contrib import admin

from peerpath.progress.models import Completion


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "activity", "source", "completed_at")
    list_filter = ("source",)
    raw_id_fields = ("enrolment", "activity")

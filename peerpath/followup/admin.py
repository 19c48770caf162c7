from django.contrib import admin

from peerpath.followup.models import Contact, FollowUpCase


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    raw_id_fields = ("by",)


@admin.register(FollowUpCase)
class FollowUpCaseAdmin(admin.ModelAdmin):
    list_display = ("enrolment", "status", "snoozed_until", "score_at_open", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("enrolment", "owner")
    inlines = [ContactInline]

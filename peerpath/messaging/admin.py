from django.contrib import admin

from peerpath.messaging.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("kind", "to_email", "status", "due_at", "sent_at", "attempts")
    list_filter = ("status", "kind", "run")
    search_fields = ("to_email", "key", "subject")
    raw_id_fields = ("recipient", "run")
    readonly_fields = ("key", "message_id", "claimed_by", "claimed_at", "sent_at")
    date_hierarchy = "due_at"

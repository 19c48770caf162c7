from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from peerpath.badges.models import Achievement, BadgeCredential
from peerpath.badges.services import credential_revoke


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    list_display = ("name", "course")


@admin.register(BadgeCredential)
class BadgeCredentialAdmin(admin.ModelAdmin):
    list_display = ("uuid", "achievement", "enrolment", "issued_at", "revoked_at")
    list_filter = ("achievement",)
    raw_id_fields = ("enrolment",)
    readonly_fields = ("uuid", "token", "issued_at", "key")
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected badges"))
    def revoke(self, request, queryset):
        for badge in queryset:
            credential_revoke(badge=badge, reason=str(_("Revoked by staff")))

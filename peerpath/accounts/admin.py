from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from peerpath.accounts.models import ApiToken, RunRole, User


@admin.register(User)
class PeerPathUserAdmin(UserAdmin):
    list_display = ("email", "display_name", "timezone", "is_staff", "last_login")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    fieldsets = UserAdmin.fieldsets + (
        ("PeerPath", {"fields": ("display_name", "timezone", "language")}),
    )


@admin.register(RunRole)
class RunRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "run")
    list_filter = ("role", "run")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("token_hash", "prefix", "last_used_at")
    raw_id_fields = ("user",)

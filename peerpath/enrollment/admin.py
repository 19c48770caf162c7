from django.contrib import admin

from peerpath.enrollment.models import Enrolment, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "run", "status", "mode", "language", "timezone", "organisation",
                    "source", "confirmed_at"]
    list_filter = ["run", "status", "mode", "source", "language"]
    search_fields = ["user__email", "user__display_name", "organisation__name"]
    raw_id_fields = ["user", "organisation"]
    list_select_related = ["user", "run", "organisation"]
    readonly_fields = ["created_at", "updated_at", "availability_utc"]
    date_hierarchy = "created_at"

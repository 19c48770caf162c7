"""Staff manage xAPI clients (credentials per tool) and activity IRI mappings here."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from peerpath.xapi.auth import forget_client
from peerpath.xapi.models import ActivityIRI, Statement, XapiClient
from peerpath.xapi.services import client_create


@admin.register(XapiClient)
class XapiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "run", "active", "last_used_at", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "key")
    raw_id_fields = ("run",)
    fields = ("name", "run", "active", "key", "last_used_at")
    readonly_fields = ("key", "last_used_at")

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            forget_client(obj.key)
            return
        client, secret = client_create(name=obj.name, run=obj.run)
        obj.pk, obj.key, obj.secret_hash = client.pk, client.key, client.secret_hash
        obj._state.adding = False
        messages.warning(
            request,
            _("Credentials for %(name)s, shown only now: %(key)s:%(secret)s")
            % {"name": client.name, "key": client.key, "secret": secret},
        )


@admin.register(ActivityIRI)
class ActivityIRIAdmin(admin.ModelAdmin):
    list_display = ("iri", "activity")
    search_fields = ("iri",)
    raw_id_fields = ("activity",)


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("statement_id", "verb_iri", "activity_iri", "actor_ifi", "stored", "voided")
    list_filter = ("voided",)
    search_fields = ("statement_id", "activity_iri", "actor_ifi")
    readonly_fields = [field.name for field in Statement._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

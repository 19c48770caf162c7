"""Staff editing of courses, modules, activities and runs.

Opening a public run from here passes the production quality gate: a course with new content
opens a public run only after its pilot has finished and the launch approval is recorded.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Activity, Course, Module, Run


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("position", "slug", "title")
    extra = 0
    show_change_link = True


class ActivityInline(admin.TabularInline):
    model = Activity
    fields = ("position", "slug", "title", "kind", "url", "minutes", "required")
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "language", "new_content", "updated_at")
    list_filter = ("language", "new_content")
    search_fields = ("title", "slug", "summary")
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "position", "slug")
    list_filter = ("course",)
    list_select_related = ("course",)
    search_fields = ("title", "slug", "summary", "course__title")
    ordering = ("course", "position")
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "module", "kind", "minutes", "required")
    list_filter = ("kind", "required", "module__course")
    list_select_related = ("module", "module__course")
    search_fields = ("title", "slug", "url", "module__title")
    raw_id_fields = ("module",)


class RunAdminForm(forms.ModelForm):
    """Refuses, on the status field, a save that would open a public run past the pilot gate."""

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        from peerpath.production.services import run_change_check

        previous = None
        if self.instance.pk is not None:
            previous = Run.objects.filter(pk=self.instance.pk).first()
        candidate = Run(
            pk=self.instance.pk,
            slug=cleaned.get("slug") or self.instance.slug,
            title=cleaned.get("title") or self.instance.title,
            course=cleaned.get("course"),
            kind=cleaned.get("kind"),
            status=cleaned.get("status"),
        )
        try:
            run_change_check(run=candidate, previous=previous)
        except ApplicationError as error:
            raise forms.ValidationError({"status": error.message}) from None
        return cleaned


@admin.action(description=_("Open the selected draft runs for sign-up"))
def open_runs(modeladmin, request, queryset):
    """Each run passes the pilot gate on its own; a refused run stays a draft, with the reason."""
    from peerpath.production.services import run_open

    opened = 0
    for run in queryset.select_related("course"):
        try:
            run_open(run=run, actor=request.user)
        except ApplicationError as error:
            modeladmin.message_user(request, f"{run.title}: {error.message}", messages.ERROR)
        else:
            opened += 1
    if opened:
        modeladmin.message_user(
            request,
            ngettext("%(n)d run opened.", "%(n)d runs opened.", opened) % {"n": opened},
            messages.SUCCESS,
        )


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    form = RunAdminForm
    actions = [open_runs]
    list_display = ("title", "course", "kind", "status", "pace", "starts_on", "capacity")
    list_filter = ("status", "kind", "pace", "course")
    list_select_related = ("course",)
    search_fields = ("title", "slug", "course__title", "invitation_code")
    date_hierarchy = "starts_on"
    filter_horizontal = ("organisations",)
    prepopulated_fields = {"slug": ("title",)}

"""Staff editing of courses, modules, activities and runs."""

from django.contrib import admin

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


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    list_display = ("title", "course", "kind", "status", "pace", "starts_on", "capacity")
    list_filter = ("status", "kind", "pace", "course")
    list_select_related = ("course",)
    search_fields = ("title", "slug", "course__title", "invitation_code")
    date_hierarchy = "starts_on"
    filter_horizontal = ("organisations",)
    prepopulated_fields = {"slug": ("title",)}

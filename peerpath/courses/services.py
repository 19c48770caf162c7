"""Writes for courses: importing a course folder (course as code)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import F, Max

from peerpath.common.errors import ApplicationError

from .importing import CourseFolderError, CourseSpec, ModuleSpec, read_course_folder
from .models import Activity, Course, Module


@dataclass
class ImportResult:
    """What an import did. Counts cover the course, its modules and their activities."""

    course: Course
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged"
        )


def course_import(*, path: str | Path) -> ImportResult:
    """Create or update the course described by the folder at `path`, matching by slug.

    Every file is validated first; on any problem an ApplicationError lists them all as
    ("FILE, line N", reason) pairs and nothing is written. Otherwise the whole course is written
    in one transaction: titles, links and texts are updated in place, new modules and activities
    are added, and those no longer in the folder are removed (with their completions).
    """
    try:
        spec = read_course_folder(path)
    except CourseFolderError as error:
        count = len(error.problems)
        raise ApplicationError(
            f"The course folder {path} has {count} problem{'s' if count != 1 else ''}; "
            "nothing was imported.",
            field="path",
            errors=[(problem.location, problem.reason) for problem in error.problems],
        ) from None
    with transaction.atomic():
        return _write_course(spec)


def _apply(obj, values: dict) -> bool:
    """Set the changed attributes of `obj`; whether anything changed."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return bool(changed)


def _tally(result: ImportResult, obj, values: dict) -> None:
    """Create `obj` if new, else save it only when `values` change it; count which."""
    if obj.pk is None:
        _apply(obj, values)
        obj.save()
        result.created += 1
    elif _apply(obj, values):
        obj.save()
        result.updated += 1
    else:
        result.unchanged += 1


def _write_course(spec: CourseSpec) -> ImportResult:
    course = Course.objects.select_for_update().filter(slug=spec.slug).first()
    result = ImportResult(course=course or Course(slug=spec.slug))
    _tally(result, result.course, {
        "title": spec.title, "summary": spec.summary, "language": spec.language,
        "new_content": spec.new_content,
    })
    course = result.course

    existing = {module.slug: module for module in course.modules.all()}
    wanted = {module_spec.slug for module_spec in spec.modules}
    gone = [module.pk for slug, module in existing.items() if slug not in wanted]
    if gone:
        result.removed += Activity.objects.filter(module_id__in=gone).count() + len(gone)
        Module.objects.filter(pk__in=gone).delete()
    # Positions are unique per course: park the modules that move above every final position
    # first, so that renumbering never collides with a position another module still holds.
    final = {module_spec.slug: number for number, module_spec in enumerate(spec.modules, start=1)}
    movers = [m.pk for slug, m in existing.items() if slug in wanted and m.position != final[slug]]
    if movers:
        top = course.modules.aggregate(top=Max("position"))["top"] or 0
        Module.objects.filter(pk__in=movers).update(
            position=F("position") + max(top, len(spec.modules)) + 1
        )

    for position, module_spec in enumerate(spec.modules, start=1):
        module = existing.get(module_spec.slug) or Module(course=course, slug=module_spec.slug)
        _tally(result, module, {
            "position": position, "title": module_spec.title, "summary": module_spec.summary,
            "discussion_tasks": module_spec.discussion_tasks,
        })
        _write_activities(result, module, module_spec)
    return result


def _write_activities(result: ImportResult, module: Module, spec: ModuleSpec) -> None:
    existing = {activity.slug: activity for activity in module.activities.all()}
    wanted = {activity_spec.slug for activity_spec in spec.activities}
    gone = [activity.pk for slug, activity in existing.items() if slug not in wanted]
    if gone:
        result.removed += len(gone)
        Activity.objects.filter(pk__in=gone).delete()
    for position, activity_spec in enumerate(spec.activities, start=1):
        activity = existing.get(activity_spec.slug) or Activity(
            module=module, slug=activity_spec.slug
        )
        _tally(result, activity, {
            "position": position, "title": activity_spec.title, "kind": activity_spec.kind,
            "url": activity_spec.url, "minutes": activity_spec.minutes,
            "required": activity_spec.required, "description": activity_spec.description,
        })

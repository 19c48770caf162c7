"""`peerpath course import PATH` loads a course folder; `peerpath course check PATH` only
validates it. Problems go to stderr as `FILE, line N: reason` and the exit status is 1."""

from django.core.management.base import BaseCommand, CommandError

from peerpath.common.errors import ApplicationError
from peerpath.courses.importing import CourseFolderError, read_course_folder
from peerpath.courses.models import Activity
from peerpath.courses.services import course_import


class Command(BaseCommand):
    help = "Course as code: import or check a folder of course.yaml and module Markdown files."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        importing = actions.add_parser("import", help="Create or update the course in the folder.")
        importing.add_argument("path", help="The course folder (holding course.yaml).")
        checking = actions.add_parser("check", help="Validate the folder without writing.")
        checking.add_argument("path", help="The course folder (holding course.yaml).")

    def handle(self, *args, action: str, path: str, **options):
        if action == "check":
            return self._check(path)
        try:
            result = course_import(path=path)
        except ApplicationError as error:
            raise CommandError(str(error)) from None
        course = result.course
        modules = course.modules.count()
        activities = Activity.objects.filter(module__course=course).count()
        self.stdout.write(self.style.SUCCESS(
            f"Imported course '{course.slug}' ({course.title}): {modules} modules, "
            f"{activities} activities; {result}."
        ))

    def _check(self, path: str) -> None:
        try:
            spec = read_course_folder(path)
        except CourseFolderError as error:
            raise CommandError(
                f"The course folder {path} has problems:\n{error}"
            ) from None
        activities = sum(len(module.activities) for module in spec.modules)
        self.stdout.write(self.style.SUCCESS(
            f"Course '{spec.slug}' is valid: {len(spec.modules)} modules, {activities} activities."
        ))

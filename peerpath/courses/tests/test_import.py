"""Importing a course folder, and re-importing it to update the course in place."""

import pytest

from peerpath.courses.models import Activity, Course, Module
from peerpath.courses.services import course_import
from tests.factories import CourseFactory, ModuleFactory

pytestmark = pytest.mark.django_db


def test_demo_course_imports_as_eight_weekly_modules_each_with_one_group_meeting(
    demo_course_path,
):
    result = course_import(path=demo_course_path)

    course = Course.objects.get(slug="python-intro")
    assert result.course == course
    assert course.title == "A Gentle Introduction to Python"
    modules = list(course.modules.order_by("position"))
    assert [module.position for module in modules] == list(range(1, 9))
    assert modules[0].slug == "getting-started"
    assert modules[-1].slug == "a-small-project"
    for module in modules:
        kinds = list(module.activities.values_list("kind", flat=True))
        assert kinds.count(Activity.Kind.GROUP_MEETING) == 1
        assert 3 <= len(kinds) - 1 <= 5
        assert module.discussion_tasks.startswith("1. ")
    activity_count = Activity.objects.filter(module__course=course).count()
    assert result.created == 1 + 8 + activity_count
    assert (result.updated, result.removed, result.unchanged) == (0, 0, 0)


def test_module_without_a_listed_meeting_gets_the_default_weekly_meeting_last(demo_course_path):
    course_import(path=demo_course_path)

    meeting = Activity.objects.get(module__slug="loops", kind=Activity.Kind.GROUP_MEETING)
    assert (meeting.slug, meeting.minutes, meeting.required) == ("group-meeting", 60, True)
    assert meeting.position == meeting.module.activities.count()


def test_a_listed_group_meeting_replaces_the_default(demo_course_path):
    course_import(path=demo_course_path)

    meeting = Activity.objects.get(module__slug="a-small-project", kind="group_meeting")
    assert (meeting.slug, meeting.minutes) == ("project-show-and-tell", 90)


def test_activities_keep_their_order_links_minutes_and_required_flags(make_course_folder):
    course_import(path=make_course_folder())

    activities = Activity.objects.filter(module__slug="first").order_by("position")
    assert [(a.slug, a.kind, a.minutes, a.required) for a in activities] == [
        ("read-this", "read", 10, True),
        ("do-that", "do", 20, False),
        ("group-meeting", "group_meeting", 60, True),
    ]
    assert activities[0].url == "https://docs.python.org/3/tutorial/appetite.html"


def test_reimporting_an_unchanged_folder_changes_nothing(demo_course_path, course_tables):
    course_import(path=demo_course_path)
    before = course_tables()

    result = course_import(path=demo_course_path)

    assert course_tables() == before
    assert (result.created, result.updated, result.removed) == (0, 0, 0)
    assert result.unchanged == len(before)


def test_reimport_updates_a_changed_title_and_removes_a_dropped_activity_keeping_ids(
    demo_course_copy,
):
    course_import(path=demo_course_copy)
    ids = {(a.module.slug, a.slug): a.pk for a in Activity.objects.select_related("module")}
    module_ids = dict(Module.objects.values_list("slug", "pk"))
    loops = demo_course_copy / "modules" / "04-loops.md"
    text = loops.read_text()
    text = text.replace("title: Loops", "title: Loops and repetition")
    start = text.index("  - slug: mit-problem-set-1")
    text = text[:start] + text[text.index("---\n", start) :]
    loops.write_text(text)

    result = course_import(path=demo_course_copy)

    module = Module.objects.get(slug="loops")
    assert module.title == "Loops and repetition"
    assert dict(Module.objects.values_list("slug", "pk")) == module_ids
    assert not Activity.objects.filter(slug="mit-problem-set-1").exists()
    del ids[("loops", "mit-problem-set-1")]
    assert {(a.module.slug, a.slug): a.pk for a in Activity.objects.select_related("module")} == ids
    assert list(module.activities.order_by("position").values_list("position", flat=True)) == [
        1, 2, 3, 4,
    ]
    assert (result.created, result.removed) == (0, 1)
    assert result.updated == 2  # the module's title and the meeting's position


def test_reimport_adds_new_modules_and_activities(make_course_folder):
    course_import(path=make_course_folder())
    third = """\
        ---
        slug: third
        title: Third week
        activities:
          - slug: webinar
            title: Ask an expert
            kind: webinar
            minutes: 60
        ---
        1. What did you ask?
        """
    folder = make_course_folder({
        "course.yaml": "slug: tiny\ntitle: Tiny\nmodules: [first.md, second.md, third.md]\n",
        "third.md": third,
    })

    result = course_import(path=folder)

    assert list(Module.objects.order_by("position").values_list("slug", flat=True)) == [
        "first", "second", "third",
    ]
    assert result.created == 3  # module, webinar, default meeting
    assert Activity.objects.get(slug="webinar").kind == "webinar"


def test_reimport_renumbers_reordered_and_removed_modules_without_position_clashes(
    make_course_folder,
):
    course_import(path=make_course_folder())
    first_id = Module.objects.get(slug="first").pk
    folder = make_course_folder({
        "course.yaml": "slug: tiny\ntitle: A tiny course\nmodules: [zero.md, first.md]\n",
        "zero.md": "---\nslug: zero\ntitle: Week zero\n---\nSay hello.\n",
    })

    result = course_import(path=folder)

    assert list(Module.objects.order_by("position").values_list("slug", "position")) == [
        ("zero", 1), ("first", 2),
    ]
    assert Module.objects.get(slug="first").pk == first_id
    assert result.removed == 3  # module "second", its activity and its meeting


def test_swapping_two_modules_swaps_their_positions(make_course_folder):
    course_import(path=make_course_folder())
    folder = make_course_folder({
        "course.yaml": "slug: tiny\ntitle: A tiny course\nmodules: [second.md, first.md]\n",
    })

    course_import(path=folder)

    assert list(Module.objects.order_by("position").values_list("slug", flat=True)) == [
        "second", "first",
    ]


def test_import_leaves_other_courses_alone(make_course_folder):
    other = ModuleFactory(course=CourseFactory(slug="other"), slug="first", position=1)

    course_import(path=make_course_folder())

    other.refresh_from_db()
    assert other.course.slug == "other"
    assert Module.objects.filter(course__slug="tiny").count() == 2


def test_modules_are_read_from_the_modules_folder_in_file_name_order(make_course_folder):
    folder = make_course_folder(base={
        "course.yaml": "slug: folder-course\ntitle: From a folder\n",
        "modules/02-b.md": "---\nslug: b\ntitle: B\n---\nTalk about B.\n",
        "modules/01-a.md": "---\nslug: a\ntitle: A\n---\nTalk about A.\n",
        "modules/notes.txt": "not a module",
    })

    course_import(path=folder)

    assert list(Module.objects.order_by("position").values_list("slug", flat=True)) == ["a", "b"]

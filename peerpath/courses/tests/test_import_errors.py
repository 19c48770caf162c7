"""A bad course folder is refused with every problem as `FILE, line N: reason`, and the
database is left exactly as it was."""

import textwrap

import pytest

from peerpath.common.errors import ApplicationError
from peerpath.courses.services import course_import

from .conftest import SMALL_COURSE

pytestmark = pytest.mark.django_db


def edited(name: str, old: str, new: str) -> dict[str, str]:
    """The small course's file `name` with `old` replaced by `new` (which must occur)."""
    text = textwrap.dedent(SMALL_COURSE[name])
    assert old in text
    return {name: text.replace(old, new, 1)}


def problems_of(folder) -> list[tuple[str, str]]:
    with pytest.raises(ApplicationError) as caught:
        course_import(path=folder)
    assert "nothing was imported" in caught.value.message
    return caught.value.errors


BAD_FILES = {
    "malformed YAML in front matter": (
        edited("first.md", "title: First week", "title: First: week"),
        "first.md, line 3", "malformed YAML: mapping values are not allowed here",
    ),
    "malformed YAML in course.yaml": (
        edited("course.yaml", "  - second.md", "  - [second.md"),
        "course.yaml, line 5", "malformed YAML",
    ),
    "unknown key in an activity": (
        edited("first.md", "    required: false", "    required: false\n    deadline: friday"),
        "first.md, line 15", "unknown key 'deadline' in activity 'do-that'",
    ),
    "unknown key in course.yaml": (
        edited("course.yaml", "title: A tiny course", "title: A tiny course\nauthor: me"),
        "course.yaml, line 3", "unknown key 'author' in the course",
    ),
    "missing required key": (
        edited("first.md", "    title: Read this\n", ""),
        "first.md, line 5", "activity 'read-this' lacks the required key 'title'",
    ),
    "bad kind": (
        edited("first.md", "kind: do", "kind: homework"),
        "first.md, line 12", "'kind' is 'homework', which is not one of: read, watch, do",
    ),
    "bad url": (
        edited("first.md", "https://docs.python.org/3/tutorial/appetite.html", "docs.python"),
        "first.md, line 8", "'url' is not a valid http(s) address: 'docs.python'",
    ),
    "read activity without url": (
        edited("first.md", "    url: https://docs.python.org/3/tutorial/appetite.html\n", ""),
        "first.md, line 5", "activity 'read-this' is a 'read' activity and needs a 'url'",
    ),
    "non-positive minutes": (
        edited("first.md", "minutes: 20", "minutes: 0"),
        "first.md, line 13", "'minutes' must be a whole number of minutes from 1 to 10080",
    ),
    "minutes that are not a number": (
        edited("first.md", "minutes: 20", "minutes: twenty"),
        "first.md, line 13", "'minutes' must be a whole number of minutes",
    ),
    "duplicate activity slug": (
        edited("first.md", "slug: do-that", "slug: read-this"),
        "first.md, line 10", "duplicate activity slug 'read-this' (first used on line 5)",
    ),
    "duplicate module slug": (
        edited("second.md", "slug: second", "slug: first"),
        "second.md, line 2", "duplicate module slug 'first' (already used by ",
    ),
    "key given twice": (
        edited("second.md", "title: Second week", "title: Second week\ntitle: Again"),
        "second.md, line 4", "key 'title' appears more than once in the module",
    ),
    "listed module file missing": (
        edited("course.yaml", "  - second.md", "  - third.md"),
        "course.yaml, line 5", "module file 'third.md' not found",
    ),
    "no front matter": (
        {"second.md": "# Second week\n\nNo front matter here.\n"},
        "second.md, line 1", "starts with YAML front matter between two '---' lines",
    ),
    "unclosed front matter": (
        {"second.md": "---\nslug: second\ntitle: Second\n"},
        "second.md, line 1", "never closed",
    ),
    "no discussion tasks": (
        edited("first.md", "1. What did you read?\n", ""),
        "first.md, line 16", "no discussion tasks",
    ),
    "two group meetings": (
        edited("second.md", "activities:\n", "activities:\n  - {slug: m1, title: M1, "
               "kind: group_meeting}\n  - {slug: m2, title: M2, kind: group_meeting}\n"),
        "second.md, line 6", "'m2' is a second group meeting",
    ),
    "bad slug": (
        edited("course.yaml", "slug: tiny", "slug: tiny course!"),
        "course.yaml, line 1", "'slug' must be a slug",
    ),
}


@pytest.mark.parametrize("files, location, reason", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_reported_with_file_and_line_and_nothing_is_written(
    make_course_folder, course_tables, files, location, reason
):
    folder = make_course_folder(files)

    errors = problems_of(folder)

    assert len(errors) == 1, errors
    where, what = errors[0]
    assert where == f"{folder}/{location}"
    assert reason in what
    assert course_tables() == []


def test_missing_course_yaml_is_reported_by_file_name(make_course_folder, course_tables):
    folder = make_course_folder({"course.yaml": None})

    errors = problems_of(folder)

    assert errors == [
        (f"{folder}/course.yaml", "missing: a course folder holds a course.yaml describing the "
                                  "course"),
    ]
    assert course_tables() == []


def test_every_problem_in_every_file_is_reported_at_once(make_course_folder):
    first = edited("first.md", "kind: do", "kind: homework")["first.md"]
    first = first.replace("title: Read this", "title: Read this\n    colour: red")
    folder = make_course_folder({
        "first.md": first, **edited("second.md", "minutes: 45", "minutes: -5"),
    })

    errors = problems_of(folder)

    assert [where.rsplit("/", 1)[1] for where, _ in errors] == [
        "first.md, line 7", "first.md, line 13", "second.md, line 9",
    ]


def test_bad_reimport_leaves_the_existing_course_untouched(
    demo_course_copy, course_tables
):
    course_import(path=demo_course_copy)
    before = course_tables()
    loops = demo_course_copy / "modules" / "04-loops.md"
    loops.write_text(loops.read_text().replace("title: Loops", "title: Loops: again"))
    functions = demo_course_copy / "modules" / "05-functions.md"
    functions.write_text(functions.read_text().replace("kind: watch", "kind: film"))

    with pytest.raises(ApplicationError) as caught:
        course_import(path=demo_course_copy)

    assert course_tables() == before
    assert "04-loops.md, line 3" in str(caught.value)
    assert "05-functions.md, line 10" in str(caught.value)
    assert "The course folder" in str(caught.value)


def test_missing_folder_is_reported(tmp_path):
    errors = problems_of(tmp_path / "nowhere")

    assert errors == [(str(tmp_path / "nowhere"), "no such folder")]

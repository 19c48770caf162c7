"""Fixtures for the course tests: course folders on disk and a snapshot of the course tables."""

import shutil
import textwrap
from pathlib import Path

import pytest

from peerpath.courses.models import Activity, Course, Module

DEMO_COURSE = Path(__file__).resolve().parents[3] / "demo" / "courses" / "python-intro"

SMALL_COURSE = {
    "course.yaml": """\
        slug: tiny
        title: A tiny course
        modules:
          - first.md
          - second.md
        """,
    "first.md": """\
        ---
        slug: first
        title: First week
        activities:
          - slug: read-this
            title: Read this
            kind: read
            url: https://docs.python.org/3/tutorial/appetite.html
            minutes: 10
          - slug: do-that
            title: Do that
            kind: do
            minutes: 20
            required: false
        ---
        1. What did you read?
        """,
    "second.md": """\
        ---
        slug: second
        title: Second week
        activities:
          - slug: watch-this
            title: Watch this
            kind: watch
            url: https://ocw.mit.edu/
            minutes: 45
        ---
        1. What did you watch?
        """,
}


@pytest.fixture
def demo_course_path() -> Path:
    return DEMO_COURSE


@pytest.fixture
def demo_course_copy(tmp_path) -> Path:
    """A writable copy of the demo course, for tests that edit it."""
    return Path(shutil.copytree(DEMO_COURSE, tmp_path / "python-intro"))


@pytest.fixture
def make_course_folder(tmp_path):
    """Write a course folder from {relative name: text}; the small course by default.

    Pass a name with the value None to leave that file out of the small course.
    """

    def make(files: dict[str, str | None] | None = None, *, base: dict | None = None) -> Path:
        folder = tmp_path / "course"
        if folder.exists():
            shutil.rmtree(folder)
        contents = {**(SMALL_COURSE if base is None else base), **(files or {})}
        for name, text in contents.items():
            if text is None:
                continue
            file = folder / name
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(textwrap.dedent(text), encoding="utf-8")
        return folder

    return make


@pytest.fixture
def course_tables():
    """A function returning every course, module and activity row, to show nothing changed."""

    def snapshot() -> list[tuple]:
        return [
            *Course.objects.order_by("pk").values_list(),
            *Module.objects.order_by("pk").values_list(),
            *Activity.objects.order_by("pk").values_list(),
        ]

    return snapshot

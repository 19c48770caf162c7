"""Read a course folder into plain, validated specs, collecting every problem with its line.

Nothing here touches the database: `read_course_folder` either returns a `CourseSpec` that the
import service can write without further checks, or raises `CourseFolderError` listing every
problem found in every file. The folder format is described in `peerpath.courses.importing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from peerpath.courses.models import Activity

from .schema import (
    ACTIVITY_KEYS,
    COURSE_KEYS,
    DEFAULT_MEETING,
    DEFAULT_MEETING_SLUG,
    KINDS_NEEDING_URL,
    MODULE_KEYS,
    Invalid,
    Schema,
)
from .yaml_lines import LineDict, LineList, describe_error, load

COURSE_FILE = "course.yaml"
MODULES_DIR = "modules"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    @property
    def location(self) -> str:
        return f"{self.file}, line {self.line}" if self.line else self.file

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class CourseFolderError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


@dataclass(frozen=True)
class ActivitySpec:
    slug: str
    title: str
    kind: str
    url: str
    minutes: int
    required: bool
    description: str


@dataclass(frozen=True)
class ModuleSpec:
    slug: str
    title: str
    summary: str
    discussion_tasks: str
    activities: tuple[ActivitySpec, ...]
    source: str


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    summary: str
    language: str
    new_content: bool
    modules: tuple[ModuleSpec, ...]


class _FileChecker:
    """Collects the problems of one file."""

    def __init__(self, display: str, problems: list[Problem]):
        self.display = display
        self.problems = problems
        self.count_at_start = len(problems)

    def add(self, line: int | None, reason: str) -> None:
        self.problems.append(Problem(self.display, line, reason))

    @property
    def ok(self) -> bool:
        return len(self.problems) == self.count_at_start

    def load_yaml(self, text: str, *, first_line: int = 1) -> Any:
        try:
            return load(text, first_line=first_line)
        except yaml.YAMLError as error:
            line, reason = describe_error(error)
            self.add(line or first_line, reason)
            return None

    def fields(self, data: LineDict, schema: Schema, what: str) -> dict[str, Any] | None:
        """Check one mapping against `schema`; the cleaned values, or None after a problem."""
        before = len(self.problems)
        for key, line in data.duplicate_keys:
            self.add(line, f"key '{key}' appears more than once in {what}")
        for key in data:
            if str(key) not in schema:
                reason = f"unknown key '{key}' in {what} (allowed: {', '.join(schema)})"
                self.add(data.line_of(str(key)), reason)
        values: dict[str, Any] = {}
        for key, (required, check, default) in schema.items():
            if key not in data:
                if required:
                    self.add(data.line, f"{what} lacks the required key '{key}'")
                values[key] = default
                continue
            try:
                values[key] = check(data[key])
            except Invalid as invalid:
                self.add(data.line_of(key), f"'{key}' {invalid}")
        return values if len(self.problems) == before else None


def read_course_folder(path: str | Path) -> CourseSpec:
    """Read and validate the course folder at `path`; raise CourseFolderError on any problem."""
    folder = Path(path)
    if folder.is_file() and folder.name == COURSE_FILE:
        folder = folder.parent
    problems: list[Problem] = []
    course_file = folder / COURSE_FILE
    if not folder.is_dir():
        raise CourseFolderError([Problem(str(folder), None, "no such folder")])
    if not course_file.is_file():
        reason = f"missing: a course folder holds a {COURSE_FILE} describing the course"
        raise CourseFolderError([Problem(str(course_file), None, reason)])

    checker = _FileChecker(str(course_file), problems)
    text = _read_text(course_file, checker)
    data = checker.load_yaml(text) if text is not None else None
    course_values = None
    module_files: list[Path] = []
    if checker.ok:
        if not isinstance(data, LineDict):
            checker.add(getattr(data, "line", 1), f"{COURSE_FILE} must be a mapping of keys")
        else:
            course_values = checker.fields(data, COURSE_KEYS, "the course")
            module_files = _module_files(folder, data, checker)

    modules: list[ModuleSpec] = []
    first_use: dict[str, str] = {}
    for module_file in module_files:
        module = _read_module(module_file, problems)
        if module is None:
            continue
        if module.slug in first_use:
            problems.append(Problem(
                module.source, _slug_line(module_file),
                f"duplicate module slug '{module.slug}' (already used by {first_use[module.slug]})",
            ))
            continue
        first_use[module.slug] = module.source
        modules.append(module)
    if problems or course_values is None:
        raise CourseFolderError(problems)
    return CourseSpec(
        slug=course_values["slug"], title=course_values["title"],
        summary=course_values["summary"], language=course_values["language"],
        new_content=course_values["new_content"], modules=tuple(modules),
    )


def _read_text(file: Path, checker: _FileChecker) -> str | None:
    raw = file.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        checker.add(raw[: error.start].count(b"\n") + 1, "is not UTF-8 text")
        return None


def _module_files(folder: Path, data: LineDict, checker: _FileChecker) -> list[Path]:
    """The module files in course order: the `modules` list, else modules/*.md by name."""
    if "modules" not in data:
        found = sorted(path for path in (folder / MODULES_DIR).glob("*.md") if path.is_file())
        if not found:
            checker.add(data.line, f"no modules: list the module files under 'modules' or put "
                                   f"Markdown files in {MODULES_DIR}/")
        return found
    entries = data["modules"]
    line = data.line_of("modules")
    if not isinstance(entries, LineList) or not entries:
        checker.add(line, "'modules' must be a non-empty list of module file names")
        return []
    files: list[Path] = []
    root = folder.resolve()
    for index, entry in enumerate(entries):
        entry_line = entries.line_of(index)
        if not isinstance(entry, str) or not entry.endswith(".md"):
            checker.add(entry_line, f"module entry {entry!r} must be the name of a .md file")
            continue
        file = folder / entry
        if not file.resolve().is_relative_to(root):
            checker.add(entry_line, f"module file '{entry}' lies outside the course folder")
        elif not file.is_file():
            checker.add(entry_line, f"module file '{entry}' not found")
        elif file in files:
            checker.add(entry_line, f"module file '{entry}' is listed twice")
        else:
            files.append(file)
    return files


def _split_front_matter(text: str, checker: _FileChecker) -> tuple[str, str, int] | None:
    """(front matter, body, first body line) of a module file, or None after a problem."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        checker.add(1, "a module file starts with YAML front matter between two '---' lines")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2
    checker.add(1, "the front matter opened on line 1 is never closed by a '---' line")
    return None


def _slug_line(module_file: Path) -> int | None:
    """Line of the `slug:` key in a module file already known to be valid."""
    for number, line in enumerate(module_file.read_text("utf-8-sig").splitlines(), start=1):
        if line.startswith("slug:"):
            return number
    return None


def _read_module(file: Path, problems: list[Problem]) -> ModuleSpec | None:
    checker = _FileChecker(str(file), problems)
    text = _read_text(file, checker)
    parts = _split_front_matter(text, checker) if text is not None else None
    if parts is None:
        return None
    front_matter, body, body_line = parts
    data = checker.load_yaml(front_matter, first_line=2)
    if not checker.ok:
        return None
    if not isinstance(data, LineDict):
        checker.add(2, "the front matter must be a mapping of keys (slug, title, ...)")
        return None
    values = checker.fields(data, MODULE_KEYS, "the module")
    activities = _read_activities(data, checker)
    discussion_tasks = body.strip()
    if not discussion_tasks:
        checker.add(body_line, "no discussion tasks: write them as the Markdown body below the "
                               "front matter")
    if values is None or activities is None or not checker.ok:
        return None
    return ModuleSpec(
        slug=values["slug"], title=values["title"], summary=values["summary"],
        discussion_tasks=discussion_tasks, activities=tuple(activities), source=str(file),
    )


def _read_activities(data: LineDict, checker: _FileChecker) -> list[ActivitySpec] | None:
    items = data.get("activities")
    if items is None:
        items = LineList()
    if not isinstance(items, LineList):
        checker.add(data.line_of("activities"), "'activities' must be a list of activities")
        return None
    activities: list[ActivitySpec] = []
    slug_lines: dict[str, int] = {}
    meetings: list[str] = []
    for index, item in enumerate(items):
        item_line = items.line_of(index)
        if not isinstance(item, LineDict):
            checker.add(item_line, "each activity must be a mapping with slug, title, kind, ...")
            continue
        slug = item.get("slug")
        what = f"activity '{slug}'" if isinstance(slug, str) else f"activity {index + 1}"
        values = checker.fields(item, ACTIVITY_KEYS, what)
        if values is None:
            continue
        if values["kind"] in KINDS_NEEDING_URL and not values["url"]:
            checker.add(item_line, f"{what} is a '{values['kind']}' activity and needs a 'url'")
        if values["minutes"] is None:
            if values["kind"] != Activity.Kind.GROUP_MEETING:
                checker.add(item_line, f"{what} lacks the required key 'minutes'")
            values["minutes"] = DEFAULT_MEETING["minutes"]
        if values["slug"] in slug_lines:
            checker.add(item.line_of("slug"), f"duplicate activity slug '{values['slug']}' (first "
                                              f"used on line {slug_lines[values['slug']]})")
        slug_lines.setdefault(values["slug"], item.line_of("slug"))
        if values["kind"] == Activity.Kind.GROUP_MEETING:
            if meetings:
                checker.add(item.line_of("kind"), f"{what} is a second group meeting; a module "
                            f"has one (use 'webinar' or 'after_work' for other sessions)")
            meetings.append(values["slug"])
        activities.append(ActivitySpec(**values))
    if not meetings:
        if DEFAULT_MEETING_SLUG in slug_lines:
            checker.add(slug_lines[DEFAULT_MEETING_SLUG], f"slug '{DEFAULT_MEETING_SLUG}' is "
                        "kept for the weekly group meeting added when none is listed")
        activities.append(ActivitySpec(**DEFAULT_MEETING))
    return activities if checker.ok else None

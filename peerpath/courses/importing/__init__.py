"""Course as code: a folder of YAML and Markdown that `peerpath course import PATH` loads.

Folder format::

    python-intro/
      course.yaml
      modules/
        01-getting-started.md
        02-variables-and-strings.md
        ...

`course.yaml` keys: `slug` and `title` (required); `summary` (text), `language` (code, default
"en"), `new_content` (true/false, default true) and `modules` (optional). `modules` lists the
module files in course order, relative to the folder; without it every `modules/*.md` is taken,
ordered by file name (so prefix them 01-, 02-, ...). Other files in the folder are ignored.

A module file is Markdown that starts with YAML front matter between two `---` lines:

    ---
    slug: loops                   # required; unique in the course
    title: Loops                  # required
    summary: Repeat work with for and while.
    activities:                   # in order
      - slug: tutorial-for        # required; unique in the module
        title: The for statement  # required
        kind: read                # required: read, watch, do, group_meeting, webinar, after_work
        url: https://docs.python.org/3/tutorial/controlflow.html#for-statements
        minutes: 20               # required (1..10080) except for a group_meeting (default 60)
        required: true            # default true
        description: Optional text.
    ---
    The whole Markdown body below the front matter is the week's **discussion tasks**: what the
    study group talks about at its weekly meeting. It must not be empty.

`read` and `watch` activities need a `url`; any url must be http(s). Each module has exactly one
weekly group meeting: list an activity of kind `group_meeting` to set its title, minutes or
description yourself; otherwise the importer appends one with slug `group-meeting`, title
"Weekly group meeting", 60 minutes, required.

Every file is validated before anything is written; each problem is reported as
`FILE, line N: reason` and, if there is any, the database is left untouched. Re-importing updates
the course in place, matching course, modules and activities by slug.
"""

from .reader import (
    ActivitySpec,
    CourseFolderError,
    CourseSpec,
    ModuleSpec,
    Problem,
    read_course_folder,
)

__all__ = [
    "ActivitySpec",
    "CourseFolderError",
    "CourseSpec",
    "ModuleSpec",
    "Problem",
    "read_course_folder",
]

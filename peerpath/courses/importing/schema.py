"""What may stand in course.yaml, in a module's front matter and in an activity: the keys,
which are required, and the check that cleans each value or says why it is wrong."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from peerpath.courses.models import Activity

MAX_MINUTES = 7 * 24 * 60  # more than a week of work is not one activity
DEFAULT_MEETING_SLUG = "group-meeting"
DEFAULT_MEETING = {
    "slug": DEFAULT_MEETING_SLUG,
    "title": "Weekly group meeting",
    "kind": Activity.Kind.GROUP_MEETING.value,
    "url": "",
    "minutes": 60,
    "required": True,
    "description": "Meet your study group at its weekly hour and talk through this week's "
    "discussion tasks.",
}
KINDS = [kind.value for kind in Activity.Kind]
KINDS_NEEDING_URL = {Activity.Kind.READ.value, Activity.Kind.WATCH.value}
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_url_validator = URLValidator(schemes=["http", "https"])


# Value checks: each returns the cleaned value or raises Invalid with the reason.


class Invalid(Exception):
    pass


def _slug(value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.match(value):
        raise Invalid(f"must be a slug (letters, digits, '-' and '_'), not {value!r}")
    if len(value) > 50:
        raise Invalid("must be at most 50 characters long")
    return value


def _text(*, max_length: int | None = None, blank: bool = True) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value is None and blank:
            return ""
        if not isinstance(value, str):
            raise Invalid(f"must be text, not {value!r} (put it in quotes)")
        value = value.strip()
        if not value and not blank:
            raise Invalid("must not be empty")
        if max_length and len(value) > max_length:
            raise Invalid(f"must be at most {max_length} characters long")
        return value

    return check


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"must be true or false, not {value!r}")
    return value


def _minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_MINUTES:
        raise Invalid(f"must be a whole number of minutes from 1 to {MAX_MINUTES}, not {value!r}")
    return value


def _kind(value: Any) -> str:
    if value not in KINDS:
        raise Invalid(f"is {value!r}, which is not one of: {', '.join(KINDS)}")
    return value


def _url(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > 500:
        raise Invalid(f"must be an http(s) address of at most 500 characters, not {value!r}")
    try:
        _url_validator(value.strip())
    except ValidationError:
        raise Invalid(f"is not a valid http(s) address: {value!r}") from None
    return value.strip()


def _language(value: Any) -> str:
    if not isinstance(value, str) or not _LANGUAGE.match(value):
        raise Invalid(f"must be a language code such as 'en' or 'nb', not {value!r}")
    return value


def _identity(value: Any) -> Any:
    return value


# key: (required, check, default)
Schema = dict[str, tuple[bool, Callable[[Any], Any], Any]]
COURSE_KEYS: Schema = {
    "slug": (True, _slug, None),
    "title": (True, _text(max_length=200, blank=False), None),
    "summary": (False, _text(), ""),
    "language": (False, _language, "en"),
    "new_content": (False, _flag, True),
    "modules": (False, _identity, None),
}
MODULE_KEYS: Schema = {
    "slug": (True, _slug, None),
    "title": (True, _text(max_length=200, blank=False), None),
    "summary": (False, _text(), ""),
    "activities": (False, _identity, None),
}
ACTIVITY_KEYS: Schema = {
    "slug": (True, _slug, None),
    "title": (True, _text(max_length=200, blank=False), None),
    "kind": (True, _kind, None),
    "url": (False, _url, ""),
    "minutes": (False, _minutes, None),  # required except for a group meeting (60 by default)
    "required": (False, _flag, True),
    "description": (False, _text(), ""),
}

"""Reading and writing the grouping files of the command line (GROUPING.md contract).

Learners and groups are JSON Lines; rules are JSON or YAML. Every error a user can cause
raises `InputError` whose message names the file, the line and the field, e.g.
`learners.jsonl line 12: availability: hour 170 out of range 0..167`. Output files are written
to a temporary name and renamed, so a failed run leaves nothing half written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .model import HOURS_PER_WEEK, KNOWLEDGE_LEVELS, MODES, ROLES, Learner, Rules

LEARNER_FIELDS = (
    "id",
    "language",
    "availability",
    "timezone",
    "organisation",
    "mode",
    "knowledge",
    "role",
)


class InputError(ValueError):
    """A problem in an input file, with the file, line and field in the message."""


def _where(path: str | os.PathLike, line: int | None) -> str:
    return f"{path}" if line is None else f"{path} line {line}"


def _learner_from_json(data: Any) -> Learner:
    """Validate one parsed learner object; ValueError messages start with the field name."""
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object with the learner's fields")
    unknown = sorted(set(data) - set(LEARNER_FIELDS))
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown field (known: {', '.join(LEARNER_FIELDS)})")
    for required in ("id", "language", "availability"):
        if required not in data:
            raise ValueError(f"{required}: missing")
    learner_id = data["id"]
    if (
        isinstance(learner_id, bool)
        or not isinstance(learner_id, str | int)
        or str(learner_id) == ""
    ):
        raise ValueError(f"id: expected a non-empty string, got {learner_id!r}")
    language = data["language"]
    if not isinstance(language, str) or not language:
        raise ValueError(f"language: expected a language code, got {language!r}")
    availability = data["availability"]
    if not isinstance(availability, list):
        raise ValueError("availability: expected a list of UTC hours of the week 0..167")
    for hour in availability:
        if isinstance(hour, bool) or not isinstance(hour, int):
            raise ValueError(f"availability: {hour!r} is not an hour (integer 0..167)")
        if not 0 <= hour < HOURS_PER_WEEK:
            raise ValueError(f"availability: hour {hour} out of range 0..167")
    timezone = data.get("timezone", "UTC")
    if not isinstance(timezone, str) or not timezone:
        raise ValueError(f"timezone: expected an IANA name, got {timezone!r}")
    organisation = data.get("organisation")
    if organisation is not None and (
        isinstance(organisation, bool) or not isinstance(organisation, str | int)
    ):
        raise ValueError(f"organisation: expected an id or null, got {organisation!r}")
    mode = data.get("mode", "individual")
    if mode not in MODES:
        raise ValueError(f"mode: {mode!r} is not one of {', '.join(MODES)}")
    knowledge = data.get("knowledge", 2)
    if (
        isinstance(knowledge, bool)
        or not isinstance(knowledge, int)
        or not 0 <= knowledge < KNOWLEDGE_LEVELS
    ):
        raise ValueError(f"knowledge: {knowledge!r} out of range 0..{KNOWLEDGE_LEVELS - 1}")
    role = data.get("role", "mid")
    if role not in ROLES:
        raise ValueError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    return Learner(
        id=str(learner_id),
        language=language,
        availability=frozenset(availability),
        timezone=timezone,
        organisation=None if organisation is None else str(organisation),
        mode=mode,
        knowledge=knowledge,
        role=role,
    )


def read_learners(path: str | os.PathLike) -> list[Learner]:
    """Read a learners JSON Lines file; blank lines are skipped, ids must be unique."""
    learners: list[Learner] = []
    first_line: dict[str, int] = {}
    try:
        handle = open(path, encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    with handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(f"{_where(path, number)}: not valid JSON ({error.msg})") from error
            try:
                learner = _learner_from_json(data)
            except ValueError as error:
                raise InputError(f"{_where(path, number)}: {error}") from error
            if learner.id in first_line:
                earlier = first_line[learner.id]
                raise InputError(
                    f"{_where(path, number)}: id: {learner.id!r} already used on line {earlier}"
                )
            first_line[learner.id] = number
            learners.append(learner)
    return learners


def read_rules(path: str | os.PathLike | None) -> Rules:
    """Read rules from JSON or YAML (by extension; other names are tried as JSON, then YAML)."""
    if path is None:
        return Rules()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror})") from error
    suffix = Path(path).suffix.lower()
    data: Any
    if suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise InputError(
                f"{_where(path, error.lineno)}: not valid JSON ({error.msg})"
            ) from error
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = None if mark is None else mark.line + 1
            problem = getattr(error, "problem", None) or str(error)
            raise InputError(f"{_where(path, line)}: not valid YAML or JSON ({problem})") from error
    try:
        return Rules.from_dict(data if data is not None else {})
    except (ValueError, TypeError) as error:
        raise InputError(f"{path}: {error}") from error


def write_atomically(path: str | os.PathLike, lines: Iterable[str]) -> None:
    """Write lines to `path` through a temporary file in the same folder, then rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
                out.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def learner_lines(learners: Iterable[Learner]) -> Iterator[str]:
    for learner in learners:
        yield json.dumps(
            {
                "id": learner.id,
                "language": learner.language,
                "availability": sorted(learner.availability),
                "timezone": learner.timezone,
                "organisation": learner.organisation,
                "mode": learner.mode,
                "knowledge": learner.knowledge,
                "role": learner.role,
            },
            separators=(",", ":"),
        )


def solution_lines(groups: Iterable[Any], unassigned: Iterable[Any]) -> Iterator[str]:
    for group in groups:
        yield json.dumps(group.to_dict(), separators=(",", ":"))
    yield json.dumps({"unassigned": [u.to_dict() for u in unassigned]}, separators=(",", ":"))

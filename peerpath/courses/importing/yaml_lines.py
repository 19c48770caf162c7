"""Safe YAML loading that remembers on which line every mapping, key and list item stood.

Error messages for course files name the line of the offending key, so the loader keeps the
line numbers PyYAML's composer already knows. It also notices keys given twice in one mapping,
which plain PyYAML silently resolves to the last value.
"""

from __future__ import annotations

from typing import Any

import yaml


class LineDict(dict):
    """A YAML mapping with `line` (where it starts) and `key_lines` (where each key stands)."""

    line: int = 1
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int]]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A YAML sequence with `line` (where it starts) and `item_lines` (where each item starts)."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    data.duplicate_keys = []
    yield data
    data.update(loader.construct_mapping(node))  # flattens merge keys (<<) in node.value
    for key_node, _value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in data.key_lines:
            data.duplicate_keys.append((key, line))
        else:
            data.key_lines[key] = line


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_sequence(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def load(text: str, *, first_line: int = 1) -> Any:
    """Parse `text` as YAML whose first line is line `first_line` of its file.

    Raises yaml.YAMLError; its `problem_mark` (when present) already counts from the file's top.
    """
    padding = "\n" * (first_line - 1)  # lets PyYAML's own marks count lines of the whole file
    return yaml.load(padding + text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def describe_error(error: yaml.YAMLError) -> tuple[int | None, str]:
    """(line, reason) for a YAML error. The line is where PyYAML noticed the problem, except
    that an unclosed bracket or quote is blamed on the line that opened it, not the file's end."""
    if not isinstance(error, yaml.MarkedYAMLError):
        return None, f"malformed YAML: {error}"
    problem_text = error.problem or ""
    hit_the_end = "end of stream" in problem_text or "<stream end>" in problem_text
    blamed = error.context_mark if hit_the_end and error.context_mark else error.problem_mark
    blamed = blamed or error.context_mark
    parts = [part for part in (error.context, problem_text) if part]
    reason = "malformed YAML: " + ", ".join(parts)
    if blamed is not None and error.problem_mark is not None:
        if error.problem_mark.line != blamed.line:
            reason += f" (noticed on line {error.problem_mark.line + 1})"
    return (blamed.line + 1 if blamed is not None else None), reason

"""The survey instrument as text: one question per line, checked line by line (pure).

    likert5 [interaction] The group meetings helped me learn.
    likert4 The pace was right. | Far too slow / A bit slow / A bit fast / Far too fast
    single How did you join the course? | Alone / With colleagues
    multiple Which parts did you use? | Videos / Readings / Group meetings
    open? What would you change?

`likert4`/`likert5` take optional labels after `|` (one per point, lowest first; the default
labels run from "Strongly disagree" to "Strongly agree"); `[name]` puts Likert items into one
scale for Cronbach's alpha; a `?` after the kind makes the question optional. Blank lines and
lines starting with `#` are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LINE = re.compile(r"^(?P<kind>likert4|likert5|single|multiple|open)(?P<optional>\?)?\s+"
                  r"(?:\[(?P<scale>[^\]]{1,64})\]\s*)?(?P<rest>.+)$")


@dataclass(frozen=True)
class QuestionSpec:
    kind: str
    text: str
    points: int | None = None
    labels: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    scale: str = ""
    required: bool = True


def instrument_parse(
    text: str, *, default_labels: dict[int, list[str]]
) -> tuple[list[QuestionSpec], list[tuple[str, str]]]:
    """Return (questions, errors); each error is ("line N", what is wrong)."""
    questions: list[QuestionSpec] = []
    errors: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        where = f"line {number}"
        match = LINE.match(line)
        if not match:
            errors.append((where, "start with likert4, likert5, single, multiple or open, "
                                  "then the question"))
            continue
        kind, rest = match["kind"], match["rest"]
        question, _, choices = rest.partition("|")
        question = question.strip()
        items = [c.strip() for c in choices.split("/") if c.strip()] if choices else []
        if not question:
            errors.append((where, "the question text is missing"))
            continue
        required = not match["optional"]
        scale = (match["scale"] or "").strip()
        if kind.startswith("likert"):
            points = int(kind[-1])
            if items and len(items) != points:
                errors.append((where, f"a {points}-point item needs {points} labels, "
                                      f"not {len(items)}"))
                continue
            questions.append(QuestionSpec("likert", question, points,
                                          items or list(default_labels[points]),
                                          scale=scale, required=required))
            continue
        if scale:
            errors.append((where, "only Likert items belong to a scale"))
            continue
        if kind in {"single", "multiple"}:
            if len(items) < 2:
                errors.append((where, "give at least two options after |, separated by /"))
                continue
            if len(set(items)) != len(items):
                errors.append((where, "the options must differ"))
                continue
            questions.append(QuestionSpec(kind, question, options=items, required=required))
            continue
        if items:
            errors.append((where, "an open question has no options"))
            continue
        questions.append(QuestionSpec("open", question, required=required))
    if not questions and not errors:
        errors.append(("instrument", "the survey needs at least one question"))
    return questions, errors

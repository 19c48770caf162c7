"""Reading and checking the OULAD files completely before anything is written: a bad value
names its file, line and column."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from peerpath.common.errors import ApplicationError

MISSING = {"?", ""}
RESULTS = {"Pass": "pass", "Distinction": "distinction", "Fail": "fail", "Withdrawn": "withdrawn"}
ASSESSMENT_KINDS = {"TMA", "CMA", "Exam"}
FILES = {
    "courses.csv": ["code_module", "code_presentation", "module_presentation_length"],
    "studentInfo.csv": [
        "code_module",
        "code_presentation",
        "id_student",
        "gender",
        "region",
        "highest_education",
        "imd_band",
        "age_band",
        "num_of_prev_attempts",
        "studied_credits",
        "disability",
        "final_result",
    ],
    "studentRegistration.csv": [
        "code_module",
        "code_presentation",
        "id_student",
        "date_registration",
        "date_unregistration",
    ],
    "assessments.csv": [
        "code_module",
        "code_presentation",
        "id_assessment",
        "assessment_type",
        "date",
        "weight",
    ],
    "studentAssessment.csv": [
        "id_assessment",
        "id_student",
        "date_submitted",
        "is_banked",
        "score",
    ],
}
USERNAME_PREFIX = "oulad-"
EMAIL_DOMAIN = "learners.oulad.invalid"
MAX_ERRORS = 50


@dataclass
class Parsed:
    presentations: dict[tuple[str, str], int | None] = field(default_factory=dict)
    students: dict[tuple[str, str, int], dict] = field(default_factory=dict)
    assessments: dict[int, dict] = field(default_factory=dict)
    results: list[tuple[int, int, int | None, bool, float | None]] = field(default_factory=list)
    missing: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rows: dict[str, int] = field(default_factory=dict)


@dataclass
class ImportSummary:
    created: dict[str, int]
    updated: dict[str, int]
    missing: dict[str, dict[str, int]]
    rows: dict[str, int]
    seconds: float

    @property
    def changed(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())


class _Reader:
    """Reads one file row by row, converting values and collecting errors with line numbers."""

    def __init__(self, parsed: Parsed, errors: list, name: str):
        self.parsed, self.errors, self.name = parsed, errors, name
        self.line = 1

    def error(self, column: str | None, message: str) -> None:
        where = f"{self.name} line {self.line}" + (f", column {column}" if column else "")
        self.errors.append((where, message))

    def integer(self, row: dict, column: str, *, missing_ok: bool = False) -> int | None:
        value = row[column].strip()
        if value in MISSING:
            if not missing_ok:
                self.error(column, "a value is required here")
            self.parsed.missing[self.name][column] += 1
            return None
        try:
            return int(value)
        except ValueError:
            self.error(column, f"{value!r} is not a whole number")
            return None

    def number(self, row: dict, column: str, *, missing_ok: bool = False) -> float | None:
        value = row[column].strip()
        if value in MISSING:
            if not missing_ok:
                self.error(column, "a value is required here")
            self.parsed.missing[self.name][column] += 1
            return None
        try:
            return float(value)
        except ValueError:
            self.error(column, f"{value!r} is not a number")
            return None

    def text(self, row: dict, column: str) -> str:
        value = row[column].strip()
        if value in MISSING:
            self.parsed.missing[self.name][column] += 1
            return ""
        return value

    def rows(self, path: Path):
        try:
            handle = path.open(newline="", encoding="utf-8")
        except OSError as error:
            self.errors.append((self.name, f"cannot read the file: {error.strerror}"))
            return
        with handle:
            reader = csv.DictReader(handle)
            absent = [c for c in FILES[self.name] if c not in (reader.fieldnames or [])]
            if absent:
                self.errors.append((self.name, "missing columns: " + ", ".join(absent)))
                return
            count = 0
            for row in reader:
                self.line = reader.line_num
                if None in row.values():
                    self.error(None, "the row has fewer fields than the header")
                    continue
                count += 1
                yield row
            self.parsed.rows[self.name] = count


def oulad_parse(path: Path) -> Parsed:
    """Read and check every file; raise ApplicationError listing the bad rows, if any."""
    parsed = Parsed()
    errors: list[tuple[str, str]] = []

    reader = _Reader(parsed, errors, "courses.csv")
    for row in reader.rows(path / "courses.csv"):
        key = (row["code_module"].strip(), row["code_presentation"].strip())
        length = reader.integer(row, "module_presentation_length", missing_ok=True)
        if not _presentation_start(key[1]):
            reader.error("code_presentation", f"{key[1]!r} is not a year and B or J")
        elif key in parsed.presentations:
            reader.error(None, f"presentation {key[0]} {key[1]} appears twice")
        parsed.presentations[key] = length

    reader = _Reader(parsed, errors, "studentInfo.csv")
    for row in reader.rows(path / "studentInfo.csv"):
        presentation = (row["code_module"].strip(), row["code_presentation"].strip())
        student = reader.integer(row, "id_student")
        result = RESULTS.get(row["final_result"].strip())
        if result is None:
            reader.error(
                "final_result", f"{row['final_result']!r} is not one of " + ", ".join(RESULTS)
            )
        if presentation not in parsed.presentations:
            reader.error("code_presentation", f"unknown presentation {' '.join(presentation)}")
        disability = row["disability"].strip()
        record = {
            "result": result,
            "gender": reader.text(row, "gender"),
            "region": reader.text(row, "region"),
            "highest_education": reader.text(row, "highest_education"),
            "imd_band": reader.text(row, "imd_band"),
            "age_band": reader.text(row, "age_band"),
            "previous_attempts": reader.integer(row, "num_of_prev_attempts", missing_ok=True) or 0,
            "studied_credits": reader.integer(row, "studied_credits", missing_ok=True) or 0,
            "disability": {"Y": True, "N": False}.get(disability),
            "registered_day": None,
            "unregistered_day": None,
            "registration_line": None,
        }
        if disability in MISSING:
            parsed.missing["studentInfo.csv"]["disability"] += 1
        if student is not None:
            key = (*presentation, student)
            if key in parsed.students:
                reader.error(
                    "id_student", f"student {student} appears twice in {' '.join(presentation)}"
                )
            parsed.students[key] = record

    reader = _Reader(parsed, errors, "studentRegistration.csv")
    for row in reader.rows(path / "studentRegistration.csv"):
        student = reader.integer(row, "id_student")
        key = (row["code_module"].strip(), row["code_presentation"].strip(), student)
        registered = reader.integer(row, "date_registration", missing_ok=True)
        unregistered = reader.integer(row, "date_unregistration", missing_ok=True)
        record = parsed.students.get(key)
        if student is None:
            continue
        if record is None:
            reader.error(
                "id_student",
                f"student {student} has no row in studentInfo.csv for {key[0]} {key[1]}",
            )
            continue
        record["registered_day"], record["unregistered_day"] = registered, unregistered
        record["registration_line"] = reader.line

    reader = _Reader(parsed, errors, "assessments.csv")
    for row in reader.rows(path / "assessments.csv"):
        presentation = (row["code_module"].strip(), row["code_presentation"].strip())
        assessment = reader.integer(row, "id_assessment")
        kind = row["assessment_type"].strip()
        if kind not in ASSESSMENT_KINDS:
            reader.error("assessment_type", f"{kind!r} is not TMA, CMA or Exam")
        if presentation not in parsed.presentations:
            reader.error("code_presentation", f"unknown presentation {' '.join(presentation)}")
        record = {
            "presentation": presentation,
            "kind": kind,
            "due_day": reader.integer(row, "date", missing_ok=True),
            "weight": reader.number(row, "weight", missing_ok=True) or 0.0,
        }
        if assessment is not None:
            if assessment in parsed.assessments:
                reader.error("id_assessment", f"assessment {assessment} appears twice")
            parsed.assessments[assessment] = record

    reader = _Reader(parsed, errors, "studentAssessment.csv")
    seen: set[tuple[int, int]] = set()
    for row in reader.rows(path / "studentAssessment.csv"):
        assessment = reader.integer(row, "id_assessment")
        student = reader.integer(row, "id_student")
        submitted = reader.integer(row, "date_submitted", missing_ok=True)
        banked = row["is_banked"].strip()
        if banked not in {"0", "1"}:
            reader.error("is_banked", f"{banked!r} is not 0 or 1")
        score = reader.number(row, "score", missing_ok=True)
        if score is not None and not 0 <= score <= 100:
            reader.error("score", f"{score:g} is outside 0..100")
        if assessment is None or student is None:
            continue
        record = parsed.assessments.get(assessment)
        if record is None:
            reader.error("id_assessment", f"unknown assessment {assessment}")
            continue
        if (*record["presentation"], student) not in parsed.students:
            reader.error(
                "id_student",
                f"student {student} is not registered on {' '.join(record['presentation'])}",
            )
            continue
        if (assessment, student) in seen:
            reader.error(None, f"student {student} has two results for assessment {assessment}")
            continue
        seen.add((assessment, student))
        parsed.results.append((assessment, student, submitted, banked == "1", score))

    if not errors:
        for key, record in parsed.students.items():
            if record["registration_line"] is None:
                errors.append(
                    (
                        "studentRegistration.csv",
                        f"student {key[2]} on {key[0]} {key[1]} has no registration row",
                    )
                )
    if errors:
        shown = errors[:MAX_ERRORS]
        more = len(errors) - len(shown)
        raise ApplicationError(
            f"The OULAD files have {len(errors)} problem(s); nothing was imported"
            + (f" (the first {MAX_ERRORS} are listed)" if more else "")
            + ".",
            errors=shown,
        )
    return parsed


def _presentation_start(code: str) -> dt.date | None:
    if len(code) != 5 or not code[:4].isdigit() or code[4] not in "BJ":
        return None
    return dt.date(int(code[:4]), 2 if code[4] == "B" else 10, 1)

"""Import of the Open University Learning Analytics Dataset (OULAD) as courses, runs, learners,
enrolments with their outcome, withdrawal dates and assessment results.

Kuzilek J., Hlosta M., Zdrahal Z. (2017), Open University Learning Analytics dataset,
Scientific Data 4, 170171, doi:10.1038/sdata.2017.171 (CC-BY 4.0).

The files are read and checked completely before anything is written: a bad value names its
file, line and column, and a file with any bad row imports nothing. Missing values (`?`, or an
empty score) are kept as empty fields and counted per file and column in the import report.
Writing is idempotent: rows are matched on the dataset's own keys, only new or changed rows are
written, and a second import of the same files creates and changes nothing.

A presentation code is a year and a letter: "B" presentations start in February and "J"
presentations in October (Kuzilek et al. 2017); the dataset gives days relative to that start,
so the run starts on the first of that month.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from peerpath.common.errors import ApplicationError

MISSING = {"?", ""}
RESULTS = {"Pass": "pass", "Distinction": "distinction", "Fail": "fail", "Withdrawn": "withdrawn"}
ASSESSMENT_KINDS = {"TMA", "CMA", "Exam"}
FILES = {
    "courses.csv": ["code_module", "code_presentation", "module_presentation_length"],
    "studentInfo.csv": [
        "code_module", "code_presentation", "id_student", "gender", "region",
        "highest_education", "imd_band", "age_band", "num_of_prev_attempts", "studied_credits",
        "disability", "final_result",
    ],
    "studentRegistration.csv": [
        "code_module", "code_presentation", "id_student", "date_registration",
        "date_unregistration",
    ],
    "assessments.csv": [
        "code_module", "code_presentation", "id_assessment", "assessment_type", "date", "weight",
    ],
    "studentAssessment.csv": ["id_assessment", "id_student", "date_submitted", "is_banked",
                              "score"],
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
            reader.error("final_result", f"{row['final_result']!r} is not one of "
                         + ", ".join(RESULTS))
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
                reader.error("id_student", f"student {student} appears twice in "
                             f"{' '.join(presentation)}")
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
            reader.error("id_student", f"student {student} has no row in studentInfo.csv for "
                         f"{key[0]} {key[1]}")
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
            reader.error("id_student", f"student {student} is not registered on "
                         f"{' '.join(record['presentation'])}")
            continue
        if (assessment, student) in seen:
            reader.error(None, f"student {student} has two results for assessment {assessment}")
            continue
        seen.add((assessment, student))
        parsed.results.append((assessment, student, submitted, banked == "1", score))

    if not errors:
        for key, record in parsed.students.items():
            if record["registration_line"] is None:
                errors.append(("studentRegistration.csv",
                               f"student {key[2]} on {key[0]} {key[1]} has no registration row"))
    if errors:
        shown = errors[:MAX_ERRORS]
        more = len(errors) - len(shown)
        raise ApplicationError(
            f"The OULAD files have {len(errors)} problem(s); nothing was imported"
            + (f" (the first {MAX_ERRORS} are listed)" if more else "") + ".",
            errors=shown,
        )
    return parsed


def _presentation_start(code: str) -> dt.date | None:
    if len(code) != 5 or not code[:4].isdigit() or code[4] not in "BJ":
        return None
    return dt.date(int(code[:4]), 2 if code[4] == "B" else 10, 1)


def _day(start: dt.date, day: int | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(start + dt.timedelta(days=day), dt.time(12), tzinfo=dt.UTC)


def oulad_import(path: str | Path) -> ImportSummary:
    """Import (or re-import) the dataset at `path`; see the module docstring."""
    from peerpath.accounts.models import User
    from peerpath.analytics.models import (
        Assessment,
        AssessmentResult,
        EnrolmentOutcome,
        ExternalRun,
        ImportReport,
    )
    from peerpath.courses.models import Course, Run
    from peerpath.enrollment.models import Enrolment

    started = time.perf_counter()
    path = Path(path)
    if not path.is_dir():
        raise ApplicationError(f"{path} is not a folder with the OULAD files", field="path")
    parsed = oulad_parse(path)
    created: Counter = Counter()
    updated: Counter = Counter()

    with transaction.atomic():
        # courses and runs
        modules = sorted({module for module, _ in parsed.presentations})
        courses = {c.slug: c for c in Course.objects.filter(
            slug__in=[_course_slug(m) for m in modules])}
        for module in modules:
            if _course_slug(module) not in courses:
                course = Course.objects.create(
                    slug=_course_slug(module), title=f"OULAD module {module}", new_content=False,
                    summary="Open University Learning Analytics Dataset (Kuzilek et al. 2017).",
                )
                courses[course.slug] = course
                created["courses"] += 1
        runs: dict[tuple[str, str], Run] = {}
        existing_runs = {
            (e.code_module, e.code_presentation): e
            for e in ExternalRun.objects.filter(source="oulad").select_related("run")
        }
        for (module, code), length in sorted(parsed.presentations.items()):
            external = existing_runs.get((module, code))
            start = _presentation_start(code)
            if external is None:
                run = Run.objects.create(
                    course=courses[_course_slug(module)],
                    slug=f"oulad-{module}-{code}".lower(),
                    title=f"{module} {code}",
                    status=Run.Status.CLOSED,
                    starts_on=start,
                    timezone="Europe/London",
                )
                ExternalRun.objects.create(
                    run=run, source="oulad", code_module=module, code_presentation=code,
                    length_days=length,
                )
                created["runs"] += 1
            else:
                run = external.run
                if external.length_days != length:
                    external.length_days = length
                    external.save(update_fields=["length_days", "updated_at"])
                    updated["runs"] += 1
            runs[module, code] = run

        # learners
        student_ids = sorted({key[2] for key in parsed.students})
        users = dict(
            User.objects.filter(username__startswith=USERNAME_PREFIX).values_list(
                "username", "id")
        )
        new_users = [
            (f"{USERNAME_PREFIX}{sid}", f"{sid}@{EMAIL_DOMAIN}", f"OULAD learner {sid}")
            for sid in student_ids
            if f"{USERNAME_PREFIX}{sid}" not in users
        ]
        _fast_insert(
            User, ["username", "email", "display_name"], new_users,
            password="!oulad",  # "!" prefix: an unusable password
            timezone="Europe/London", language="en",
        )
        created["users"] += len(new_users)
        if new_users:
            users = dict(
                User.objects.filter(username__startswith=USERNAME_PREFIX).values_list(
                    "username", "id")
            )
        user_id = {sid: users[f"{USERNAME_PREFIX}{sid}"] for sid in student_ids}

        # enrolments
        run_ids = [run.pk for run in runs.values()]
        existing = {
            (run_id, uid): (pk, status, confirmed_at, withdrawn_at)
            for pk, run_id, uid, status, confirmed_at, withdrawn_at in Enrolment.objects.filter(
                run_id__in=run_ids
            ).values_list("pk", "run_id", "user_id", "status", "confirmed_at", "withdrawn_at")
        }
        to_create, to_update = [], []
        for (module, code, sid), record in parsed.students.items():
            run = runs[module, code]
            start = run.starts_on
            status = (Enrolment.Status.WITHDRAWN if record["result"] == "withdrawn"
                      else Enrolment.Status.CONFIRMED)
            confirmed_at = _day(start, record["registered_day"])
            withdrawn_at = _day(start, record["unregistered_day"])
            key = (run.pk, user_id[sid])
            if key not in existing:
                to_create.append((run.pk, user_id[sid], status, confirmed_at, withdrawn_at))
            elif existing[key][1:] != (status, confirmed_at, withdrawn_at):
                to_update.append(Enrolment(
                    pk=existing[key][0], status=status, confirmed_at=confirmed_at,
                    withdrawn_at=withdrawn_at,
                ))
        _fast_insert(
            Enrolment, ["run", "user", "status", "confirmed_at", "withdrawn_at"], to_create,
            source=Enrolment.Source.IMPORT, timezone="Europe/London", language="en",
        )
        Enrolment.objects.bulk_update(
            to_update, ["status", "confirmed_at", "withdrawn_at"], batch_size=1000)
        created["enrolments"] += len(to_create)
        updated["enrolments"] += len(to_update)
        enrolment_id = {
            (run_id, uid): pk
            for pk, run_id, uid in Enrolment.objects.filter(run_id__in=run_ids).values_list(
                "pk", "run_id", "user_id")
        }

        # outcomes
        outcome_fields = [
            "result", "registered_day", "unregistered_day", "gender", "region",
            "highest_education", "imd_band", "age_band", "previous_attempts", "studied_credits",
            "disability",
        ]
        existing_outcomes = {
            row[0]: row[1:]
            for row in EnrolmentOutcome.objects.filter(
                enrolment__run_id__in=run_ids).values_list("enrolment_id", "pk", *outcome_fields)
        }
        to_create, to_update = [], []
        for (module, code, sid), record in parsed.students.items():
            eid = enrolment_id[runs[module, code].pk, user_id[sid]]
            values = tuple(record[f] for f in outcome_fields)
            if eid not in existing_outcomes:
                to_create.append((eid, *values))
            elif existing_outcomes[eid][1:] != values:
                to_update.append(EnrolmentOutcome(pk=existing_outcomes[eid][0], **dict(
                    zip(outcome_fields, values, strict=True))))
        _fast_insert(EnrolmentOutcome, ["enrolment", *outcome_fields], to_create)
        EnrolmentOutcome.objects.bulk_update(to_update, outcome_fields, batch_size=1000)
        created["outcomes"] += len(to_create)
        updated["outcomes"] += len(to_update)

        # assessments
        existing_assessments = {
            row[0]: row[1:]
            for row in Assessment.objects.filter(external_id__in=list(parsed.assessments))
            .values_list("external_id", "pk", "run_id", "kind", "due_day", "weight")
        }
        to_create, to_update = [], []
        for external_id, record in parsed.assessments.items():
            values = (runs[record["presentation"]].pk, record["kind"], record["due_day"],
                      record["weight"])
            if external_id not in existing_assessments:
                to_create.append(Assessment(
                    external_id=external_id, run_id=values[0], kind=values[1],
                    due_day=values[2], weight=values[3]))
            elif existing_assessments[external_id][1:] != values:
                to_update.append(Assessment(
                    pk=existing_assessments[external_id][0], run_id=values[0], kind=values[1],
                    due_day=values[2], weight=values[3]))
        Assessment.objects.bulk_create(to_create)
        Assessment.objects.bulk_update(to_update, ["run_id", "kind", "due_day", "weight"])
        created["assessments"] += len(to_create)
        updated["assessments"] += len(to_update)
        assessment_pk = dict(
            Assessment.objects.filter(external_id__in=list(parsed.assessments)).values_list(
                "external_id", "pk")
        )

        # assessment results
        existing_results = {
            (a, e): (pk, day, banked, score)
            for pk, a, e, day, banked, score in AssessmentResult.objects.filter(
                assessment__run_id__in=run_ids
            ).values_list("pk", "assessment_id", "enrolment_id", "submitted_day", "banked",
                          "score").iterator(chunk_size=20000)
        }
        to_create, to_update = [], []
        for external_id, sid, day, banked, score in parsed.results:
            presentation = parsed.assessments[external_id]["presentation"]
            key = (assessment_pk[external_id],
                   enrolment_id[runs[presentation].pk, user_id[sid]])
            found = existing_results.get(key)
            if found is None:
                to_create.append((key[0], key[1], day, banked, score))
            elif found[1:] != (day, banked, score):
                to_update.append(AssessmentResult(
                    pk=found[0], submitted_day=day, banked=banked, score=score))
        _fast_insert(AssessmentResult,
                     ["assessment", "enrolment", "submitted_day", "banked", "score"], to_create)
        AssessmentResult.objects.bulk_update(
            to_update, ["submitted_day", "banked", "score"], batch_size=1000)
        created["assessment_results"] += len(to_create)
        updated["assessment_results"] += len(to_update)

        missing = {name: dict(columns) for name, columns in sorted(parsed.missing.items())}
        seconds = time.perf_counter() - started
        ImportReport.objects.create(
            source="oulad", path=str(path), created=dict(created), updated=dict(updated),
            missing=missing, seconds=round(seconds, 3),
        )
    return ImportSummary(
        created=dict(created), updated=dict(updated), missing=missing, rows=dict(parsed.rows),
        seconds=time.perf_counter() - started,
    )


def _fast_insert(model, fields: list[str], rows: list[tuple], **constants) -> int:
    """Insert plain value tuples (in `fields` order) with one prepared INSERT per batch.

    The ORM's `bulk_create` builds a model instance and compiles every value of every row;
    for the 170,000 rows of OULAD that costs most of the import. Here each column is
    prepared once when it is the same for every row (defaults, timestamps, `constants`),
    and only date-times are adapted per value; integers, floats, booleans and text pass as
    they are, which every database driver accepts. On PostgreSQL the rows go through COPY.
    """
    from django.db import connection
    from django.utils import timezone as django_timezone

    if not rows:
        return 0
    now = django_timezone.now()
    meta = model._meta
    varying = [meta.get_field(name) for name in fields]
    fixed_columns, fixed_values = [], []
    for f in meta.concrete_fields:
        if f.primary_key or f.name in fields:
            continue
        if f.name in constants:
            value = constants[f.name]
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        else:
            value = f.get_default()
        fixed_columns.append(f.column)
        fixed_values.append(f.get_db_prep_save(value, connection))
    adapt = [
        connection.ops.adapt_datetimefield_value
        if f.get_internal_type() == "DateTimeField" else None
        for f in varying
    ]
    columns = [f.column for f in varying] + fixed_columns
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    fixed = tuple(fixed_values)
    if connection.vendor == "postgresql":
        # COPY streams the rows in one statement: several times faster than INSERTs
        copy_sql = (f"COPY {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
                    "FROM STDIN")
        with connection.cursor() as cursor, cursor.cursor.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row((*row, *fixed))
        return len(rows)
    needs_adapting = [i for i, a in enumerate(adapt) if a is not None]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            batch = rows[start : start + 5000]
            if needs_adapting:
                prepared = []
                for row in batch:
                    row = list(row)
                    for i in needs_adapting:
                        if row[i] is not None:
                            row[i] = adapt[i](row[i])
                    prepared.append((*row, *fixed))
            else:
                prepared = [(*row, *fixed) for row in batch]
            cursor.executemany(sql, prepared)
    return len(rows)


def _course_slug(module: str) -> str:
    return f"oulad-{module.lower()}"

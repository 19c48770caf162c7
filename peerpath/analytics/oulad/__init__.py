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

import datetime as dt
import time
from collections import Counter
from pathlib import Path

from django.db import transaction

from peerpath.common.errors import ApplicationError

from .bulk import _fast_insert
from .parsing import (
    EMAIL_DOMAIN,
    USERNAME_PREFIX,
    ImportSummary,
    _presentation_start,
    oulad_parse,
)


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
        courses = {
            c.slug: c for c in Course.objects.filter(slug__in=[_course_slug(m) for m in modules])
        }
        for module in modules:
            if _course_slug(module) not in courses:
                course = Course.objects.create(
                    slug=_course_slug(module),
                    title=f"OULAD module {module}",
                    new_content=False,
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
                    run=run,
                    source="oulad",
                    code_module=module,
                    code_presentation=code,
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
            User.objects.filter(username__startswith=USERNAME_PREFIX).values_list("username", "id")
        )
        new_users = [
            (f"{USERNAME_PREFIX}{sid}", f"{sid}@{EMAIL_DOMAIN}", f"OULAD learner {sid}")
            for sid in student_ids
            if f"{USERNAME_PREFIX}{sid}" not in users
        ]
        _fast_insert(
            User,
            ["username", "email", "display_name"],
            new_users,
            password="!oulad",  # "!" prefix: an unusable password
            timezone="Europe/London",
            language="en",
        )
        created["users"] += len(new_users)
        if new_users:
            users = dict(
                User.objects.filter(username__startswith=USERNAME_PREFIX).values_list(
                    "username", "id"
                )
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
            status = (
                Enrolment.Status.WITHDRAWN
                if record["result"] == "withdrawn"
                else Enrolment.Status.CONFIRMED
            )
            confirmed_at = _day(start, record["registered_day"])
            withdrawn_at = _day(start, record["unregistered_day"])
            key = (run.pk, user_id[sid])
            if key not in existing:
                to_create.append((run.pk, user_id[sid], status, confirmed_at, withdrawn_at))
            elif existing[key][1:] != (status, confirmed_at, withdrawn_at):
                to_update.append(
                    Enrolment(
                        pk=existing[key][0],
                        status=status,
                        confirmed_at=confirmed_at,
                        withdrawn_at=withdrawn_at,
                    )
                )
        _fast_insert(
            Enrolment,
            ["run", "user", "status", "confirmed_at", "withdrawn_at"],
            to_create,
            source=Enrolment.Source.IMPORT,
            timezone="Europe/London",
            language="en",
        )
        Enrolment.objects.bulk_update(
            to_update, ["status", "confirmed_at", "withdrawn_at"], batch_size=1000
        )
        created["enrolments"] += len(to_create)
        updated["enrolments"] += len(to_update)
        enrolment_id = {
            (run_id, uid): pk
            for pk, run_id, uid in Enrolment.objects.filter(run_id__in=run_ids).values_list(
                "pk", "run_id", "user_id"
            )
        }

        # outcomes
        outcome_fields = [
            "result",
            "registered_day",
            "unregistered_day",
            "gender",
            "region",
            "highest_education",
            "imd_band",
            "age_band",
            "previous_attempts",
            "studied_credits",
            "disability",
        ]
        existing_outcomes = {
            row[0]: row[1:]
            for row in EnrolmentOutcome.objects.filter(enrolment__run_id__in=run_ids).values_list(
                "enrolment_id", "pk", *outcome_fields
            )
        }
        to_create, to_update = [], []
        for (module, code, sid), record in parsed.students.items():
            eid = enrolment_id[runs[module, code].pk, user_id[sid]]
            values = tuple(record[f] for f in outcome_fields)
            if eid not in existing_outcomes:
                to_create.append((eid, *values))
            elif existing_outcomes[eid][1:] != values:
                to_update.append(
                    EnrolmentOutcome(
                        pk=existing_outcomes[eid][0],
                        **dict(zip(outcome_fields, values, strict=True)),
                    )
                )
        _fast_insert(EnrolmentOutcome, ["enrolment", *outcome_fields], to_create)
        EnrolmentOutcome.objects.bulk_update(to_update, outcome_fields, batch_size=1000)
        created["outcomes"] += len(to_create)
        updated["outcomes"] += len(to_update)

        # assessments
        existing_assessments = {
            row[0]: row[1:]
            for row in Assessment.objects.filter(
                external_id__in=list(parsed.assessments)
            ).values_list("external_id", "pk", "run_id", "kind", "due_day", "weight")
        }
        to_create, to_update = [], []
        for external_id, record in parsed.assessments.items():
            values = (
                runs[record["presentation"]].pk,
                record["kind"],
                record["due_day"],
                record["weight"],
            )
            if external_id not in existing_assessments:
                to_create.append(
                    Assessment(
                        external_id=external_id,
                        run_id=values[0],
                        kind=values[1],
                        due_day=values[2],
                        weight=values[3],
                    )
                )
            elif existing_assessments[external_id][1:] != values:
                to_update.append(
                    Assessment(
                        pk=existing_assessments[external_id][0],
                        run_id=values[0],
                        kind=values[1],
                        due_day=values[2],
                        weight=values[3],
                    )
                )
        Assessment.objects.bulk_create(to_create)
        Assessment.objects.bulk_update(to_update, ["run_id", "kind", "due_day", "weight"])
        created["assessments"] += len(to_create)
        updated["assessments"] += len(to_update)
        assessment_pk = dict(
            Assessment.objects.filter(external_id__in=list(parsed.assessments)).values_list(
                "external_id", "pk"
            )
        )

        # assessment results
        existing_results = {
            (a, e): (pk, day, banked, score)
            for pk, a, e, day, banked, score in AssessmentResult.objects.filter(
                assessment__run_id__in=run_ids
            )
            .values_list("pk", "assessment_id", "enrolment_id", "submitted_day", "banked", "score")
            .iterator(chunk_size=20000)
        }
        to_create, to_update = [], []
        for external_id, sid, day, banked, score in parsed.results:
            presentation = parsed.assessments[external_id]["presentation"]
            key = (assessment_pk[external_id], enrolment_id[runs[presentation].pk, user_id[sid]])
            found = existing_results.get(key)
            if found is None:
                to_create.append((key[0], key[1], day, banked, score))
            elif found[1:] != (day, banked, score):
                to_update.append(
                    AssessmentResult(pk=found[0], submitted_day=day, banked=banked, score=score)
                )
        _fast_insert(
            AssessmentResult,
            ["assessment", "enrolment", "submitted_day", "banked", "score"],
            to_create,
        )
        AssessmentResult.objects.bulk_update(
            to_update, ["submitted_day", "banked", "score"], batch_size=1000
        )
        created["assessment_results"] += len(to_create)
        updated["assessment_results"] += len(to_update)

        missing = {name: dict(columns) for name, columns in sorted(parsed.missing.items())}
        seconds = time.perf_counter() - started
        ImportReport.objects.create(
            source="oulad",
            path=str(path),
            created=dict(created),
            updated=dict(updated),
            missing=missing,
            seconds=round(seconds, 3),
        )
    return ImportSummary(
        created=dict(created),
        updated=dict(updated),
        missing=missing,
        rows=dict(parsed.rows),
        seconds=time.perf_counter() - started,
    )


def _course_slug(module: str) -> str:
    return f"oulad-{module.lower()}"

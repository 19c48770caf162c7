"""Import of the whole Open University Learning Analytics Dataset, timed, twice.

    .venv/bin/python benchmarks/import_oulad.py [--data ../shared/data/oulad]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/oulad_bench .venv/bin/python \
        benchmarks/import_oulad.py --keep-database

Into a fresh database (a temporary SQLite file unless DATABASE_URL is set; the PostgreSQL
database named there is created if missing and emptied of PeerPath's tables by `migrate`
on a new database only), it runs `peerpath import oulad`, prints the time and the row count
of every table, imports again and prints what changed (target: nothing) and the counts again.
Then it checks every run's outcome row (`peerpath analytics outcomes --format csv`) against
figures computed from the raw files with the csv module alone.

Target: the whole import in at most 60 s on this machine. Baselines measured in the same run:
reading the five files with the csv module only (the floor: no checks, no database), and a
row-by-row ORM import (`Model.objects.create` per row) of the assessment results, timed on a
sample and extrapolated to all 173,912 rows.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "oulad"
FILES = ["courses.csv", "studentInfo.csv", "studentRegistration.csv", "assessments.csv",
         "studentAssessment.csv"]
SAMPLE = 2000


def counts() -> dict[str, int]:
    from peerpath.accounts.models import User
    from peerpath.analytics.models import (
        Assessment,
        AssessmentResult,
        EnrolmentOutcome,
        ExternalRun,
    )
    from peerpath.courses.models import Course, Run
    from peerpath.enrollment.models import Enrolment

    models = {"courses": Course, "runs": Run, "external runs": ExternalRun, "users": User,
              "enrolments": Enrolment, "outcomes": EnrolmentOutcome,
              "assessments": Assessment, "assessment results": AssessmentResult}
    return {name: model.objects.count() for name, model in models.items()}


def fingerprint() -> tuple:
    """Everything the import wrote, as comparable values (ids and fields)."""
    from peerpath.analytics.models import AssessmentResult, EnrolmentOutcome
    from peerpath.enrollment.models import Enrolment

    return (
        sorted(Enrolment.objects.values_list("pk", "status", "confirmed_at", "withdrawn_at",
                                             "updated_at")),
        sorted(EnrolmentOutcome.objects.values_list("pk", "result", "imd_band", "updated_at")),
        AssessmentResult.objects.count(),
        sum(s for s in AssessmentResult.objects.values_list("score", flat=True) if s),
    )


def csv_floor(data: Path) -> float:
    started = time.perf_counter()
    for name in FILES:
        with (data / name).open(newline="", encoding="utf-8") as handle:
            for _ in csv.DictReader(handle):
                pass
    return time.perf_counter() - started


def row_by_row_sample(data: Path) -> float:
    """Seconds per assessment result when each row is a lookup and an `objects.create`."""
    from django.db import transaction

    from peerpath.analytics.models import Assessment, AssessmentResult
    from peerpath.enrollment.models import Enrolment

    with (data / "studentAssessment.csv").open(newline="", encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(SAMPLE), csv.DictReader(handle), strict=False)]
    started = time.perf_counter()
    try:
        with transaction.atomic():
            for row in rows:
                assessment = Assessment.objects.get(external_id=int(row["id_assessment"]))
                enrolment = Enrolment.objects.get(
                    run_id=assessment.run_id, user__username=f"oulad-{row['id_student']}")
                AssessmentResult.objects.filter(assessment=assessment,
                                                enrolment=enrolment).delete()
                AssessmentResult.objects.create(
                    assessment=assessment, enrolment=enrolment,
                    submitted_day=int(row["date_submitted"]),
                    banked=row["is_banked"] == "1",
                    score=None if row["score"] in ("", "?") else float(row["score"]),
                )
            raise _Rollback
    except _Rollback:
        pass
    return (time.perf_counter() - started) / len(rows)


class _Rollback(Exception):
    pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--keep-database", action="store_true",
                        help="do not delete the temporary SQLite file")
    args = parser.parse_args()
    temporary = None
    if not os.environ.get("DATABASE_URL"):
        temporary = Path(tempfile.mkdtemp()) / "oulad.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"data: {args.data}")
    before = counts()
    if any(before[name] for name in ("external runs", "assessment results")):
        print("the database already holds OULAD rows; use an empty database", file=sys.stderr)
        return 2

    from peerpath.analytics.oulad import oulad_import
    from peerpath.analytics.tests.oulad_reference import expected_outcomes

    floor = csv_floor(args.data)
    started = time.perf_counter()
    first = oulad_import(args.data)
    first_seconds = time.perf_counter() - started
    after_first = counts()
    print(f"\nfirst import: {first_seconds:.1f} s  (target <= 60 s: "
          f"{'met' if first_seconds <= 60 else 'NOT met'})")
    print("  created: " + ", ".join(f"{k} {v}" for k, v in first.created.items()))
    print("  missing values counted: " + "; ".join(
        f"{name}: " + ", ".join(f"{c} {n}" for c, n in cols.items())
        for name, cols in first.missing.items()))
    print("  rows in the database: " + ", ".join(f"{k} {v}" for k, v in after_first.items()))

    print_before = fingerprint()
    started = time.perf_counter()
    second = oulad_import(args.data)
    second_seconds = time.perf_counter() - started
    after_second = counts()
    unchanged = (second.changed == 0 and after_second == after_first
                 and fingerprint() == print_before)
    print(f"\nsecond import: {second_seconds:.1f} s")
    print("  created: " + ", ".join(f"{k} {v}" for k, v in second.created.items()))
    print("  updated: " + ", ".join(f"{k} {v}" for k, v in second.updated.items()))
    print("  rows in the database: " + ", ".join(f"{k} {v}" for k, v in after_second.items()))
    print(f"  nothing changed (counts, ids, values, updated_at): {'yes' if unchanged else 'NO'}")

    out = io.StringIO()
    call_command("analytics", "outcomes", "--format", "csv", stdout=out)
    reported = {row[1]: row[3:] for row in list(csv.reader(io.StringIO(out.getvalue())))[1:]
                if row[1].startswith("oulad-")}
    expected = expected_outcomes(args.data)
    agree = reported == expected
    print(f"\noutcome rows of {len(reported)} runs equal the raw-file figures: "
          f"{'yes' if agree else 'NO'}")
    if not agree:
        for slug in sorted(set(reported) | set(expected)):
            if reported.get(slug) != expected.get(slug):
                print(f"  {slug}: reported {reported.get(slug)} expected {expected.get(slug)}")

    per_row = row_by_row_sample(args.data)
    naive_total = per_row * first.rows["studentAssessment.csv"]
    print("\nbaselines measured in this run:")
    print(f"  csv module only, no checks or database: {floor:.1f} s  "
          f"(PeerPath import / floor = {first_seconds / floor:.1f}x)")
    print(f"  row-by-row ORM, assessment results only ({SAMPLE}-row sample, extrapolated to "
          f"{first.rows['studentAssessment.csv']}): {naive_total:.0f} s  "
          f"(row-by-row / PeerPath whole import = {naive_total / first_seconds:.1f}x)")
    if temporary is not None and not args.keep_database:
        temporary.unlink(missing_ok=True)
    return 0 if (unchanged and agree and first_seconds <= 60) else 1


if __name__ == "__main__":
    raise SystemExit(main())

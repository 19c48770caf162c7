"""The OULAD import against figures computed independently from the raw CSV files.

Most tests use a subset (three presentations, written to a temporary folder with the csv
module). The whole dataset (22 presentations) is imported by `benchmarks/import_oulad.py`,
which times it, checks that a second import changes nothing and compares every run's outcome
row with the same independent computation (`expected_outcomes` below).
"""

import csv
import io

import pytest
from django.core.management import call_command

from peerpath.analytics.models import AssessmentResult, EnrolmentOutcome, ImportReport
from peerpath.analytics.oulad import oulad_import
from peerpath.analytics.tests.conftest import FILES, read, write
from peerpath.analytics.tests.oulad_reference import expected_outcomes
from peerpath.common.errors import ApplicationError
from peerpath.courses.models import Run
from peerpath.enrollment.models import Enrolment

pytestmark = pytest.mark.django_db


def command_outcomes() -> dict[str, list]:
    out = io.StringIO()
    call_command("analytics", "outcomes", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["course", "run", "starts_on", "enrolled", "started", "passed",
                       "distinction", "failed", "withdrawn", "completed",
                       "completion_rate_enrolled", "completion_rate_started"]
    return {row[1]: row[3:] for row in rows[1:]}


def test_subset_import_matches_the_raw_files_and_a_second_import_changes_nothing(subset):
    first = oulad_import(subset)
    info = read(subset, "studentInfo.csv")
    submissions = read(subset, "studentAssessment.csv")
    assert first.created["runs"] == 3
    assert first.created["enrolments"] == len(info) == Enrolment.objects.count()
    assert first.created["users"] == len({r["id_student"] for r in info})
    assert first.created["assessment_results"] == len(submissions)
    assert command_outcomes() == expected_outcomes(subset)

    # missing values are counted, not dropped
    raw_missing_imd = sum(r["imd_band"] == "?" for r in info)
    raw_missing_score = sum(r["score"] in ("", "?") for r in submissions)
    assert first.missing["studentInfo.csv"].get("imd_band", 0) == raw_missing_imd
    assert first.missing.get("studentAssessment.csv", {}).get("score", 0) == raw_missing_score
    assert EnrolmentOutcome.objects.filter(imd_band="").count() == raw_missing_imd
    assert AssessmentResult.objects.filter(score__isnull=True).count() == raw_missing_score
    raw_withdrawn_dates = sum(r["date_unregistration"] != "?"
                              for r in read(subset, "studentRegistration.csv"))
    assert Enrolment.objects.filter(withdrawn_at__isnull=False).count() == raw_withdrawn_dates

    # scores: the mean of each run's recorded scores equals the raw mean
    presentation_of = {r["id_assessment"]: r["code_presentation"]
                       for r in read(subset, "assessments.csv") if r["code_module"] == "AAA"}
    raw = [float(r["score"]) for r in submissions
           if presentation_of.get(r["id_assessment"]) == "2013J" and r["score"] not in ("", "?")]
    ours = list(AssessmentResult.objects.filter(
        enrolment__run__slug="oulad-aaa-2013j", score__isnull=False).values_list("score",
                                                                                 flat=True))
    assert len(ours) == len(raw) and sum(ours) == pytest.approx(sum(raw))

    second = oulad_import(subset)
    assert second.changed == 0
    assert not any(second.created.values()) and not any(second.updated.values())
    assert Enrolment.objects.count() == len(info)
    assert ImportReport.objects.count() == 2


def test_a_changed_file_updates_only_what_changed(subset, tmp_path):
    oulad_import(subset)
    for name in FILES:
        (tmp_path / name).write_bytes((subset / name).read_bytes())
    rows = read(subset, "studentInfo.csv")
    target = next(r for r in rows if r["final_result"] == "Fail")
    target["final_result"] = "Pass"
    write(tmp_path, "studentInfo.csv", rows, list(rows[0]))
    summary = oulad_import(tmp_path)
    assert summary.created == {"users": 0, "enrolments": 0, "outcomes": 0, "assessments": 0,
                               "assessment_results": 0}
    assert summary.updated["outcomes"] == 1
    assert summary.updated["enrolments"] == 0
    outcome = EnrolmentOutcome.objects.get(
        enrolment__user__username=f"oulad-{target['id_student']}",
        enrolment__run__slug=f"oulad-{target['code_module']}-{target['code_presentation']}"
        .lower())
    assert outcome.result == "pass"


def test_bad_values_are_reported_with_file_line_and_column_and_nothing_is_written(
    subset, tmp_path
):
    for name in FILES:
        (tmp_path / name).write_bytes((subset / name).read_bytes())
    info = read(subset, "studentInfo.csv")
    info[4]["final_result"] = "Maybe"
    write(tmp_path, "studentInfo.csv", info, list(info[0]))
    submissions = read(subset, "studentAssessment.csv")
    header = list(submissions[0])
    submissions[9]["score"] = "lots"
    with (tmp_path / "studentAssessment.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(submissions)
    with pytest.raises(ApplicationError) as caught:
        oulad_import(tmp_path)
    errors = dict(caught.value.errors)
    assert "'Maybe' is not one of Pass" in errors["studentInfo.csv line 6, column final_result"]
    assert errors["studentAssessment.csv line 11, column score"] == "'lots' is not a number"
    assert not Run.objects.exists() and not Enrolment.objects.exists()


def test_a_missing_column_or_folder_is_refused(subset, tmp_path):
    for name in FILES:
        (tmp_path / name).write_bytes((subset / name).read_bytes())
    rows = read(subset, "assessments.csv")
    header = [c for c in rows[0] if c != "weight"]
    write(tmp_path, "assessments.csv", [{k: r[k] for k in header} for r in rows], header)
    with pytest.raises(ApplicationError) as caught:
        oulad_import(tmp_path)
    assert ("assessments.csv", "missing columns: weight") in caught.value.errors
    with pytest.raises(ApplicationError, match="not a folder"):
        oulad_import(tmp_path / "nowhere")


def test_the_import_command_prints_counts_and_missing_values(subset):
    out = io.StringIO()
    call_command("import", "oulad", str(subset), stdout=out)
    text = out.getvalue()
    assert "created: courses 2, runs 3" in text
    assert "missing values in studentInfo.csv: imd_band" in text
    out = io.StringIO()
    call_command("import", "oulad", str(subset), stdout=out)
    assert "no changes" in out.getvalue()

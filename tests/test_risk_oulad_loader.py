"""The OULAD loader of benchmarks/risk_oulad.py: activity from hand-ins, and from the click
stream when the copy holds one; a broken click row is named by its line."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "risk_oulad.py"
spec = importlib.util.spec_from_file_location("risk_oulad", SCRIPT)
risk_oulad = importlib.util.module_from_spec(spec)
spec.loader.exec_module(risk_oulad)

FILES = {
    "courses.csv": "code_module,code_presentation,module_presentation_length\nAAA,2014J,269\n",
    "studentInfo.csv": (
        "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,"
        "age_band,num_of_prev_attempts,studied_credits,disability,final_result\n"
        "AAA,2014J,1,M,Wales,HE Qualification,20-30%,35-55,0,60,N,Pass\n"
        "AAA,2014J,2,F,Scotland,A Level or Equivalent,?,0-35,1,120,N,Withdrawn\n"
        "AAA,2014J,3,F,Scotland,A Level or Equivalent,?,0-35,0,60,N,Withdrawn\n"
    ),
    "studentRegistration.csv": (
        "code_module,code_presentation,id_student,date_registration,date_unregistration\n"
        "AAA,2014J,1,-20,\nAAA,2014J,2,-5,90\nAAA,2014J,3,-5,30\n"
    ),
    "assessments.csv": (
        "code_module,code_presentation,id_assessment,assessment_type,date,weight\n"
        "AAA,2014J,10,TMA,19,10\nAAA,2014J,11,TMA,54,20\nAAA,2014J,12,Exam,,100\n"
    ),
    "studentAssessment.csv": (
        "id_assessment,id_student,date_submitted,is_banked,score\n"
        "10,1,18,0,78\n11,1,50,0,80\n10,2,20,0,40\n"
    ),
}
CLICKS = (
    "code_module,code_presentation,id_student,id_site,date,sum_click\n"
    "AAA,2014J,1,5,40,3\nAAA,2014J,2,5,52,1\nAAA,2014J,2,5,70,4\n"
)


def write(folder: Path, clicks: str | None) -> Path:
    for name, text in FILES.items():
        (folder / name).write_text(text)
    if clicks is not None:
        (folder / "studentVle.csv").write_text(clicks)
    return folder


def test_without_a_click_stream_activity_is_the_last_hand_in(tmp_path):
    data = risk_oulad.load(write(tmp_path, None))
    keys = []
    signals, labels = risk_oulad.signals_on(data, 56, "2014", keys)
    by_student = {key[2]: (s, y) for key, s, y in zip(keys, signals, labels, strict=True)}
    assert set(by_student) == {1, 2}  # student 3 left on day 30
    assert by_student[1][0].days_inactive == 6  # handed in on day 50
    assert by_student[2][0].days_inactive == 36  # handed in on day 20 only
    assert by_student[2][0].due_missed == 1 and by_student[2][1] is True


def test_clicks_count_as_activity_but_only_up_to_the_day(tmp_path):
    data = risk_oulad.load(write(tmp_path, CLICKS))
    keys = []
    signals, _labels = risk_oulad.signals_on(data, 56, "2014", keys)
    by_student = {key[2]: s for key, s in zip(keys, signals, strict=True)}
    assert by_student[1].days_inactive == 6  # the hand-in on day 50 is later than the click
    assert by_student[2].days_inactive == 4  # clicked on day 52; the day-70 click is the future


def test_a_broken_click_row_is_named_by_its_line(tmp_path):
    bad = CLICKS + "AAA,2014J,two,5,60,1\n"
    with pytest.raises(SystemExit, match=r"studentVle.csv, line 5"):
        risk_oulad.load(write(tmp_path, bad))

"""Shared fixtures of the analytics tests: a three-presentation subset of the OULAD files."""

import csv
from pathlib import Path

import pytest

OULAD = Path("/work/shared/data/oulad")
for parent in Path(__file__).resolve().parents:
    if (parent / "shared" / "data" / "oulad").exists():
        OULAD = parent / "shared" / "data" / "oulad"
        break
SUBSET = {("AAA", "2013J"), ("AAA", "2014J"), ("GGG", "2014B")}
FILES = ["courses.csv", "studentInfo.csv", "studentRegistration.csv", "assessments.csv",
         "studentAssessment.csv"]


def read(folder: Path, name: str) -> list[dict]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write(folder: Path, name: str, rows: list[dict], header: list[str]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="session")
def subset(tmp_path_factory) -> Path:
    if not OULAD.exists():
        pytest.skip("the OULAD files are not on this machine")
    folder = tmp_path_factory.mktemp("oulad-subset")
    kept_assessments = set()
    for name in FILES:
        rows = read(OULAD, name)
        header = list(rows[0])
        if name == "studentAssessment.csv":
            rows = [r for r in rows if r["id_assessment"] in kept_assessments]
        else:
            rows = [r for r in rows if (r["code_module"], r["code_presentation"]) in SUBSET]
        if name == "assessments.csv":
            kept_assessments = {r["id_assessment"] for r in rows}
        write(folder, name, rows, header)
    return folder

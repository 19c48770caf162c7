"""Outcome figures of OULAD presentations computed from the raw CSV files with the csv module
alone, independently of PeerPath's import and selectors (used by the tests and the benchmark).

Definitions as PeerPath reports them: enrolled = every registration; completed = Pass or
Distinction; started = submitted at least one assessment, or completed; rates to four places.
"""

import csv
from collections import Counter, defaultdict
from pathlib import Path


def _read(folder: Path, name: str) -> list[dict]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def expected_outcomes(folder: Path) -> dict[str, list[str]]:
    """{run slug: [enrolled, started, passed, distinction, failed, withdrawn, completed,
    completion rate of enrolled, completion rate of started]} as CSV strings."""
    info = _read(folder, "studentInfo.csv")
    presentation_of = {r["id_assessment"]: (r["code_module"], r["code_presentation"])
                       for r in _read(folder, "assessments.csv")}
    submitted = defaultdict(set)
    for r in _read(folder, "studentAssessment.csv"):
        submitted[presentation_of[r["id_assessment"]]].add(r["id_student"])
    results = defaultdict(Counter)
    completed = defaultdict(set)
    for r in info:
        key = (r["code_module"], r["code_presentation"])
        results[key][r["final_result"]] += 1
        if r["final_result"] in ("Pass", "Distinction"):
            completed[key].add(r["id_student"])
    expected = {}
    for (module, code), counts in results.items():
        enrolled = sum(counts.values())
        started = len(submitted[module, code] | completed[module, code])
        done = counts["Pass"] + counts["Distinction"]
        expected[f"oulad-{module}-{code}".lower()] = [
            str(enrolled), str(started), str(counts["Pass"]), str(counts["Distinction"]),
            str(counts["Fail"]), str(counts["Withdrawn"]), str(done),
            f"{done / enrolled:.4f}", f"{done / started:.4f}" if started else "",
        ]
    return expected

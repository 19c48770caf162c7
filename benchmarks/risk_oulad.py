"""How well the risk score predicts withdrawal, on real data (OULAD).

    .venv/bin/python benchmarks/risk_oulad.py [--data ../shared/data/oulad]

Loads the Open University Learning Analytics Dataset, trains the risk model of
`peerpath.progress.risk` on the 2013 presentations and tests it on the 2014 ones. For each
cut-off day (0, 28, 56, 112 after the presentation start) it takes the students still
registered that day and builds their signals from what was known by then only: registration
date, assessment submissions and scores dated on or before the cut-off, and the assessments
due by then. The label is whether the student finally withdrew. There is no click data in this
copy of OULAD (no studentVle.csv), so "activity" means handing in an assessment.

Printed per day: test ROC AUC of the risk score (one model trained on all cut-off days of
2013 together, as the daily task uses one model), of a model trained for that day only, and of
the baseline measured in the same run: the days-of-inactivity rule alone. Target: AUC >= 0.75
at day 56. The pooled model's weights are printed as a dict, ready to paste into
`LEARNT_MODEL`.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from peerpath.progress.risk import (  # noqa: E402
    DEFAULT_MODEL,
    Signals,
    risk_fit,
    risk_score,
    roc_auc,
)

DAYS = (0, 28, 56, 112)
EDUCATION = {
    "No Formal quals": 0,
    "Lower Than A Level": 1,
    "A Level or Equivalent": 2,
    "HE Qualification": 3,
    "Post Graduate Qualification": 4,
}
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "oulad"


def _int(value: str) -> int | None:
    value = value.strip()
    return None if value in {"", "?"} else int(float(value))


def _float(value: str) -> float | None:
    value = value.strip()
    return None if value in {"", "?"} else float(value)


def load(data: Path) -> dict:
    def rows(name):
        with open(data / name, newline="") as handle:
            yield from csv.DictReader(handle)

    students = {}
    for row in rows("studentInfo.csv"):
        key = (row["code_module"], row["code_presentation"], int(row["id_student"]))
        students[key] = {
            "withdrew": row["final_result"] == "Withdrawn",
            # 60 credits is one module at a time: the rest are other courses alongside
            "other_enrolments": max(int(row["studied_credits"]) / 60 - 1, 0),
            "earlier_attempts": int(row["num_of_prev_attempts"]),
            "prior_knowledge": EDUCATION.get(row["highest_education"]),
        }
    for row in rows("studentRegistration.csv"):
        key = (row["code_module"], row["code_presentation"], int(row["id_student"]))
        if key in students:
            students[key]["registered"] = _int(row["date_registration"])
            students[key]["unregistered"] = _int(row["date_unregistration"])
    assessments = {}
    due_by_presentation = defaultdict(list)
    for row in rows("assessments.csv"):
        presentation = (row["code_module"], row["code_presentation"])
        assessments[int(row["id_assessment"])] = presentation
        due = _int(row["date"])
        if row["assessment_type"] != "Exam" and due is not None:
            due_by_presentation[presentation].append((due, int(row["id_assessment"])))
    for presentation in due_by_presentation:
        due_by_presentation[presentation].sort()
    submissions = defaultdict(list)  # (module, presentation, student) -> [(day, assessment, score)]
    for row in rows("studentAssessment.csv"):
        presentation = assessments[int(row["id_assessment"])]
        key = (*presentation, int(row["id_student"]))
        submissions[key].append(
            (_int(row["date_submitted"]), int(row["id_assessment"]), _float(row["score"]))
        )
    return {"students": students, "due": due_by_presentation, "submissions": submissions}


ORDER = {"B": 0, "J": 1}  # B presentations start in February, J ones in October


def _start_rank(presentation: str) -> tuple[int, int]:
    return int(presentation[:4]), ORDER[presentation[4]]


def earlier_withdrawal_rates(data: dict) -> dict[tuple[str, str], float]:
    """Per (module, presentation): the share of students who withdrew from the module's
    presentations that started earlier — what a course team knows from its earlier runs."""
    counts = defaultdict(lambda: [0, 0])
    for (module, presentation, _student), student in data["students"].items():
        counts[(module, presentation)][0] += student["withdrew"]
        counts[(module, presentation)][1] += 1
    rates = {}
    for module, presentation in counts:
        earlier = [
            value
            for (other_module, other), value in counts.items()
            if other_module == module and _start_rank(other) < _start_rank(presentation)
        ]
        if earlier:
            rates[(module, presentation)] = sum(w for w, _ in earlier) / sum(n for _, n in earlier)
    return rates


def signals_on(data: dict, day: int, year: str) -> tuple[list[Signals], list[bool]]:
    """Signals of the students of `year`'s presentations still registered on `day`."""
    earlier = data.setdefault("earlier_rates", earlier_withdrawal_rates(data))
    by_presentation = defaultdict(list)
    for key, student in data["students"].items():
        module, presentation, _student = key
        if not presentation.startswith(year):
            continue
        registered = student.get("registered")
        unregistered = student.get("unregistered")
        if registered is not None and registered > day:
            continue  # not registered yet
        if unregistered is not None and unregistered <= day:
            continue  # already gone: nothing left to predict
        due = [a for d, a in data["due"][(module, presentation)] if d <= day]
        handed_in = [
            (d, a, s) for d, a, s in data["submissions"].get(key, []) if d is not None and d <= day
        ]
        done = {a for _d, a, _s in handed_in}
        last = max((d for d, _a, _s in handed_in), default=None)
        start = max(registered or 0, 0)
        scores = [s for _d, _a, s in handed_in if s is not None]
        by_presentation[(module, presentation)].append(
            (
                {
                    "days_inactive": day - max(last, start) if last is not None else day - start,
                    "first_assignment_missed": (due[0] not in done) if due else None,
                    "late_signup_days": max(registered or 0, 0),
                    "due_done_share": (len(done & set(due)) / len(due)) if due else None,
                    "mean_score": statistics.fmean(scores) if scores else None,
                    "due_missed": len(set(due) - done),
                    "work_done": len(done),
                    "other_enrolments": student["other_enrolments"],
                    "earlier_attempts": student["earlier_attempts"],
                    "prior_knowledge": student["prior_knowledge"],
                    "course_withdrawal_rate": earlier.get((module, presentation)),
                },
                student["withdrew"],
            )
        )
    signals, labels = [], []
    for rows in by_presentation.values():
        shares = [r["due_done_share"] for r, _ in rows if r["due_done_share"] is not None]
        median = statistics.median(shares) if shares else None
        for row, withdrew in rows:
            relative = (
                row["due_done_share"] - median
                if median is not None and row["due_done_share"] is not None
                else None
            )
            signals.append(Signals(relative_progress=relative, **row))
            labels.append(withdrew)
    return signals, labels


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    started = time.perf_counter()
    data = load(args.data)
    train = {day: signals_on(data, day, "2013") for day in DAYS}
    test = {day: signals_on(data, day, "2014") for day in DAYS}
    pooled_rows = [s for day in DAYS for s in train[day][0]]
    pooled_labels = [y for day in DAYS for y in train[day][1]]
    pooled = risk_fit(pooled_rows, pooled_labels)
    print(f"OULAD at {args.data}: loaded in {time.perf_counter() - started:.1f} s")
    print(f"trained on 2013: {len(pooled_rows)} student-days; tested on 2014\n")
    header = f"{'day':>4} {'students':>8} {'withdrew':>8} {'risk AUC':>9} "
    header += f"{'per-day AUC':>11} {'shipped AUC':>11} {'baseline AUC':>12} {'ratio':>6}  target"
    print(header)
    results = {}
    for day in DAYS:
        rows, labels = test[day]
        auc = roc_auc([risk_score(s, pooled).score for s in rows], labels)
        own = risk_fit(*train[day])
        auc_own = roc_auc([risk_score(s, own).score for s in rows], labels)
        shipped = roc_auc([risk_score(s, DEFAULT_MODEL).score for s in rows], labels)
        baseline = roc_auc([s.days_inactive for s in rows], labels)
        target = "AUC >= 0.75: " + ("met" if auc >= 0.75 else "NOT met") if day == 56 else ""
        print(
            f"{day:>4} {len(rows):>8} {sum(labels):>8} {auc:>9.3f} {auc_own:>11.3f} "
            f"{shipped:>11.3f} "
            f"{baseline:>12.3f} {auc / baseline:>6.2f}  {target}"
        )
        results[day] = auc
    print("\nrisk AUC: one model trained on 2013 (all four days together);")
    print("per-day: a model trained on that day only;")
    print("shipped: DEFAULT_MODEL as the app uses it (learnt weights plus the hand-set ones);")
    print("baseline: the days-of-inactivity rule alone (days since the last hand-in)")
    print("pooled model (LEARNT_MODEL in peerpath/progress/risk.py):")
    print(json.dumps(pooled.to_dict(), indent=1, sort_keys=True))
    sys.exit(0 if results[56] >= 0.75 else 1)


if __name__ == "__main__":
    main()

"""How well the risk score predicts withdrawal, on real data (OULAD).

    .venv/bin/python benchmarks/risk_oulad.py [--data ../shared/data/oulad]

Loads the Open University Learning Analytics Dataset, trains the risk model of
`peerpath.progress.risk` on the 2013 presentations and tests it on the 2014 ones. For each
cut-off day (0, 28, 56, 112 after the presentation start) it takes the students still
registered that day and builds their signals from what was known by then only: registration
date, assessment submissions and scores dated on or before the cut-off, and the assessments
due by then. The label is whether the student finally withdrew. Activity is handing in an
assessment and, when the copy of OULAD holds the click stream (studentVle.csv), any day with
clicks in the course's online materials; the copy on this machine has no click stream.

Printed per day: test ROC AUC of the risk score (one model trained on all cut-off days of
2013 together, as the daily task uses one model), of a model trained for that day only, and of
the baseline measured in the same run: the days-of-inactivity rule alone. Target: AUC >= 0.75
at day 56. The pooled model's weights are printed as a dict, ready to paste into
`LEARNT_MODEL`.

A second table measures, in the same run, what the data itself allows: gradient-boosted trees
(scikit-learn, when installed) trained on every column of the copy — the signals above plus
demographics (age band, deprivation band, disability, gender, region) and the module — which a
transparent score must not use but which bound what any score could reach on this data.
"""

from __future__ import annotations

import argparse
import bisect
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
AGE = {"0-35": 0, "35-55": 1, "55<=": 2}
IMD = {f"{10 * i}-{10 * i + 10}%": i for i in range(10)} | {"10-20": 1}
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
            "demographics": (
                AGE.get(row["age_band"]),
                IMD.get(row["imd_band"]),
                row["disability"] == "Y",
                row["gender"] == "M",
                row["region"],
            ),
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
    clicks = load_click_days(data)
    return {
        "students": students,
        "due": due_by_presentation,
        "submissions": submissions,
        "clicks": clicks,
    }


def load_click_days(data: Path) -> dict[tuple[str, str, int], list[int]] | None:
    """Per (module, presentation, student): the sorted days with clicks, from studentVle.csv;
    None when the copy has no click stream."""
    path = data / "studentVle.csv"
    if not path.exists():
        return None
    days: dict[tuple[str, str, int], set[int]] = defaultdict(set)
    with open(path, newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        module, presentation, student, date = (
            header.index(name)
            for name in ("code_module", "code_presentation", "id_student", "date")
        )
        for line, row in enumerate(reader, start=2):
            try:
                days[(row[module], row[presentation], int(row[student]))].add(int(row[date]))
            except (ValueError, IndexError) as error:
                raise SystemExit(f"{path}, line {line}: {error}") from None
    return {key: sorted(value) for key, value in days.items()}


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


def signals_on(
    data: dict, day: int, year: str, keys: list | None = None
) -> tuple[list[Signals], list[bool]]:
    """Signals of the students of `year`'s presentations still registered on `day` (their
    (module, presentation, student) keys appended to `keys` in the same order, if given)."""
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
        active_days = [d for d, _a, _s in handed_in]
        if data.get("clicks") is not None:
            click_days = data["clicks"].get(key, [])
            active_days.append(
                click_days[bisect.bisect_right(click_days, day) - 1]
                if click_days and click_days[0] <= day
                else None
            )
        last = max((d for d in active_days if d is not None), default=None)
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
                key,
            )
        )
    signals, labels = [], []
    for rows in by_presentation.values():
        shares = [r["due_done_share"] for r, _, _ in rows if r["due_done_share"] is not None]
        median = statistics.median(shares) if shares else None
        for row, withdrew, key in rows:
            relative = (
                row["due_done_share"] - median
                if median is not None and row["due_done_share"] is not None
                else None
            )
            signals.append(Signals(relative_progress=relative, **row))
            labels.append(withdrew)
            if keys is not None:
                keys.append(key)
    return signals, labels


def reference_aucs(data: dict) -> dict[int, float] | None:
    """Per day: test AUC of gradient-boosted trees on every column of the copy (the signals,
    demographics and the module), trained on 2013 — what this data allows any score to reach.
    None when scikit-learn is not installed."""
    try:
        from sklearn.ensemble import HistGradientBoostingClassifier
    except ImportError:
        return None
    import numpy as np

    regions = sorted({s["demographics"][4] for s in data["students"].values()})
    modules = sorted({key[0] for key in data["students"]})

    def table(day, year):
        keys: list = []
        rows, labels = signals_on(data, day, year, keys)
        x = []
        for signals, key in zip(rows, keys, strict=True):
            age, imd, disabled, male, region = data["students"][key]["demographics"]
            x.append(
                [np.nan if v is None else float(v) for v in signals.values()]
                + [np.nan if age is None else age, np.nan if imd is None else imd]
                + [float(disabled), float(male), float(regions.index(region))]
                + [float(modules.index(key[0]))]
            )
        return np.array(x), np.array(labels)

    aucs = {}
    for day in DAYS:
        x_train, y_train = table(day, "2013")
        x_test, y_test = table(day, "2014")
        known = np.isfinite(x_train).any(axis=0)  # OULAD has no meetings: drop empty columns
        x_train, x_test = x_train[:, known], x_test[:, known]
        width = x_train.shape[1]  # the last two columns are the region and the module
        model = HistGradientBoostingClassifier(
            max_iter=300,
            learning_rate=0.05,
            categorical_features=[width - 2, width - 1],
            random_state=0,
        ).fit(x_train, y_train)
        aucs[day] = roc_auc(model.predict_proba(x_test)[:, 1].tolist(), y_test.tolist())
    return aucs


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
    print(
        "clicks: "
        + (
            "studentVle.csv used for activity"
            if data["clicks"] is not None
            else "none in this copy (no studentVle.csv): activity is hand-ins only"
        )
    )
    reference = reference_aucs(data)
    if reference is not None:
        print("\nwhat this data allows: gradient-boosted trees on every column (signals,")
        print("demographics, module), trained on 2013, tested on 2014, same students as above")
        print(f"{'day':>4} {'reference AUC':>13} {'risk AUC':>9}")
        for day in DAYS:
            print(f"{day:>4} {reference[day]:>13.3f} {results[day]:>9.3f}")
    print("pooled model (LEARNT_MODEL in peerpath/progress/risk.py):")
    print(json.dumps(pooled.to_dict(), indent=1, sort_keys=True))
    sys.exit(0 if results[56] >= 0.75 else 1)


if __name__ == "__main__":
    main()

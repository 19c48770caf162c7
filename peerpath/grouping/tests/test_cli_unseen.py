"""`peerpath group solve` on learner files the generator never makes — other distributions of
hours, languages and colleague blocks, other sizes and rules — each checked from the files alone
by an independent reading of GROUPING.md's hard rules and of its lower bound on the unassigned."""

import json
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest


def solve(tmp_path, learners: list[dict], rules: str | None = None):
    learners_file, groups_file = tmp_path / "learners.jsonl", tmp_path / "groups.jsonl"
    learners_file.write_text("".join(json.dumps(row) + "\n" for row in learners))
    args = ["group", "solve", "--learners", str(learners_file), "--out", str(groups_file)]
    if rules is not None:
        (tmp_path / "rules.yaml").write_text(rules)
        args += ["--rules", str(tmp_path / "rules.yaml")]
    done = subprocess.run(
        [sys.executable, "-m", "peerpath.cli.main", *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "hard violations 0" in done.stdout
    rows = [json.loads(line) for line in groups_file.open()]
    (last,) = [row for row in rows if "unassigned" in row]
    return [row for row in rows if "group" in row], last["unassigned"]


def check(learners, groups, unassigned, low=6, high=10, window=range(168)):
    """Every hard rule, from the files: each learner once, sizes, one language, an hour in the
    window that every member can make, a reason for each learner left out."""
    by_id = {row["id"]: row for row in learners}
    seen = []
    for group in groups:
        members = [by_id[m] for m in group["members"]]
        assert low <= len(members) <= high, group
        assert len({m["language"] for m in members}) == 1, group
        assert group["hour"] in window, group
        assert all(group["hour"] in m["availability"] for m in members), group
        seen.extend(group["members"])
    assert all(entry["reason"].strip() for entry in unassigned)
    seen.extend(entry["id"] for entry in unassigned)
    assert Counter(seen) == Counter(by_id.keys())  # each learner exactly once


def lower_bound(learners, low=6, window=range(168)) -> int:
    """GROUPING.md's bound, written here from its text: peel the learners who have no hour in the
    window at which at least `low` still-viable learners of their language can meet, until
    nothing changes; those peeled can never be placed."""
    viable = {row["id"] for row in learners}
    allowed = set(window)
    while True:
        count = Counter(
            (row["language"], hour)
            for row in learners
            if row["id"] in viable
            for hour in row["availability"]
            if hour in allowed
        )
        peel = {
            row["id"]
            for row in learners
            if row["id"] in viable
            and not any(
                count[(row["language"], h)] >= low for h in row["availability"] if h in allowed
            )
        }
        if not peel:
            return len(learners) - len(viable)
        viable -= peel


def learner(i, language, hours, organisation=None, knowledge=2, role="mid"):
    return {
        "id": f"u{i}",
        "language": language,
        "timezone": "UTC",
        "availability": sorted(int(h) for h in hours),
        "organisation": organisation,
        "mode": "with_colleagues" if organisation else "individual",
        "knowledge": int(knowledge),
        "role": role,
    }


def test_uniform_hours_skewed_languages_and_big_colleague_blocks(tmp_path):
    # any 4 to 20 hours of the week, six languages with Zipf-like weights, and schools of 2 to
    # 12 colleagues (beyond the cap of 4 per group)
    rng = np.random.default_rng(7)
    languages = ["en", "es", "pt", "fr", "ar", "sw"]
    weights = np.array([1 / (k + 1) for k in range(6)])
    learners, i = [], 0
    while i < 2_500:
        block = int(rng.integers(2, 13)) if rng.random() < 0.3 else 1
        language = str(rng.choice(languages, p=weights / weights.sum()))
        shared = rng.choice(168, int(rng.integers(4, 21)), replace=False)
        for _ in range(block):
            own = rng.choice(168, int(rng.integers(0, 6)), replace=False)
            learners.append(
                learner(
                    len(learners),
                    language,
                    set(shared) | set(own),
                    f"school{i}" if block > 1 else None,
                    knowledge=rng.integers(0, 5),
                    role=str(rng.choice(["novice", "mid", "senior"])),
                )
            )
        i += block
    groups, unassigned = solve(tmp_path, learners)
    check(learners, groups, unassigned)
    bound = lower_bound(learners)
    assert bound <= len(unassigned) <= bound + 0.01 * len(learners), (bound, len(unassigned))


def test_a_crowd_at_two_hours_with_small_groups_and_a_narrow_window(tmp_path):
    # 800 learners who can all make one or both of two evening hours (and others outside the
    # run's window): large buckets to cut into groups of 3 to 5
    rng = np.random.default_rng(11)
    evening = [19, 43]  # Monday and Tuesday 19:00 UTC
    learners = []
    for i in range(800):
        hours = set(rng.choice(evening, int(rng.integers(1, 3)), replace=False))
        hours |= set(rng.choice(range(100, 168), 3, replace=False))  # outside the window
        learners.append(learner(i, "en", hours, knowledge=rng.integers(0, 5)))
    rules = "min_size: 3\nmax_size: 5\ntarget_size: 4\nallowed_hours: [19, 43]\n"
    groups, unassigned = solve(tmp_path, learners, rules)
    check(learners, groups, unassigned, low=3, high=5, window=evening)
    assert len(unassigned) == lower_bound(learners, low=3, window=evening) == 0
    assert Counter(len(g["members"]) for g in groups).most_common(1)[0][0] == 4  # the target


def test_two_halves_of_the_world_that_never_overlap(tmp_path):
    # half can meet only at 00-05 UTC on weekdays, half only at 12-17: no group may mix them
    rng = np.random.default_rng(3)
    early = [d * 24 + h for d in range(5) for h in range(6)]
    late = [d * 24 + h for d in range(5) for h in range(12, 18)]
    learners = [
        learner(i, "en", rng.choice(early if i % 2 else late, 6, replace=False)) for i in range(600)
    ]
    groups, unassigned = solve(tmp_path, learners)
    check(learners, groups, unassigned)
    halves = {row["id"]: int(row["id"][1:]) % 2 for row in learners}
    assert all(len({halves[m] for m in g["members"]}) == 1 for g in groups)
    bound = lower_bound(learners)
    assert bound <= len(unassigned) <= bound + 6


@pytest.mark.parametrize("extra_fr", [0, 1])
def test_a_handful_of_learners(tmp_path, extra_fr):
    # seven English speakers at 10:00 make one group; five French speakers are one short of
    # the smallest group unless a sixth comes; one German speaker is alone
    learners = [learner(i, "en", {10, 11}) for i in range(7)]
    learners += [learner(10 + i, "fr", {10}) for i in range(5 + extra_fr)]
    learners.append(learner(20, "de", {10}))
    groups, unassigned = solve(tmp_path, learners)
    check(learners, groups, unassigned)
    assert sorted((len(g["members"]), g["hour"] in (10, 11)) for g in groups) == sorted(
        [(7, True)] + ([(6, True)] if extra_fr else [])
    )
    assert len(unassigned) == lower_bound(learners) == (6 if not extra_fr else 1)

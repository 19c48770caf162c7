"""Exact packing of a bucket: valid groups, the program's objective is the measured penalty,
it is optimal (checked against every partition of a tiny bucket), and the solver's exact pair
step keeps every hard rule, never raises the penalty and gives the same answer for a seed."""

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpath.grouping.solver import Learner, LearnerTable, Rules, generate_table, solve
from peerpath.grouping.solver.engine import assign
from peerpath.grouping.solver.packing import course_shares, least_knowledge_gap, pack_bucket
from peerpath.grouping.solver.quality import group_measures, weighted_penalty
from peerpath.grouping.solver.repack import repack_pairs

from .helpers import assert_hard_rules_hold

HOUR = 10
SMALL = Rules(min_size=2, max_size=4, target_size=3, min_organisations=2)


def bucket_learners(n: int, seed: int, colleagues: bool = True) -> list[Learner]:
    """n learners of one language who can all meet at HOUR, with a few more hours each, mixed
    knowledge, roles and organisations (some coming with colleagues)."""
    rng = random.Random(seed)
    learners = []
    for i in range(n):
        org = rng.choice([None, None, "a", "b", "c"])
        learners.append(
            Learner(
                id=f"l{i}",
                language="en",
                availability={HOUR, *rng.sample([11, 12, 30, 31], rng.randint(0, 3))},
                organisation=org,
                mode="with_colleagues"
                if colleagues and org and rng.random() < 0.5
                else "individual",
                knowledge=rng.randint(0, 4),
                role=rng.choice(["novice", "mid", "senior"]),
            )
        )
    return learners


def measured(table: LearnerTable, rules: Rules, rows: np.ndarray, label: np.ndarray) -> float:
    """The soft terms of the groups `label` of learners `rows`, by the independent measures."""
    group_of = np.full(len(table), -1, np.int64)
    group_of[rows] = label
    n_groups = int(label.max()) + 1
    measures = group_measures(table, rules, group_of, np.full(n_groups, HOUR, np.int64))
    assert measures.hard_ok.all()
    return weighted_penalty(measures.terms, 0, rules)[0]


def set_partitions(n: int, low: int, high: int):
    """Every partition of range(n) into blocks of low..high elements, as label arrays."""
    label = [0] * n

    def extend(i: int, blocks: int, sizes: list[int]):
        if i == n:
            if all(low <= s <= high for s in sizes):
                yield np.asarray(label)
            return
        for b in range(blocks + 1):
            if b < blocks and sizes[b] == high:
                continue
            label[i] = b
            if b == blocks:
                sizes.append(1)
                yield from extend(i + 1, blocks + 1, sizes)
                sizes.pop()
            else:
                sizes[b] += 1
                yield from extend(i + 1, blocks, sizes)
                sizes[b] -= 1

    yield from extend(0, 0, [])


def check_packing(table: LearnerTable, rules: Rules, label: np.ndarray) -> None:
    sizes = np.bincount(label)
    assert (label >= 0).all(), "every learner is in a group"
    assert ((sizes >= rules.min_size) & (sizes <= rules.max_size)).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("colleagues", ["together", "spread"])
def test_packing_is_optimal_against_every_partition_of_a_tiny_bucket(seed, colleagues):
    rules = Rules(
        min_size=SMALL.min_size,
        max_size=SMALL.max_size,
        target_size=SMALL.target_size,
        min_organisations=SMALL.min_organisations,
        colleague_cap=2,
        colleagues=colleagues,
    )
    table = LearnerTable.from_learners(bucket_learners(9, seed))
    rows = np.arange(len(table))
    packing = pack_bucket(table, rules, rows, HOUR, course_shares(table))
    assert packing is not None and packing.proved
    check_packing(table, rules, packing.label)
    best = min(
        measured(table, rules, rows, label)
        for label in set_partitions(len(rows), rules.min_size, rules.max_size)
    )
    assert measured(table, rules, rows, packing.label) == pytest.approx(best)
    assert packing.objective == pytest.approx(best)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(min_value=6, max_value=22), seed=st.integers(0, 10_000))
def test_packing_keeps_every_learner_once_in_groups_of_allowed_size(n, seed):
    rules = Rules()
    learners = bucket_learners(n, seed)
    table = LearnerTable.from_learners(learners)
    rows = np.arange(len(table))
    start = np.arange(n) % max(1, n // rules.max_size + (n % rules.max_size > 0))
    start_ok = rules.size_is_feasible(n) and all(
        rules.min_size <= c <= rules.max_size for c in np.bincount(start)
    )
    packing = pack_bucket(
        table, rules, rows, HOUR, course_shares(table), start=start if start_ok else None
    )
    if not rules.size_is_feasible(n):
        assert packing is None
        return
    assert packing is not None
    check_packing(table, rules, packing.label)
    assert len(packing.label) == n
    # the program counts exactly what the independent measures count, and never ends worse
    # than the start it was given
    assert packing.objective == pytest.approx(measured(table, rules, rows, packing.label))
    if start_ok:
        assert packing.objective <= measured(table, rules, rows, start) + 1e-9


def test_a_fixed_number_of_groups_is_kept_and_refused_when_impossible():
    table = LearnerTable.from_learners(bucket_learners(16, 5))
    rows = np.arange(len(table))
    share = course_shares(table)
    packing = pack_bucket(table, Rules(), rows, HOUR, share, groups=2)
    assert packing is not None and packing.label.max() == 1
    assert pack_bucket(table, Rules(), rows, HOUR, share, groups=4) is None  # 4 x 6 > 16


def test_a_second_common_hour_is_kept_when_it_costs_nothing_else():
    """Six learners can make hours 10 and 11, six only hour 10: with everything else alike the
    best packing puts the six of hour 11 together (one group keeps a backup hour)."""
    learners = [
        Learner(id=f"a{i}", language="en", availability={HOUR, 11}, knowledge=2, role="senior")
        for i in range(6)
    ] + [
        Learner(id=f"b{i}", language="en", availability={HOUR}, knowledge=2, role="senior")
        for i in range(6)
    ]
    table = LearnerTable.from_learners(learners)
    rules = Rules(min_organisations=0)
    packing = pack_bucket(table, rules, np.arange(12), HOUR, course_shares(table))
    assert packing is not None and packing.proved
    label = packing.label
    assert len(set(label[:6].tolist())) == 1 and label[0] not in set(label[6:].tolist())


def test_least_knowledge_gap_is_the_smallest_over_all_count_vectors():
    share = np.asarray([0.2, 0.3, 0.25, 0.15, 0.1])
    for size in range(1, 9):
        best = min(
            float(np.abs(np.asarray(c) - size * share).sum())
            for c in np.ndindex(*(size + 1,) * 5)
            if sum(c) == size
        )
        assert least_knowledge_gap(size, share) == pytest.approx(best)


@pytest.mark.parametrize("profile", ["global", "national"])
def test_exact_pairs_keep_the_hard_rules_and_never_raise_the_penalty(profile):
    table = generate_table(profile, 600, 3)
    rules = Rules()
    group_of, group_hour, _ = assign(table, rules, 3)
    before = group_measures(table, rules, group_of, group_hour)
    placed = np.flatnonzero(group_of >= 0)
    improved = repack_pairs(table, rules, group_of, group_hour, budget=8)
    after = group_measures(table, rules, group_of, group_hour)
    assert after.hard_ok.all()
    assert (np.flatnonzero(group_of >= 0) == placed).all()
    penalty = weighted_penalty(after.terms, 0, rules)[0]
    assert penalty <= weighted_penalty(before.terms, 0, rules)[0] + 1e-9
    if improved:
        assert penalty < weighted_penalty(before.terms, 0, rules)[0]


def test_small_runs_are_repacked_and_give_the_same_groups_for_a_seed():
    learners = generate_table("global", 400, 8).to_learners()
    rules = Rules()
    first = solve(learners, rules, seed=8)
    second = solve(learners, rules, seed=8)
    assert_hard_rules_hold(learners, rules, first)
    assert "exact pairs" in first.report.phase_seconds
    assert [g.to_dict() for g in first.groups] == [g.to_dict() for g in second.groups]
    table = LearnerTable.from_learners(learners)
    plain = assign(table, rules, 8)  # without repacking (as the weekly repair calls it)
    repacked = assign(table, rules, 8, repack=True)
    soft = [
        weighted_penalty(group_measures(table, rules, g, h).terms, 0, rules)[0]
        for g, h, _ in (plain, repacked)
    ]
    assert soft[1] <= soft[0]

"""The exact first stage: it places the learners the greedy strands, proves the greedy right
when it is, and the engine keeps its answer only when it is better."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from peerpath.grouping.solver import Learner, LearnerTable, Rules, solve
from peerpath.grouping.solver.engine import item_seniors
from peerpath.grouping.solver.exact import bucket_objective, exact_buckets
from peerpath.grouping.solver.hours import UNPLACED, build_items
from peerpath.grouping.solver.quality import distinct_values, peel

from .helpers import assert_hard_rules_hold


def crossed_learners():
    """Five learners only at hour 10, five only at hour 20 and two who can make both: all
    twelve fit only if the two go one to each hour."""
    learners = [Learner(id=f"a{i}", language="en", availability={10}) for i in range(5)]
    learners += [Learner(id=f"b{i}", language="en", availability={20}) for i in range(5)]
    learners += [Learner(id=f"c{i}", language="en", availability={10, 20}) for i in range(2)]
    return learners


def items_of(learners, rules):
    table = LearnerTable.from_learners(learners)
    viable, _, count = peel(table, rules)
    return table, build_items(table, rules, viable, count >= rules.min_size)


def test_program_places_everyone_when_only_a_split_works():
    rules = Rules()
    table, items = items_of(crossed_learners(), rules)
    bucket = exact_buckets(items, 0, rules)
    assert (bucket != UNPLACED).all()
    hours = bucket % 168
    assert sorted(np.bincount(hours, minlength=21)[[10, 20]].tolist()) == [6, 6]
    assert bucket_objective(items, bucket, rules) == 0.0


def test_program_refuses_to_beat_an_answer_that_is_already_best():
    rules = Rules()
    table, items = items_of(crossed_learners(), rules)
    best = exact_buckets(items, 0, rules)
    assert exact_buckets(items, 0, rules, cutoff=bucket_objective(items, best, rules)) is None
    # everyone who can at hour 10, the five of hour 20 left out: the program does better
    worse = np.where(table.bits[items.members[items.member_ptr[:-1]], 0] & (1 << 10), 10, -1)
    worse = np.where(worse >= 0, worse, UNPLACED)
    assert bucket_objective(items, worse, rules) == 5 * rules.weights.unassigned
    better = exact_buckets(items, 0, rules, cutoff=bucket_objective(items, worse, rules))
    assert better is not None and (better != UNPLACED).all()
    # a bucket that cannot be cut into groups places nobody
    broken = best.copy()
    broken[np.flatnonzero(best % 168 == 10)[:1]] = UNPLACED
    assert bucket_objective(items, broken, rules) == 6 * rules.weights.unassigned


def test_size_and_senior_terms_choose_between_equally_full_answers():
    rules = Rules()
    learners = [
        Learner(id=f"s{i}", language="en", availability={5, 6}, role="senior") for i in range(2)
    ] + [Learner(id=f"m{i}", language="en", availability={5, 6}) for i in range(14)]
    table, items = items_of(learners, rules)
    seniors = item_seniors(table, items)
    bucket = exact_buckets(items, 0, rules, size_weight=3.0, senior_weight=3.0, seniors=seniors)
    assert (bucket != UNPLACED).all()
    objective = bucket_objective(items, bucket, rules, seniors, 3.0, 3.0)
    # 16 learners: two groups of 8, each with a senior, is the only perfect answer
    assert objective == 0.0


def test_solve_places_everyone_the_greedy_alone_would_strand():
    learners = crossed_learners()
    rules = Rules()
    solution = solve(learners, rules)
    assert_hard_rules_hold(learners, rules, solution)
    assert solution.unassigned == []
    assert sorted(len(g.members) for g in solution.groups) == [6, 6]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), max_size=200))
def test_distinct_values_matches_numpy_unique(values):
    array = np.asarray(values, np.int64)
    assert distinct_values(array).tolist() == np.unique(array).tolist()

"""Hypothesis properties: the hard rules hold for any learners and rules."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerpath.grouping.solver import Learner, LearnerTable, Rules, solve
from peerpath.grouping.solver.quality import viable_learners

from .helpers import assert_hard_rules_hold

HOURS = st.frozensets(st.sampled_from([1, 2, 18, 19, 20, 50, 100, 167]), max_size=5)


@st.composite
def learners_and_rules(draw):
    count = draw(st.integers(0, 70))
    learners = [
        Learner(
            id=f"L{i}",
            language=draw(st.sampled_from(["en", "en", "fr"])),
            availability=draw(HOURS),
            organisation=draw(st.sampled_from([None, "a", "b", "c"])),
            mode=draw(st.sampled_from(["individual", "with_colleagues"])),
            knowledge=draw(st.integers(0, 4)),
            role=draw(st.sampled_from(["novice", "mid", "senior"])),
        )
        for i in range(count)
    ]
    min_size = draw(st.integers(2, 6))
    max_size = draw(st.integers(min_size, 10))
    rules = Rules(
        min_size=min_size,
        max_size=max_size,
        target_size=draw(st.integers(min_size, max_size)),
        colleagues=draw(st.sampled_from(["together", "spread"])),
        colleague_cap=draw(st.integers(1, 4)),
        allowed_hours=draw(
            st.sampled_from([None, frozenset({18, 19, 20}), frozenset({1, 2, 167})])
        ),
        backup_hour=draw(st.booleans()),
    )
    return learners, rules


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(learners_and_rules(), st.integers(0, 3))
def test_any_input_gives_valid_groups_and_reasons_for_the_rest(case, seed):
    learners, rules = case
    solution = solve(learners, rules, seed=seed)
    assert_hard_rules_hold(learners, rules, solution)
    viable, _ = viable_learners(LearnerTable.from_learners(learners), rules)
    assert len(solution.unassigned) >= int((~viable).sum())


@settings(max_examples=40, deadline=None)
@given(learners_and_rules(), st.integers(0, 3))
def test_same_input_and_seed_give_the_same_answer(case, seed):
    learners, rules = case
    first, second = solve(learners, rules, seed=seed), solve(learners, rules, seed=seed)
    assert [g.to_dict() for g in first.groups] == [g.to_dict() for g in second.groups]
    assert first.unassigned == second.unassigned

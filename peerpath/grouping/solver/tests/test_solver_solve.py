"""Behaviour of `solve` on generated and hand-made learners."""

import pytest

from peerpath.grouping.solver import (
    Learner,
    LearnerTable,
    Rules,
    check_hard_rules,
    generate_learners,
    solve,
)
from peerpath.grouping.solver.quality import viable_learners

from .helpers import assert_hard_rules_hold

EVENING = frozenset({18, 19, 20})


def learner(i, language="en", hours=EVENING, **extra):
    return Learner(id=f"L{i}", language=language, availability=frozenset(hours), **extra)


@pytest.mark.parametrize("profile", ["global", "national"])
def test_generated_learners_are_each_in_one_valid_group_or_unassigned_with_a_reason(profile):
    learners = generate_learners(profile, 1500, seed=3)
    rules = Rules()
    solution = solve(learners, rules, seed=1)
    assert_hard_rules_hold(learners, rules, solution)
    assert all(
        v == 0
        for v in check_hard_rules(learners, rules, solution.groups, solution.unassigned).values()
    )


def test_meeting_hours_stay_inside_the_allowed_window():
    learners = generate_learners("global", 1200, seed=5)
    window = frozenset(h for h in range(168) if 17 <= h % 24 <= 21)
    rules = Rules(allowed_hours=window)
    solution = solve(learners, rules)
    assert_hard_rules_hold(learners, rules, solution)
    assert {g.hour for g in solution.groups} <= window


def test_same_seed_gives_the_same_groups_and_another_seed_may_differ():
    learners = generate_learners("global", 800, seed=2)
    first, again = solve(learners, Rules(), seed=4), solve(learners, Rules(), seed=4)
    assert [g.to_dict() for g in first.groups] == [g.to_dict() for g in again.groups]
    assert first.unassigned == again.unassigned


def test_unassigned_never_below_the_lower_bound_and_equal_to_it_at_10k():
    learners = generate_learners("national", 10_000, seed=1)
    rules = Rules()
    viable, _ = viable_learners(LearnerTable.from_learners(learners), rules)
    solution = solve(learners, rules)
    lower_bound = int((~viable).sum())
    assert solution.report.lower_bound == lower_bound
    assert lower_bound <= len(solution.unassigned) <= lower_bound + 10


def test_learner_sharing_no_hour_with_enough_others_is_unassigned_with_the_reason():
    learners = (
        [learner(i) for i in range(8)] + [learner(99, hours={3})] + [learner(98, language="fr")]
    )
    solution = solve(learners, Rules())
    reasons = {u.id: u.reason for u in solution.unassigned}
    assert set(reasons) == {"L99", "L98"}
    assert "5 other" in reasons["L99"] and "allowed window" in reasons["L99"]
    assert len(solution.groups) == 1 and len(solution.groups[0].members) == 8


def test_learner_with_no_hour_inside_the_window_is_told_so():
    learners = [learner(i) for i in range(6)] + [learner(7, hours={100})]
    solution = solve(learners, Rules(allowed_hours=frozenset(EVENING)))
    assert [(u.id, u.reason) for u in solution.unassigned] == [
        ("L7", "no available hour inside the allowed meeting window")
    ]


def test_eleven_learners_at_one_hour_make_one_group_of_ten_plus_a_reason_for_the_last():
    solution = solve([learner(i, hours={20}) for i in range(11)], Rules())
    assert len(solution.groups) == 1 and len(solution.groups[0].members) == 10
    assert len(solution.unassigned) == 1 and solution.unassigned[0].reason


def test_colleagues_who_come_together_land_in_one_group():
    colleagues = [learner(i, organisation="school-a", mode="with_colleagues") for i in range(4)]
    others = [learner(10 + i, organisation=f"school-{i}") for i in range(12)]
    solution = solve(colleagues + others, Rules())
    homes = {g.id for g in solution.groups for m in g.members if m in {c.id for c in colleagues}}
    assert len(homes) == 1
    assert solution.report.terms["colleague_split"] == 0


def test_colleagues_are_spread_when_the_run_says_so():
    colleagues = [learner(i, organisation="school-a", mode="with_colleagues") for i in range(4)]
    others = [learner(10 + i) for i in range(12)]
    solution = solve(colleagues + others, Rules(colleagues="spread"))
    per_group = [
        sum(m.startswith("L") and int(m[1:]) < 4 for m in g.members) for g in solution.groups
    ]
    assert sorted(per_group) == [2, 2]


def test_large_colleague_blocks_are_cut_at_the_cap():
    colleagues = [learner(i, organisation="school-a", mode="with_colleagues") for i in range(7)]
    others = [learner(10 + i) for i in range(17)]
    rules = Rules(colleague_cap=4)
    solution = solve(colleagues + others, rules)
    assert_hard_rules_hold(colleagues + others, rules, solution)
    assert solution.report.terms["colleague_cap"] == 0


def test_each_group_names_its_other_common_hours_as_backups():
    solution = solve([learner(i) for i in range(8)], Rules())
    (group,) = solution.groups
    assert set(group.backup_hours) | {group.hour} == EVENING


def test_empty_input_gives_an_empty_solution():
    solution = solve([], Rules())
    assert solution.groups == [] and solution.unassigned == []
    assert solution.report.hard_total == 0


def test_checker_counts_violations_it_is_shown():
    learners = [learner(i) for i in range(6)] + [learner(6, language="fr"), learner(7, hours={1})]
    from peerpath.grouping.solver import Group

    groups = [
        Group(id=1, hour=18, members=[f"L{i}" for i in range(8)] + ["L0"]),
        Group(id=2, hour=200, members=["X"]),
    ]
    for subject in (learners, LearnerTable.from_learners(learners)):
        found = check_hard_rules(subject, Rules(), groups, [("L7", "")])
        assert found["placed_twice"] == 2  # L0 twice in group 1, L7 in a group and unassigned
        assert found["mixed_languages"] == 1
        assert found["member_unavailable_at_hour"] == 1
        assert found["size_out_of_range"] == 1
        assert found["hour_outside_window"] == 1
        assert found["unknown_member"] == 1
        assert found["unassigned_without_reason"] == 1
        assert found["not_placed_and_not_unassigned"] == 0


def test_report_lists_every_figure_of_the_spec():
    report = solve(generate_learners("global", 500, seed=1), Rules()).report
    data = report.to_dict()
    for key in (
        "hard_violations",
        "unassigned",
        "lower_bound",
        "penalty",
        "terms",
        "score_mean",
        "score_min",
        "score_p10",
        "seconds",
        "peak_memory_mb",
    ):
        assert key in data
    assert "lower bound" in report.format()
    assert 0 <= report.score_min <= report.score_p10 <= 1

"""Shared assertions for the solver tests: the hard rules, checked directly."""

from peerpath.grouping.solver import Learner, Rules, Solution


def assert_hard_rules_hold(learners: list[Learner], rules: Rules, solution: Solution) -> None:
    by_id = {learner.id: learner for learner in learners}
    seen: list[str] = []
    for group in solution.groups:
        assert rules.min_size <= len(group.members) <= rules.max_size, group
        assert group.hour in rules.window, group
        assert len({by_id[m].language for m in group.members}) == 1, group
        for member in group.members:
            assert group.hour in by_id[member].availability, (member, group)
        for hour in group.backup_hours:
            assert hour in rules.window
            assert all(hour in by_id[m].availability for m in group.members)
        seen.extend(group.members)
    for entry in solution.unassigned:
        assert entry.reason.strip(), entry
        seen.append(entry.id)
    assert sorted(seen) == sorted(by_id), "every learner exactly once, in a group or unassigned"
    assert solution.report.hard_total == 0

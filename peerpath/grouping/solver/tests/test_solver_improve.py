"""The worst-group local search keeps every hard rule and never lowers the minimum score."""

import numpy as np
import pytest

from peerpath.grouping.solver import Rules, check_hard_rules, generate_table
from peerpath.grouping.solver.engine import assign, materialise
from peerpath.grouping.solver.hours import build_items, choose_hours
from peerpath.grouping.solver.improve import improve_worst
from peerpath.grouping.solver.partition import form_groups
from peerpath.grouping.solver.quality import group_measures, peel


@pytest.mark.parametrize("profile", ["global", "national"])
def test_local_search_raises_the_worst_group_and_keeps_the_hard_rules(profile):
    table = generate_table(profile, 6000, 4)
    rules = Rules()
    viable, _, count = peel(table, rules)
    items = build_items(table, rules, viable, count >= rules.min_size)
    choice = choose_hours(items, max(1, len(table.languages)), rules, 4)
    group_of, group_hour = form_groups(table, items, choice.bucket, rules, 4)
    before = group_measures(table, rules, group_of, group_hour)
    placed_before = np.sort(np.flatnonzero(group_of >= 0))
    changes = improve_worst(table, rules, group_of, group_hour, before.score, seed=4)
    after = group_measures(table, rules, group_of, group_hour)
    assert changes > 0
    assert after.score.min() >= before.score.min()
    assert after.hard_ok.all()
    assert (np.sort(np.flatnonzero(group_of >= 0)) == placed_before).all()


def test_solution_after_local_search_passes_the_independent_checker():
    table = generate_table("global", 5000, 2)
    rules = Rules()
    group_of, group_hour, reason = assign(table, rules, 2)
    groups, unassigned = materialise(table, rules, group_of, group_hour, reason)
    assert not any(check_hard_rules(table, rules, groups, unassigned).values())

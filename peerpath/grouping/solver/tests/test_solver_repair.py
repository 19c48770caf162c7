"""Weekly repair: no thin groups left, hard rules kept for active members, few moves."""

import numpy as np

from peerpath.grouping.solver import Rules, generate_table
from peerpath.grouping.solver.engine import assign
from peerpath.grouping.solver.repair import active_sizes, repair


def test_repair_leaves_no_thin_group_and_every_group_can_meet():
    table = generate_table("global", 4000, 3)
    rules = Rules()
    group_of, group_hour, _ = assign(table, rules, 3)
    rng = np.random.default_rng(0)
    active = (group_of >= 0) & (rng.random(len(table)) < 0.45)
    result = repair(table, rules, group_of, group_hour, active, thin=4, seed=3)
    sizes = active_sizes(result.group_of, len(result.group_hour), active)
    assert result.thin_before > 0
    assert result.thin_after == 0
    assert ((sizes == 0) | (sizes >= 4)).all() and (sizes <= rules.max_size).all()
    on = np.flatnonzero(active & (result.group_of >= 0))
    hours = result.group_hour[result.group_of[on]]
    word = table.bits[on, hours >> 6]
    assert (((word >> (hours & 63).astype(np.uint64)) & np.uint64(1)) == 1).all()
    for g in np.unique(result.group_of[on]).tolist():
        assert len(set(table.language[on[result.group_of[on] == g]].tolist())) == 1
    assert 0 < result.moved < active.sum() * 0.3
    assert 0.5 < result.pairs_kept <= 1


def test_repair_with_everyone_active_changes_nothing():
    table = generate_table("national", 2000, 1)
    rules = Rules()
    group_of, group_hour, _ = assign(table, rules, 1)
    active = group_of >= 0
    result = repair(table, rules, group_of, group_hour, active)
    assert result.moved == 0 and result.time_changed == 0 and result.pairs_kept == 1.0
    assert (result.group_of == group_of).all()


def test_a_learner_left_waiting_earlier_is_offered_a_group_again():
    table = generate_table("national", 2000, 1)
    rules = Rules()
    group_of, group_hour, _ = assign(table, rules, 1)
    waiting = int(np.flatnonzero(group_of >= 0)[0])
    home = int(group_of[waiting])
    group_of = group_of.copy()
    group_of[waiting] = -1  # left without a group by an earlier week
    active = np.zeros(len(table), bool)
    active[np.flatnonzero(group_of == home)] = True
    active[waiting] = True
    result = repair(table, rules, group_of, group_hour, active)
    assert result.group_of[waiting] >= 0 and result.waiting == 0
    hour = int(result.group_hour[result.group_of[waiting]])
    assert (int(table.bits[waiting, hour >> 6]) >> (hour & 63)) & 1
    assert result.moved == 0  # nobody who had a group moved

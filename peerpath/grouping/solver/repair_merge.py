"""Merging groups at the thin line ahead of need, inside their (language, hour) slot.

Under a MOOC's weekly attrition, a group left with `thin` active members (4 by default) loses
one of them the next week more often than not, and then its members move anyway, in a week
that may already be busy. When this week's repair has moved fewer learners than the run's
weekly budget allows, the rest of the budget closes such groups now: the smallest first, each
only when every one of its units (colleague blocks whole) finds a free seat in another group
of the same language meeting at the same hour, so nobody's meeting time changes and no quiet
member gives up a seat. The groups taking them in grow and last longer. Not at the run's last
weekly repair: no week follows in which the merge would pay off.
"""

from __future__ import annotations

from .repair_plan import RepairState

# the share of a week's active learners the service lets the repair move in all, merges ahead
# included (the run's `merge_ahead_percent`, 12 by default). Measured on `benchmarks/repair.py`,
# global profile, worst week moved: 11% left 10k learners at 15.7-17.1% (seeds 1-10) and 13%
# at 15.7%, 12% at 14.9%; at 20k (seeds 1-20) 11% and 13% gave 14.6-15.0%, 12% 14.2%
MERGE_AHEAD_SHARE = 0.12
# groups with up to this many active members above `thin` may be merged ahead. Measured on
# `benchmarks/repair.py --seeds 1-10 --learners 10000` (global profile, budget 12%), worst week
# moved: 15.01% with 0 above `thin`, 15.08% with 1, 14.86% with 2, 14.97% with 4
LARGEST_ABOVE_THIN = 2


def merge_ahead(state: RepairState, budget: int) -> int:
    """Close groups of `thin` to `thin + LARGEST_ABOVE_THIN` active members into the free
    seats of other groups of their slot, smallest first, while the learners moved stay within
    `budget` (a learner the repair already moved this week costs nothing more). Returns the
    number of groups closed."""
    if budget <= 0:
        return 0
    rules = state.rules
    largest = state.thin + LARGEST_ABOVE_THIN
    slots = state.slots()
    candidates = sorted(
        (state.size[g], g, slot)
        for slot, groups in slots.items()
        if len(groups) > 1
        for g in groups
        if state.thin <= state.size[g] <= largest
    )
    closed = 0
    for _size, g, slot in candidates:
        if not state.thin <= state.size[g] <= largest:
            continue  # it has taken members in since
        cost = sum(1 for i in state.members[g] if state.of[i] == state.old_of[i])
        if cost > budget:
            continue
        others = [o for o in slots[slot] if o != g and state.size[o] > 0]
        free = {o: rules.max_size - state.size[o] - state.quiet[o] for o in others}
        size = {o: state.size[o] for o in others}
        plan = []
        for unit in state.units_of(g):
            fits = [o for o in others if free[o] >= len(unit)]
            if not fits:
                break
            o = min(fits, key=lambda o: (size[o], o))  # the smallest: it needs them most
            free[o] -= len(unit)
            size[o] += len(unit)
            plan.append((unit, o))
        else:
            for unit, o in plan:
                state.move(unit, o)
            budget -= cost
            closed += 1
    return closed

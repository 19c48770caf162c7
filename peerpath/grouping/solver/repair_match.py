"""The across-hours part of the weekly repair, solved exactly as a small MIP (HiGHS via SciPy).

What is left after the moves inside each (language, hour) slot: thin groups that their own
slot cannot fill (`needy`) and units with no group (`orphans`: members of closed groups and
learners waiting since an earlier week). Each needy group is kept, filled to `thin` by orphans,
by members of needy groups that close, or by single learners pulled from groups with more than
`thin` active members (each one a move and a time change), or closed (each member a move and a
time change). The program keeps the most learners where they are:

    minimise   Σ_n (a_n - KEEP_COST) (1 - keep_n) + Σ_n pull_n
               - BONUS × (stranded learners given a seat or kept in their group)
    subject to a_n keep_n + Σ_u |u| x_un + pull_n >= thin keep_n       (kept groups reach thin)
               Σ_u |u| x_un + pull_n <= seats_n keep_n                 (only kept groups take in)
               Σ_n x_un <= 1 for an orphan, <= 1 - keep_m for a unit of needy group m
               pull_n <= single learners of the language who can make n's hour

with x_un only where unit u can make group n's hour and speaks its language. KEEP_COST is 0 at
the run's last weekly repair (no week follows in which a kept group could thin again). A
stranded unit has no group of its language with a seat at an hour it can make: unless a needy
group takes it in, it waits. Branch and bound stops at a node limit so the answer does not
depend on the machine's speed; a time limit is only a safety net.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from scipy.optimize import LinearConstraint, milp
from scipy.sparse import coo_matrix

from .repair_plan import RepairState, Unit
from .repair_steps import pulls_for

BONUS = 0.5  # per stranded learner given a seat: a learner placed beats one left waiting
# a group just filled to `thin` is the likeliest to be thin again next week (a group of 4 loses
# a member with probability about 0.6 under the benchmark's weekly hazard), and then it costs
# changes again: keeping it must save more than this over closing it and seating its members in
# bigger groups. Measured on `benchmarks/repair.py` (with `repair_steps.KEEP_MOVES`), seed 1:
# on the global profile 0.5 gave a worst week of 3.5% time changes and new waits together and
# 732 of them over eight weeks, 2.5 gives 2.2% and 682; on the national profile 204 -> 168.
KEEP_COST = 2.5
NODE_LIMIT = 2_000
TIME_LIMIT = 20.0


def has_host(state: RepairState, unit: Unit, hosts: dict[tuple[int, int], list[int]]) -> bool:
    """Whether some group of the unit's language with `thin` or more active members and a seat
    meets at an hour the unit can make."""
    common = state.common(unit)
    lang = int(state.language[unit[0]])
    for hour in state.window:
        if (common >> hour) & 1:
            for g in hosts.get((lang, hour), ()):
                if state.room(g) >= len(unit):
                    return True
    return False


def settle_across_exact(state: RepairState, needy: list[int]) -> list[int]:
    """Decide and carry out, for the needy groups and the orphans, the plan of the MIP above.
    Returns the needy groups still thin (a pull the program counted on could not be made);
    the caller settles those by the heuristic."""
    thin = state.thin
    needy = [g for g in needy if state.is_thin(g)]
    if not needy:
        return []
    hosts: dict[tuple[int, int], list[int]] = defaultdict(list)
    healthy_by_lang: dict[int, list[int]] = defaultdict(list)
    for g in sorted(state.members):
        if state.size[g] >= thin:
            hosts[(state.lang[g], state.hours[g])].append(g)
        if state.size[g] > thin:
            healthy_by_lang[state.lang[g]].append(g)
    units: list[tuple[Unit, int]] = [(u, -1) for u in state.orphans]  # (unit, needy group)
    for g in needy:
        units.extend((u, g) for u in state.units_of(g))
    stranded = [not has_host(state, u, hosts) for u, _g in units]

    # columns: keep_n, pull_n, then x_un
    n_needy = len(needy)
    index = {g: k for k, g in enumerate(needy)}
    pairs: list[tuple[int, int]] = []  # (unit index, needy index)
    for j, (unit, home) in enumerate(units):
        lang = int(state.language[unit[0]])
        for k, g in enumerate(needy):
            if g != home and state.lang[g] == lang and state.can_make(unit, state.hours[g]):
                pairs.append((j, k))
    n_cols = 2 * n_needy + len(pairs)
    cost = np.zeros(n_cols)
    upper = np.ones(n_cols)
    keep_cost = KEEP_COST if state.look_ahead else 0.0
    cost[:n_needy] = [keep_cost - state.size[g] for g in needy]
    for j, (unit, home) in enumerate(units):
        if home >= 0 and stranded[j]:  # keeping the group keeps them from waiting
            cost[index[home]] -= BONUS * len(unit)
    cost[n_needy : 2 * n_needy] = 1.0
    for k, g in enumerate(needy):
        seats = state.room(g)
        upper[k] = 1.0 if seats >= thin - state.size[g] else 0.0
        want = thin - state.size[g]
        upper[n_needy + k] = min(want, _pull_supply(state, g, healthy_by_lang))
    for c, (j, _k) in enumerate(pairs):
        if stranded[j]:
            cost[2 * n_needy + c] = -BONUS * len(units[j][0])
    rows, cols, vals, lb, ub = [], [], [], [], []

    def row(entries: list[tuple[int, float]], low: float, high: float) -> None:
        r = len(lb)
        for col, val in entries:
            rows.append(r)
            cols.append(col)
            vals.append(val)
        lb.append(low)
        ub.append(high)

    into: dict[int, list[tuple[int, float]]] = defaultdict(list)
    out_of: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for c, (j, k) in enumerate(pairs):
        into[k].append((2 * n_needy + c, float(len(units[j][0]))))
        out_of[j].append((2 * n_needy + c, 1.0))
    for k, g in enumerate(needy):
        incoming = [*into[k], (n_needy + k, 1.0)]
        row([(k, float(state.size[g] - thin)), *incoming], 0.0, np.inf)
        row([(k, -float(max(0, state.room(g)))), *incoming], -np.inf, 0.0)
    for j, (_unit, home) in enumerate(units):
        if out_of[j]:
            extra = [(index[home], 1.0)] if home >= 0 else []
            row([*out_of[j], *extra], -np.inf, 1.0)
    matrix = coo_matrix((vals, (rows, cols)), shape=(len(lb), n_cols)).tocsr()
    integrality = np.ones(n_cols)
    result = milp(
        cost,
        integrality=integrality,
        bounds=(np.zeros(n_cols), upper),
        constraints=LinearConstraint(matrix, lb, ub),
        options={
            "time_limit": TIME_LIMIT,
            "node_limit": NODE_LIMIT,
            "mip_rel_gap": 0.0,
            "disp": False,
        },
    )
    if result.x is None:
        return needy
    x = np.round(result.x).astype(np.int64)
    keep = {g for k, g in enumerate(needy) if x[k]}
    for g in needy:
        if g not in keep:
            state.close(g)
    for c, (j, k) in enumerate(pairs):
        if x[2 * n_needy + c]:
            unit = units[j][0]
            if unit in state.orphans:
                state.orphans.remove(unit)
            state.move(unit, needy[k])
    still: list[int] = []
    for g in needy:
        if g in keep and state.size[g] < thin:
            pulls = pulls_for(state, g, healthy_by_lang[state.lang[g]])
            if pulls is None:
                still.append(g)
                continue
            for i in pulls:
                state.move([i], g)
    return still


def _pull_supply(state: RepairState, g: int, healthy_by_lang: dict[int, list[int]]) -> int:
    """How many single learners groups of g's language could give g (each group keeping its
    `floor`), counting only those who can make g's hour."""
    hour = state.hours[g]
    total = 0
    for d in healthy_by_lang[state.lang[g]]:
        spare = state.size[d] - state.floor(d)
        able = sum(1 for i in state.singles_of(d) if (state.bits(i) >> hour) & 1)
        total += max(0, min(spare, able))
        if total >= state.thin:
            break
    return total

"""Exact packing of one (language, hour) bucket into groups, solved by HiGHS.

Given the learners of a bucket (all of one language, all able to meet at the bucket's hour),
choose the number of groups and who goes where so that every learner is in exactly one group
of [min, max] and the GROUPING.md soft terms of these groups are as small as possible:

    size × Σ|size − target| + knowledge × Σ_levels |count − size × course share|
    + no_senior × groups without a senior + few_common_hours × groups with no second
    common hour + organisations × missing distinct organisations (groups with an individual
    participant) + colleague terms (blocks: groups touched beyond need, members beyond the
    cap; with "spread", colleagues sharing a group)

Learners alike in every respect that matters here (knowledge, senior, organisation, mode and
the candidate second hours they can make) form one integer column per group, and groups are
ordered by size, so the program stays small. With "together" the colleague split term is the
groups each block touches in this bucket beyond the ceil(members here / cap) it needs;
with "spread" it is the colleagues placed minus the (block, group) pairs present.

`pack_bucket` returns the packing with the program's objective for it, whether it was proved
optimal and the MIP gap; given a starting packing (`start`), it never returns a worse one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .highs import solve_milp
from .model import HOURS_PER_WEEK, KNOWLEDGE_LEVELS, Rules
from .quality import window_mask
from .table import ROLE_SENIOR, LearnerTable, bits_to_bool

NODE_LIMIT = 500  # branch-and-bound nodes per bucket: deterministic, unlike a time limit
TIME_LIMIT = 5.0  # a safety net only
# these programs are small: restarting the root search after presolve costs more than it saves
SMALL_PROGRAM = {"mip_allow_restart": False}


@dataclass(slots=True)
class Packing:
    """Group (0..k-1) of every learner of the bucket, in the order given."""

    label: np.ndarray
    objective: float  # the soft terms of these groups, as the program counts them
    proved: bool  # proved optimal (within the program's tolerance)
    gap: float  # relative MIP gap when stopped


def course_shares(table: LearnerTable) -> np.ndarray:
    """Share of every knowledge level among all the run's learners (as `group_measures`)."""
    counts = np.bincount(table.knowledge, minlength=KNOWLEDGE_LEVELS)
    return counts / max(len(table), 1)


def least_knowledge_gap(size: int, share: np.ndarray) -> float:
    """The smallest Σ|count − size × share| over knowledge levels any group of `size` can
    have (round every level down, then up where the fraction is largest)."""
    want = size * np.asarray(share, float)
    counts = np.floor(want)
    left = int(size - counts.sum())
    counts[np.argsort(-(want - counts), kind="stable")[:left]] += 1
    return float(np.abs(counts - want).sum())


class _Columns:
    """Column and row bookkeeping of one program."""

    def __init__(self) -> None:
        self.cost: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.integer: list[np.ndarray] = []
        self.n = 0
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.vals: list[np.ndarray] = []
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []

    def add(self, count: int, cost: float, upper: float | np.ndarray, integer: bool) -> np.ndarray:
        first = self.n
        self.n += count
        self.cost.append(np.full(count, float(cost)))
        self.lower.append(np.zeros(count))
        self.upper.append(np.broadcast_to(np.asarray(upper, float), (count,)).copy())
        self.integer.append(np.full(count, integer))
        return np.arange(first, first + count)

    def row(self, cols, vals, low: float, high: float) -> None:
        cols = np.asarray(cols, np.int64)
        if len(cols) == 0 and low <= 0 <= high:
            return
        self.rows.append(np.full(len(cols), len(self.row_lb), np.int64))
        self.cols.append(cols)
        self.vals.append(np.broadcast_to(np.asarray(vals, float), (len(cols),)))
        self.row_lb.append(low)
        self.row_ub.append(high)


def _classes(table: LearnerTable, rows: np.ndarray, second: np.ndarray):
    """Learners alike for the program: (class of each learner, representative of each class,
    availability of every class at the candidate second hours)."""
    org = table.organisation[rows].astype(np.int64)
    avail = bits_to_bool(table.bits[rows])[:, second]
    keys = np.column_stack(
        [
            table.knowledge[rows].astype(np.int64),
            (table.role[rows] == ROLE_SENIOR).astype(np.int64),
            org,
            table.with_colleagues[rows].astype(np.int64),
            avail.astype(np.int64),
        ]
    )
    _, first, class_of = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    return class_of.ravel(), first, avail[first]


def pack_bucket(
    table: LearnerTable,
    rules: Rules,
    rows: np.ndarray,
    hour: int,
    share: np.ndarray,
    *,
    start: np.ndarray | None = None,
    groups: int | None = None,
    node_limit: int = NODE_LIMIT,
    time_limit: float = TIME_LIMIT,
    gap: float = 1e-6,
) -> Packing | None:
    """Pack the learners `rows` (one language, all available at `hour`) into groups; None
    when their number cannot be cut into groups of [min, max] or no packing was found.
    `start` (a group label per learner, a valid packing) is handed to the program first;
    `groups`, when given, fixes the number of groups."""
    from scipy.sparse import coo_matrix

    rows = np.asarray(rows, np.int64)
    n = len(rows)
    if not rules.size_is_feasible(n) or n == 0:
        return None
    w = rules.weights
    lo, hi, target = rules.min_size, rules.max_size, rules.target_size
    k_min, k_max = -(-n // hi), n // lo
    if groups is not None:
        if not k_min <= groups <= k_max:
            return None
        k_min = k_max = groups
    # candidate second hours: in the window and open to at least `min` learners of the bucket
    at = bits_to_bool(table.bits[rows]).sum(axis=0)
    window = window_mask(rules)
    window[hour] = False
    second = np.flatnonzero(window & (at[:HOURS_PER_WEEK] >= lo))
    class_of, first, class_avail = _classes(table, rows, second)
    n_classes = len(first)
    count = np.bincount(class_of, minlength=n_classes).astype(float)
    reps = rows[first]
    c_level = table.knowledge[reps].astype(np.int64)
    c_senior = table.role[reps] == ROLE_SENIOR
    c_org = table.organisation[reps].astype(np.int64)
    c_colleague = table.with_colleagues[reps] & (c_org >= 0)
    c_individual = ~table.with_colleagues[reps]

    p = _Columns()
    x = p.add(n_classes * k_max, 0.0, np.tile(count, k_max), True).reshape(k_max, n_classes)
    u = p.add(k_max, 0.0, 1.0, True)
    over = p.add(k_max, w.size, np.inf, False)
    under = p.add(k_max, w.size, np.inf, False)
    above = p.add(k_max * KNOWLEDGE_LEVELS, w.knowledge, np.inf, False).reshape(k_max, -1)
    below = p.add(k_max * KNOWLEDGE_LEVELS, w.knowledge, np.inf, False).reshape(k_max, -1)
    no_senior = p.add(k_max, w.no_senior, np.inf, False)
    few = p.add(k_max, w.few_common_hours, np.inf, False)
    backup = p.add(k_max * len(second), 0.0, 1.0, True).reshape(k_max, len(second))
    constant = 0.0

    for c in range(n_classes):  # every learner in exactly one group
        p.row(x[:, c], 1.0, count[c], count[c])
    for g in range(k_max):
        xs = x[g]
        p.row([*xs, u[g]], [*np.ones(n_classes), -lo], 0.0, np.inf)
        p.row([*xs, u[g]], [*np.ones(n_classes), -hi], -np.inf, 0.0)
        p.row([*xs, u[g], over[g], under[g]], [*np.ones(n_classes), -target, -1, 1], 0.0, 0.0)
        for level in range(KNOWLEDGE_LEVELS):
            coef = (c_level == level).astype(float) - share[level]
            p.row([*xs, above[g, level], below[g, level]], [*coef, -1, 1], 0.0, 0.0)
        senior_cols = xs[c_senior]
        p.row([no_senior[g], u[g], *senior_cols], [1, -1, *np.ones(len(senior_cols))], 0, np.inf)
        for j in range(len(second)):  # a second hour only if every member can make it
            away = ~class_avail[:, j]
            big = min(hi, float(count[away].sum()))  # the tightest bound that still holds
            p.row([*xs[away], backup[g, j]], [*np.ones(int(away.sum())), big], -np.inf, big)
        p.row([few[g], u[g], *backup[g]], [1, -1, *np.ones(len(second))], 0.0, np.inf)
    # which size every group has: the least knowledge gap of its size and its size term are
    # then known, which makes the program's bound far tighter than the bare counts give
    sizes = np.arange(lo, hi + 1)
    pick = p.add(k_max * len(sizes), 0.0, 1.0, True).reshape(k_max, len(sizes))
    least = np.asarray([least_knowledge_gap(int(s), share) for s in sizes.tolist()])
    deviation = np.abs(sizes - target).astype(float)
    for g in range(k_max):
        p.row([*pick[g], u[g]], [*np.ones(len(sizes)), -1], 0.0, 0.0)
        p.row([*pick[g], *x[g]], [*sizes.astype(float), *-np.ones(n_classes)], 0.0, 0.0)
        gaps = [*above[g], *below[g], *pick[g]]
        p.row(gaps, [*np.ones(2 * KNOWLEDGE_LEVELS), *-least], 0.0, np.inf)
        p.row([over[g], under[g], *pick[g]], [1, 1, *-deviation], 0.0, np.inf)
    for g in range(k_max - 1):  # groups ordered by size: no two answers differ by names only
        p.row([u[g], u[g + 1]], [1, -1], 0.0, np.inf)
        p.row([*x[g], *x[g + 1]], [*np.ones(n_classes), *-np.ones(n_classes)], 0.0, np.inf)

    orgs = np.unique(c_org[c_org >= 0])
    if rules.min_organisations and w.organisations and c_individual.any():
        distinct = p.add(k_max * len(orgs), 0.0, 1.0, True).reshape(k_max, len(orgs))
        has_individual = p.add(k_max, 0.0, 1.0, True)
        missing = p.add(k_max, w.organisations, np.inf, False)
        none = c_org < 0
        for g in range(k_max):
            for j, o in enumerate(orgs.tolist()):
                mine = x[g][c_org == o]
                p.row([distinct[g, j], *mine], [1, *-np.ones(len(mine))], -np.inf, 0.0)
            ind = x[g][c_individual]
            big = min(hi, float(count[c_individual].sum()))
            p.row([has_individual[g], *ind], [big, *-np.ones(len(ind))], 0.0, np.inf)
            alone = x[g][none]
            p.row(
                [missing[g], has_individual[g], *alone, *distinct[g]],
                [1, -rules.min_organisations, *np.ones(len(alone)), *np.ones(len(orgs))],
                0.0,
                np.inf,
            )
    blocks = np.unique(c_org[c_colleague])
    if len(blocks) and w.colleague_split + w.colleague_cap:
        spread = rules.colleagues == "spread"
        touched = p.add(
            k_max * len(blocks), -w.colleague_split if spread else 0.0, 1.0, True
        ).reshape(k_max, len(blocks))
        beyond = (
            None
            if spread
            else p.add(k_max * len(blocks), w.colleague_cap, np.inf, False).reshape(k_max, -1)
        )
        placed = np.asarray([count[c_colleague & (c_org == o)].sum() for o in blocks.tolist()])
        for g in range(k_max):
            for j, o in enumerate(blocks.tolist()):
                mine = x[g][c_colleague & (c_org == o)]
                ones = np.ones(len(mine))
                if spread:
                    p.row([touched[g, j], *mine], [1, *-ones], -np.inf, 0.0)
                else:
                    big = min(hi, float(placed[j]))
                    p.row([*mine, touched[g, j]], [*ones, -big], -np.inf, 0.0)
                    p.row([beyond[g, j], *mine], [1, *-ones], -rules.colleague_cap, np.inf)
        if spread:  # colleagues placed minus (block, group) pairs present
            constant = w.colleague_split * float(placed.sum())
        else:  # groups touched beyond the groups each block needs
            split = p.add(len(blocks), w.colleague_split, np.inf, False)
            needed = np.ceil(placed / rules.colleague_cap)
            for j in range(len(blocks)):
                p.row([split[j], *touched[:, j]], [1, *-np.ones(k_max)], -needed[j], np.inf)

    cost = np.concatenate(p.cost)
    lower = np.concatenate(p.lower)
    lower[u[:k_min]] = 1.0  # at least this many groups are open
    matrix = coo_matrix(
        (np.concatenate(p.vals), (np.concatenate(p.rows), np.concatenate(p.cols))),
        shape=(len(p.row_lb), p.n),
    )
    result = solve_milp(
        cost,
        np.concatenate(p.integer),
        lower,
        np.concatenate(p.upper),
        matrix,
        p.row_lb,
        p.row_ub,
        time_limit=time_limit,
        gap=gap,
        node_limit=node_limit,
        start=None if start is None else _start_values(start, class_of, x, u, k_max),
        options=SMALL_PROGRAM,
    )
    if result.x is None:
        return None
    taken = np.rint(result.x[x]).astype(np.int64)
    label = np.full(n, -1, np.int64)
    members = np.argsort(class_of, kind="stable")
    next_free = np.r_[0, np.cumsum(np.bincount(class_of, minlength=n_classes))][:-1]
    group = 0
    for g in range(k_max):
        if taken[g].sum() == 0:
            continue
        for c in np.flatnonzero(taken[g]).tolist():
            label[members[next_free[c] : next_free[c] + taken[g, c]]] = group
            next_free[c] += taken[g, c]
        group += 1
    return Packing(
        label=label,
        objective=float(cost @ result.x) + constant,
        proved=result.proved,
        gap=result.gap,
    )


def _start_values(start, class_of, x, u, k_max):
    """The integer columns of a starting packing (groups renumbered largest first), for
    HiGHS to complete."""
    start = np.asarray(start, np.int64)
    sizes = np.bincount(start)
    order = np.argsort(-sizes, kind="stable")
    order = order[sizes[order] > 0][:k_max]
    slot = np.empty(len(sizes), np.int64)
    slot[order] = np.arange(len(order))
    counts = np.zeros(x.shape, float)
    np.add.at(counts, (slot[start], class_of), 1.0)
    opened = np.zeros(k_max)
    opened[: len(order)] = 1.0
    index = np.concatenate([x.ravel(), u]).astype(np.int32)
    return index, np.concatenate([counts.ravel(), opened])

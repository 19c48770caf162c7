"""Exact first stage for small languages: a mixed-integer program over (language, hour)
buckets, solved by HiGHS (through SciPy by default).

For the items (learners and colleague units) of one language, choose at most one hour each and
a number of groups per hour so that every used hour's load can be cut into groups of
[min, max]; maximise the learners placed (weight `unassigned`), then minimise the size
deviation |load − target × groups| when `size_weight` is given (by default sizes are left to
the partition stage, which balances them). Items with the same size and hours form one
integer column. This is the exact version of `hours.choose_hours`; the solver uses it for
languages with few items whose heuristic choice strands some, with a node limit (so the
answer is deterministic), and keeps it only when it places more. The benchmark's exact
reference uses it with the full size weight and a long time limit.
"""

from __future__ import annotations

import numpy as np

from .hours import UNPLACED, Items
from .model import HOURS_PER_WEEK, Rules
from .table import bits_to_csr

EXACT_ITEMS = 250  # languages with at most this many items are solved exactly
NODE_LIMIT = 50  # branch-and-bound nodes per language: deterministic, unlike a time limit
TIME_LIMIT = 10.0  # a safety net only


def scipy_milp(
    cost, integrality, lower, upper, matrix, row_lb, row_ub, time_limit, rel_gap, node_limit
):
    """Solve with HiGHS through SciPy; the column values, or None without a solution."""
    from scipy.optimize import LinearConstraint, milp

    result = milp(
        cost,
        integrality=integrality,
        bounds=(lower, upper),
        constraints=LinearConstraint(matrix, row_lb, row_ub),
        options={
            "time_limit": time_limit,
            "node_limit": node_limit,
            "mip_rel_gap": rel_gap,
            "disp": False,
        },
    )
    return result.x


def exact_buckets(
    items: Items,
    language: int,
    rules: Rules,
    time_limit: float = TIME_LIMIT,
    node_limit: int = NODE_LIMIT,
    size_weight: float | None = None,
    solve_program=scipy_milp,
) -> np.ndarray | None:
    """Bucket (language * 168 + hour) of every item of `language` (in the order of
    `items.language == language`), UNPLACED for the others; None when no solution was found
    in time. `size_weight` (default: a tie-break) weighs the size deviation."""
    from scipy.sparse import coo_matrix

    mine = np.flatnonzero(items.language == language)
    if len(mine) == 0:
        return np.zeros(0, np.int64)
    keys = np.column_stack([items.size[mine].astype(np.uint64), items.bits[mine]])
    classes, class_of, class_count = np.unique(
        keys, axis=0, return_inverse=True, return_counts=True
    )
    class_of = class_of.ravel()
    ptr, hours = bits_to_csr(np.ascontiguousarray(classes[:, 1:]))
    owner = np.repeat(np.arange(len(classes)), np.diff(ptr))
    n_pairs = len(hours)
    if n_pairs == 0:
        return np.full(len(mine), UNPLACED, np.int64)
    used_hours, hour_col = np.unique(hours.astype(np.int64), return_inverse=True)
    n_hours = len(used_hours)
    pair_size = classes[:, 0].astype(np.float64)[owner]
    # columns: x (class, hour) | y (groups per hour) | over | under (these two when sizes count)
    with_sizes = size_weight is not None
    n_cols = n_pairs + (3 if with_sizes else 1) * n_hours
    y0, over0, under0 = n_pairs, n_pairs + n_hours, n_pairs + 2 * n_hours
    load_at = np.bincount(hour_col, weights=pair_size * class_count[owner], minlength=n_hours)
    cost = np.zeros(n_cols)
    cost[:n_pairs] = -rules.weights.unassigned * pair_size
    if with_sizes:
        cost[over0:] = size_weight
    lower = np.zeros(n_cols)
    upper = np.full(n_cols, np.inf)
    upper[:n_pairs] = class_count[owner]
    upper[y0:over0] = np.floor(load_at / rules.min_size)
    integrality = np.zeros(n_cols)
    integrality[:over0] = 1

    pairs, hour_rows = np.arange(n_pairs), np.arange(n_hours)
    rows, cols, vals = [owner], [pairs], [np.ones(n_pairs)]  # a class's items: one hour each
    r = len(classes)
    row_lb, row_ub = [np.full(r, -np.inf)], [class_count.astype(np.float64)]
    for factor, low, high in (
        (rules.min_size, 0.0, np.inf),  # load - min * groups >= 0
        (rules.max_size, -np.inf, 0.0),  # load - max * groups <= 0
    ):
        rows += [r + hour_col, r + hour_rows]
        cols += [pairs, y0 + hour_rows]
        vals += [pair_size, np.full(n_hours, -float(factor))]
        row_lb.append(np.full(n_hours, low))
        row_ub.append(np.full(n_hours, high))
        r += n_hours
    if with_sizes:  # load - target * groups - over + under = 0
        rows += [r + hour_col, r + hour_rows, r + hour_rows, r + hour_rows]
        cols += [pairs, y0 + hour_rows, over0 + hour_rows, under0 + hour_rows]
        vals += [
            pair_size,
            np.full(n_hours, -float(rules.target_size)),
            -np.ones(n_hours),
            np.ones(n_hours),
        ]
        row_lb.append(np.zeros(n_hours))
        row_ub.append(np.zeros(n_hours))
        r += n_hours
    matrix = coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r, n_cols)
    ).tocsr()
    # when placement dominates, a gap below one learner's weight proves it optimal
    rel_gap = min(1e-4, 0.5 / max(float(load_at.sum()), 1.0)) if size_weight is None else 1e-6
    x = solve_program(
        cost,
        integrality,
        lower,
        upper,
        matrix,
        np.concatenate(row_lb),
        np.concatenate(row_ub),
        time_limit,
        rel_gap,
        node_limit,
    )
    if x is None:
        return None
    taken = np.rint(x[:n_pairs]).astype(np.int64)
    bucket = np.full(len(mine), UNPLACED, np.int64)
    members = np.argsort(class_of, kind="stable")  # items of each class, class by class
    next_free = np.r_[0, np.cumsum(class_count)][:-1].copy()
    for pair in np.flatnonzero(taken > 0).tolist():
        k = owner[pair]
        picked = members[next_free[k] : next_free[k] + taken[pair]]
        bucket[picked] = language * HOURS_PER_WEEK + int(used_hours[hour_col[pair]])
        next_free[k] += taken[pair]
    return bucket

"""Exact first stage for small languages: a mixed-integer program over (language, hour)
buckets, solved by HiGHS.

For the items (learners and colleague units) of one language, choose at most one hour each and
a number of groups per hour so that every used hour's load can be cut into groups of
[min, max]. The objective is the run's penalty as far as it can be seen at bucket level:

    unassigned × placed learners missed
    + size × |load − target × groups|        (a lower bound of Σ|size − target| in the bucket)
    + no_senior × max(0, groups − seniors)   (the partition deals seniors first, one a group)

Items with the same size, number of seniors and hours form one integer column, so a language
with many look-alike learners gives a small program. The solver uses it for languages with few
items whose heuristic choice strands some, with a node limit (so the answer is deterministic)
and a cut-off at the heuristic's own objective (so it only looks for better answers); it keeps
the program's answer only when `bucket_objective` says it is better. The benchmark's exact
reference uses the same program with a long time limit.
"""

from __future__ import annotations

import numpy as np

from .highs import solve_milp
from .hours import UNPLACED, Items
from .model import HOURS_PER_WEEK, Rules
from .table import bits_to_csr

EXACT_ITEMS = 250  # languages with at most this many items are solved exactly
NODE_LIMIT = 50  # branch-and-bound nodes per language: deterministic, unlike a time limit
TIME_LIMIT = 10.0  # a safety net only


def highs_program(
    cost,
    integrality,
    lower,
    upper,
    matrix,
    row_lb,
    row_ub,
    time_limit,
    rel_gap,
    node_limit,
    start=None,
):
    """Solve with HiGHS (`highs.solve_milp`); the column values, or None without a solution."""
    return solve_milp(
        cost,
        integrality,
        lower,
        upper,
        matrix,
        row_lb,
        row_ub,
        time_limit=time_limit,
        gap=rel_gap,
        node_limit=node_limit,
        start=start,
    ).x


def group_count(n: int, rules: Rules) -> int:
    """Number of groups for n learners whose sizes come closest to the target (0 for 0)."""
    if n <= 0:
        return 0
    low, high = -(-n // rules.max_size), n // rules.min_size
    guess = max(1, round(n / rules.target_size))
    candidates = {low, high, *(k for k in (guess - 1, guess, guess + 1) if low <= k <= high)}

    def cost(k: int) -> int:
        q, r = divmod(n, k)
        return r * abs(q + 1 - rules.target_size) + (k - r) * abs(q - rules.target_size)

    return min(sorted(candidates), key=cost)


def bucket_objective(
    items: Items,
    bucket: np.ndarray,
    rules: Rules,
    seniors: np.ndarray | None = None,
    size_weight: float | None = None,
    senior_weight: float | None = None,
) -> float:
    """The program's objective for any choice of buckets (`bucket` per item, UNPLACED for
    none), with the partition's number of groups per bucket; lower is better. Learners in a
    bucket whose load cannot be cut into groups count as unassigned."""
    placed = bucket != UNPLACED
    missed = float(items.size[~placed].sum()) * rules.weights.unassigned
    if not placed.any():
        return missed
    _, inverse = np.unique(bucket[placed], return_inverse=True)
    load = np.bincount(inverse, weights=items.size[placed]).astype(np.int64)
    # a bucket that cannot be cut into groups places nobody
    fits = np.asarray([rules.size_is_feasible(int(x)) for x in load.tolist()], bool)
    missed += float(load[~fits].sum()) * rules.weights.unassigned
    load = np.where(fits, load, 0)
    groups = np.asarray([group_count(int(x), rules) for x in load.tolist()], np.int64)
    total = missed
    if size_weight:
        total += size_weight * float(np.abs(load - rules.target_size * groups).sum())
    if senior_weight and seniors is not None:
        have = np.bincount(inverse, weights=seniors[placed])[: len(load)]
        total += senior_weight * float(np.maximum(0, groups - have).sum())
    return total


def exact_buckets(
    items: Items,
    language: int,
    rules: Rules,
    time_limit: float = TIME_LIMIT,
    node_limit: int = NODE_LIMIT,
    size_weight: float | None = None,
    solve_program=highs_program,
    *,
    seniors: np.ndarray | None = None,
    senior_weight: float | None = None,
    cutoff: float | None = None,
    lexicographic: bool = False,
) -> np.ndarray | None:
    """Bucket (language * 168 + hour) of every item of `language` (in the order of
    `items.language == language`), UNPLACED for the others; None when no solution was found
    in time (or none better than `cutoff`, the objective to beat). `size_weight` and
    `senior_weight` (with `seniors`, the number of seniors of every item) switch on the
    size and senior terms; without them only the learners placed count. `lexicographic`
    solves in two steps, the most learners placed first, then the other terms with that
    many placed (started from the first answer when `solve_program` takes a `start`)."""
    from scipy.sparse import coo_matrix, vstack

    mine = np.flatnonzero(items.language == language)
    if len(mine) == 0:
        return np.zeros(0, np.int64)
    with_seniors = bool(senior_weight) and seniors is not None
    senior_of = seniors[mine] if with_seniors else np.zeros(len(mine), np.int64)
    keys = np.column_stack(
        [items.size[mine].astype(np.uint64), senior_of.astype(np.uint64), items.bits[mine]]
    )
    classes, class_of, class_count = np.unique(
        keys, axis=0, return_inverse=True, return_counts=True
    )
    class_of = class_of.ravel()
    ptr, hours = bits_to_csr(np.ascontiguousarray(classes[:, 2:]))
    owner = np.repeat(np.arange(len(classes)), np.diff(ptr))
    n_pairs = len(hours)
    if n_pairs == 0:
        return np.full(len(mine), UNPLACED, np.int64)
    used_hours, hour_col = np.unique(hours.astype(np.int64), return_inverse=True)
    n_hours = len(used_hours)
    pair_size = classes[:, 0].astype(np.float64)[owner]
    pair_seniors = classes[:, 1].astype(np.float64)[owner]
    # columns: x (class, hour) | y (groups per hour) | over | under | no senior
    with_sizes = bool(size_weight)
    y0 = n_pairs
    over0 = y0 + n_hours
    under0 = over0 + (n_hours if with_sizes else 0)
    senior0 = under0 + (n_hours if with_sizes else 0)
    n_cols = senior0 + (n_hours if with_seniors else 0)
    load_at = np.bincount(hour_col, weights=pair_size * class_count[owner], minlength=n_hours)
    cost = np.zeros(n_cols)
    cost[:n_pairs] = -rules.weights.unassigned * pair_size
    if with_sizes:
        cost[over0:senior0] = size_weight
    if with_seniors:
        cost[senior0:] = senior_weight
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

    def add_rows(entries, low, high) -> None:
        nonlocal r
        for row, col, val in entries:
            rows.append(r + row)
            cols.append(col)
            vals.append(val)
        row_lb.append(np.full(n_hours, low))
        row_ub.append(np.full(n_hours, high))
        r += n_hours

    for factor, low, high in (
        (rules.min_size, 0.0, np.inf),  # load - min * groups >= 0
        (rules.max_size, -np.inf, 0.0),  # load - max * groups <= 0
    ):
        add_rows(
            [(hour_col, pairs, pair_size), (hour_rows, y0 + hour_rows, -float(factor))], low, high
        )
    if with_sizes:  # load - target * groups - over + under = 0
        add_rows(
            [
                (hour_col, pairs, pair_size),
                (hour_rows, y0 + hour_rows, -float(rules.target_size)),
                (hour_rows, over0 + hour_rows, -1.0),
                (hour_rows, under0 + hour_rows, 1.0),
            ],
            0.0,
            0.0,
        )
    if with_seniors:  # no senior >= groups - seniors placed
        add_rows(
            [
                (hour_col, pairs, pair_seniors),
                (hour_rows, y0 + hour_rows, -1.0),
                (hour_rows, senior0 + hour_rows, 1.0),
            ],
            0.0,
            np.inf,
        )
    if cutoff is not None:  # only answers better than the one we have
        rows.append(np.full(n_cols, r))
        cols.append(np.arange(n_cols))
        vals.append(cost)
        offset = rules.weights.unassigned * float(items.size[mine].sum())
        row_lb.append(np.asarray([-np.inf]))
        row_ub.append(np.asarray([cutoff - offset - 0.5]))
        r += 1
    flat_cols = np.concatenate(cols)
    flat_rows = np.concatenate(
        [np.broadcast_to(w, np.shape(c)) for w, c in zip(rows, cols, strict=True)]
    )
    flat_vals = np.concatenate(
        [np.broadcast_to(v, np.shape(c)) for v, c in zip(vals, cols, strict=True)]
    )
    matrix = coo_matrix((flat_vals, (flat_rows, flat_cols)), shape=(r, n_cols)).tocsr()
    row_lb_all, row_ub_all = np.concatenate(row_lb), np.concatenate(row_ub)
    placement_gap = min(1e-4, 0.5 / max(float(load_at.sum()), 1.0))
    if lexicographic and (with_sizes or with_seniors):
        # first the most learners placed, then the best sizes and seniors among such answers
        placement_cost = cost.copy()
        placement_cost[n_pairs:] = 0.0
        first = solve_program(
            placement_cost,
            integrality,
            lower,
            upper,
            matrix,
            row_lb_all,
            row_ub_all,
            time_limit,
            placement_gap,
            node_limit,
        )
        if first is None:
            return None
        placed = float(pair_size @ np.rint(first[:n_pairs]))
        keep_placed = coo_matrix(
            (pair_size, (np.zeros(n_pairs, np.int64), pairs)), shape=(1, n_cols)
        )
        quality_cost = cost.copy()
        quality_cost[:n_pairs] = 0.0
        x = solve_program(
            quality_cost,
            integrality,
            lower,
            upper,
            vstack([matrix, keep_placed]).tocsr(),
            np.r_[row_lb_all, placed - 0.5],
            np.r_[row_ub_all, np.inf],
            time_limit,
            1e-6,
            node_limit,
            start=first,
        )
        if x is None:
            x = first
    else:
        # when placement dominates, a gap below one learner's weight proves it optimal
        x = solve_program(
            cost,
            integrality,
            lower,
            upper,
            matrix,
            row_lb_all,
            row_ub_all,
            time_limit,
            placement_gap if not (with_sizes or with_seniors) else 1e-6,
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

"""Second stage of the solver: cut every (language, hour) bucket into groups.

A large bucket is first carved into sub-buckets whose members share a second hour (a backup
slot), each carve keeping both parts feasible. Each sub-bucket then gets the number of groups
that brings sizes closest to the target; colleague units are placed first (largest first into
the emptiest group) and single learners are dealt in snake order, seniors first and then by
prior knowledge, so that every group gets a similar mix.
"""

from __future__ import annotations

import heapq

import numpy as np

from .hours import UNPLACED, Items
from .model import HOURS_PER_WEEK, Rules
from .table import ROLE_SENIOR, LearnerTable, bits_to_bool


def group_count(n: int, rules: Rules) -> int:
    """Number of groups for n learners whose sizes come closest to the target."""
    low, high = -(-n // rules.max_size), n // rules.min_size
    guess = max(1, round(n / rules.target_size))
    candidates = {low, high, *(k for k in (guess - 1, guess, guess + 1) if low <= k <= high)}

    def cost(k: int) -> int:
        q, r = divmod(n, k)
        return r * abs(q + 1 - rules.target_size) + (k - r) * abs(q - rules.target_size)

    return min(sorted(candidates), key=cost)


def _hour_loads(by_hour: np.ndarray, sizes: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Learners of the items `rows` available at each hour (without an int copy of the
    whole availability matrix: units are rare)."""
    sub = by_hour[:, rows]
    loads = np.count_nonzero(sub, axis=1).astype(np.int64)
    extra = sizes[rows] - 1
    units = extra > 0
    if units.any():
        loads += sub[:, units].astype(np.int64) @ extra[units]
    return loads


def _carve(avail: np.ndarray, sizes: np.ndarray, hour: int, rules: Rules) -> np.ndarray:
    """Label items of one bucket by sub-bucket so that members of a sub-bucket (except label
    0, the rest) share one more hour; every part stays feasible."""
    feasible = rules.size_is_feasible
    label = np.zeros(len(sizes), np.int64)
    by_hour = np.ascontiguousarray(avail.T)  # (168, items): one row per hour
    alive = np.ones(len(sizes), bool)
    excluded = np.zeros(HOURS_PER_WEEK, bool)
    excluded[hour] = True
    next_label = 1
    total = int(sizes.sum())
    remaining_counts = _hour_loads(by_hour, sizes, np.arange(len(sizes)))
    while total >= 2 * rules.min_size:
        counts = remaining_counts.copy()
        counts[excluded] = 0
        second = int(np.argmax(counts))
        count = int(counts[second])
        if count < rules.min_size:
            break
        excluded[second] = True
        here = np.flatnonzero(alive & by_hour[second])
        take = count
        while take >= rules.min_size and not (feasible(take) and feasible(total - take)):
            take -= 1
        if take < rules.min_size:
            continue
        if take < count:  # prefer singles to reach the exact amount, units when they fit
            order = here[np.argsort(-sizes[here], kind="stable")]
            cumulative = np.cumsum(sizes[order][::-1])[::-1]
            chosen, need = [], take
            for position, item in enumerate(order.tolist()):
                if sizes[item] <= need and need - sizes[item] <= (
                    cumulative[position + 1] if position + 1 < len(order) else 0
                ):
                    chosen.append(item)
                    need -= int(sizes[item])
                    if need == 0:
                        break
            if need:
                continue
            here = np.asarray(chosen)
        label[here] = next_label
        next_label += 1
        total -= int(sizes[here].sum())
        remaining_counts -= _hour_loads(by_hour, sizes, here)
        alive[here] = False
    return label


def form_groups(
    table: LearnerTable, items: Items, bucket: np.ndarray, rules: Rules, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Returns (group of each learner or -1, meeting hour of each group)."""
    n = len(table)
    rng = np.random.default_rng([seed, 7])
    group_of = np.full(n, -1, np.int64)
    placed = np.flatnonzero(bucket != UNPLACED)
    if len(placed) == 0:
        return group_of, np.zeros(0, np.int64)
    order = placed[np.argsort(bucket[placed], kind="stable")]
    keys = bucket[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(order)]
    sub_of_item = np.full(len(bucket), -1, np.int64)
    sub_hour: list[int] = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        its = order[s:e]
        hour = int(keys[s]) % HOURS_PER_WEEK
        sizes = items.size[its]
        if rules.backup_hour and sizes.sum() >= 2 * rules.min_size:
            labels = _carve(bits_to_bool(items.bits[its]), sizes, hour, rules)
        else:
            labels = np.zeros(len(its), np.int64)
        sub_of_item[its] = len(sub_hour) + labels
        sub_hour.extend([hour] * (int(labels.max()) + 1))

    # groups per sub-bucket
    n_subs = len(sub_hour)
    sub_load = np.bincount(
        sub_of_item[placed], weights=items.size[placed], minlength=n_subs
    ).astype(np.int64)
    k_of_sub = np.array(
        [group_count(int(x), rules) if x else 0 for x in sub_load.tolist()], np.int64
    )
    first_group = np.zeros(n_subs + 1, np.int64)
    np.cumsum(k_of_sub, out=first_group[1:])
    n_groups = int(first_group[-1])
    group_sub = np.repeat(np.arange(n_subs), k_of_sub)
    rank = np.arange(n_groups) - first_group[group_sub]
    q, r = sub_load[group_sub] // k_of_sub[group_sub], sub_load[group_sub] % k_of_sub[group_sub]
    group_size = q + (rank < r)
    group_hour = np.asarray(sub_hour, np.int64)[group_sub]

    # colleague units first
    used = np.zeros(n_groups, np.int64)
    units = placed[items.size[placed] > 1]
    single_items = placed[items.size[placed] == 1].tolist()
    heaps: dict[int, list[tuple[int, int, int]]] = {}
    unit_order = units[np.lexsort((-items.size[units], sub_of_item[units]))]
    for item in unit_order.tolist():
        sub = int(sub_of_item[item])
        heap = heaps.get(sub)
        if heap is None:
            heap = [
                (-int(group_size[g]), 0, g) for g in range(first_group[sub], first_group[sub + 1])
            ]
            heapq.heapify(heap)
            heaps[sub] = heap
        free, count, g = heap[0]
        size = int(items.size[item])
        members = items.members[items.member_ptr[item] : items.member_ptr[item + 1]]
        if -free >= size:
            heapq.heapreplace(heap, (free + size, count + 1, g))
            group_of[members] = g
            used[g] += size
        else:  # no room for the whole unit: its members join as singles
            single_items.extend([-1 - int(m) for m in members])  # negative marks a learner
    # single learners, dealt in snake order
    single_items_arr = np.asarray(single_items, np.int64)
    is_learner = single_items_arr < 0
    learners = np.where(
        is_learner,
        -1 - single_items_arr,
        items.members[items.member_ptr[np.maximum(single_items_arr, 0)]],
    )
    learner_sub = np.where(is_learner, 0, sub_of_item[np.maximum(single_items_arr, 0)])
    if is_learner.any():
        unit_item = np.full(n, -1, np.int64)
        for item in units.tolist():
            unit_item[items.members[items.member_ptr[item] : items.member_ptr[item + 1]]] = item
        learner_sub[is_learner] = sub_of_item[unit_item[learners[is_learner]]]
    senior = table.role[learners] == ROLE_SENIOR
    keys = [rng.random(len(learners)), -table.knowledge[learners].astype(np.int64), ~senior]
    if rules.colleagues == "spread":  # colleagues side by side in the deal land in different groups
        org = table.organisation[learners].astype(np.int64)
        block = np.where(
            table.with_colleagues[learners] & (org >= 0),
            org * max(1, len(table.languages)) + table.language[learners],
            -1,
        )
        keys += [block, block < 0]
    learner_order = np.lexsort((*keys, learner_sub))
    free = group_size - used
    slot_group = np.repeat(np.arange(n_groups), free)
    slot_round = used[slot_group] + (
        np.arange(len(slot_group)) - np.repeat(np.cumsum(free) - free, free)
    )
    snake = np.where(slot_round % 2 == 0, rank[slot_group], -rank[slot_group])
    slot_order = np.lexsort((snake, slot_round, group_sub[slot_group]))
    group_of[learners[learner_order]] = slot_group[slot_order]
    return group_of, group_hour

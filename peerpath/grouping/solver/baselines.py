"""The groupings PeerPath is compared with, measured by the same checker and report.

- random fill (Moodle, Canvas): shuffle, cut into groups of the target size.
- timezone-offset chunks (Mechanical MOOC): sort by current UTC offset, cut into chunks.

Neither looks at availability, so each group is given the hour most of its members can make
(inside the window); groups without a common hour are reported as hard-rule failures.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from .model import HOURS_PER_WEEK, Rules
from .quality import window_mask
from .table import LearnerTable

REFERENCE_DAY = datetime(2025, 1, 15, 12, 0)  # offsets as they stand in mid-January


def utc_offset_minutes(zone: str) -> int:
    try:
        offset = REFERENCE_DAY.replace(tzinfo=ZoneInfo(zone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    return 0 if offset is None else int(offset.total_seconds() // 60)


def _chunks(order: np.ndarray, target: int) -> np.ndarray:
    """Group label of each position when cutting `order` into groups of `target`."""
    group_of = np.empty(len(order), np.int64)
    group_of[order] = np.arange(len(order)) // target
    return group_of


def best_hours(
    table: LearnerTable, rules: Rules, group_of: np.ndarray, chunk: int = 20_000
) -> np.ndarray:
    """For every group, the allowed hour the most members can make (-1 for empty groups)."""
    n_groups = int(group_of.max()) + 1 if len(group_of) else 0
    pair_learner = table.pair_learner()
    pair_hour = table.hour_idx.astype(np.int64)
    allowed = window_mask(rules)
    keep = allowed[pair_hour] & (group_of[pair_learner] >= 0)
    pair_group, pair_hour = group_of[pair_learner[keep]], pair_hour[keep]
    order = np.argsort(pair_group, kind="stable")
    pair_group, pair_hour = pair_group[order], pair_hour[order]
    hours = np.full(n_groups, -1, np.int64)
    bounds = np.searchsorted(pair_group, np.arange(0, n_groups + chunk, chunk))
    for c, start in enumerate(range(0, n_groups, chunk)):
        size = min(chunk, n_groups - start)
        lo, hi = bounds[c], bounds[c + 1]
        counts = np.bincount(
            (pair_group[lo:hi] - start) * HOURS_PER_WEEK + pair_hour[lo:hi],
            minlength=size * HOURS_PER_WEEK,
        ).reshape(size, HOURS_PER_WEEK)
        best = counts.argmax(axis=1)
        hours[start : start + size] = np.where(counts.max(axis=1) > 0, best, min(rules.window))
    return hours


def random_fill(table: LearnerTable, rules: Rules, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Moodle/Canvas style: (group of each learner, hour of each group)."""
    order = np.random.default_rng(seed).permutation(len(table))
    group_of = _chunks(order, rules.target_size)
    return group_of, best_hours(table, rules, group_of)


def timezone_chunks(
    table: LearnerTable, rules: Rules, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Mechanical MOOC style: sort by UTC offset (ties shuffled), cut into chunks."""
    offsets = np.asarray([utc_offset_minutes(z) for z in table.timezones], np.int64)
    tie_break = np.random.default_rng(seed).random(len(table))
    order = np.lexsort((tie_break, offsets[table.timezone]))
    group_of = _chunks(order, rules.target_size)
    return group_of, best_hours(table, rules, group_of)

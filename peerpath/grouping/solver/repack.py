"""Exact where it pays: small runs get their groups repacked exactly, two groups at a time.

After the buckets are cut, two groups of one (language, hour) bucket are a tiny packing
problem (at most 2 × max learners) that `packing.pack_bucket` solves to proven optimality in
a few hundredths of a second: which of their learners go together so that the GROUPING.md
soft terms of the two groups are smallest. Runs of up to `REPACK_UP_TO` learners get one
sweep over the pairs of groups that share a bucket, worst pairs first (lowest summed score),
up to `PAIR_BUDGET` programs, so the time stays bounded and the answer depends only on the
input and the seed (a pair is solved to the end; the time limit is a safety net only).

A new packing of a pair is kept only when its soft terms, measured by `group_measures`, are
lower and the smaller of its two group scores does not fall; hours, sizes within [min, max],
languages and the meeting hour are kept by construction (both groups meet at the bucket's hour
and every learner of the bucket can make it).
"""

from __future__ import annotations

import numpy as np

from .model import Rules
from .packing import course_shares, pack_bucket
from .quality import group_measures, weighted_penalty
from .table import LearnerTable

REPACK_UP_TO = 5_000  # runs with at most this many learners are repacked
PAIR_BUDGET = 24  # pair programs per run: bounds the time, deterministically
PAIR_TIME_LIMIT = 2.0  # seconds per pair: a safety net only
PAIR_NODE_LIMIT = 10_000


def _pair_measure(table: LearnerTable, rules: Rules, rows: np.ndarray, label: np.ndarray, hour):
    """(soft terms, smaller score) of the two groups `label` (0/1) of learners `rows`."""
    group_of = np.full(len(table), -1, np.int64)
    group_of[rows] = label
    measures = group_measures(table, rules, group_of, np.full(2, hour, np.int64))
    return weighted_penalty(measures.terms, 0, rules)[0], float(measures.score.min())


def candidate_pairs(table: LearnerTable, group_of: np.ndarray, group_hour: np.ndarray, score):
    """Pairs (a, b) of groups sharing a (language, hour) bucket, lowest summed score first."""
    placed = np.flatnonzero(group_of >= 0)
    n_groups = len(group_hour)
    language = np.zeros(n_groups, np.int64)
    language[group_of[placed]] = table.language[placed]
    bucket = language * 168 + np.asarray(group_hour, np.int64)
    order = np.lexsort((np.arange(n_groups), bucket))
    starts = np.flatnonzero(np.r_[True, bucket[order][1:] != bucket[order][:-1]])
    ends = np.r_[starts[1:], n_groups]
    pairs = []
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        members = order[s:e]
        if len(members) < 2:
            continue
        a, b = np.triu_indices(len(members), 1)
        pairs.append(np.column_stack([members[a], members[b]]))
    if not pairs:
        return np.zeros((0, 2), np.int64)
    pairs = np.concatenate(pairs)
    priority = score[pairs[:, 0]] + score[pairs[:, 1]]
    return pairs[np.lexsort((pairs[:, 1], pairs[:, 0], priority))]


def repack_pairs(
    table: LearnerTable,
    rules: Rules,
    group_of: np.ndarray,
    group_hour: np.ndarray,
    budget: int = PAIR_BUDGET,
) -> int:
    """Repack pairs of same-bucket groups exactly, in place (`group_of` changes); returns the
    number of pairs improved."""
    if len(group_hour) < 2 or budget <= 0:
        return 0
    score = group_measures(table, rules, group_of, group_hour).score
    pairs = candidate_pairs(table, group_of, group_hour, score)
    share = course_shares(table)
    improved = 0
    for a, b in pairs[:budget].tolist():
        rows = np.flatnonzero((group_of == a) | (group_of == b))
        hour = int(group_hour[a])
        start = (group_of[rows] == b).astype(np.int64)
        packing = pack_bucket(
            table,
            rules,
            rows,
            hour,
            share,
            start=start,
            groups=2,
            node_limit=PAIR_NODE_LIMIT,
            time_limit=PAIR_TIME_LIMIT,
        )
        if packing is None:
            continue
        before, before_min = _pair_measure(table, rules, rows, start, hour)
        after, after_min = _pair_measure(table, rules, rows, packing.label, hour)
        if after < before - 1e-9 and after_min >= before_min - 1e-9:
            group_of[rows] = np.where(packing.label == 0, a, b)
            improved += 1
    return improved

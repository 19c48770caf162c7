"""Worst-group local search: raise the minimum per-group score without breaking a hard rule.

After the buckets are cut, a few groups score low, nearly always because they have no senior
(and are small, with a single common hour). For each group below `threshold`, worst first, we
try single-learner moves and swaps with other groups of the same language:

- move: an individual learner (not in a colleague block) from a donor group above the minimum
  size, who can make this group's hour, joins this group;
- swap: as a move, plus one individual learner of this group who can make the donor's hour goes
  the other way (used when this group is full or the move alone does not help).

A change is kept only when it raises the smaller of the two groups' scores (so the minimum
never falls), with every hard rule kept: sizes in range, one language, and the meeting hour of
both groups still common to all their members (candidates are drawn from the learners available
at the group's hour; the swapped-out learner is checked against the donor's hour). Scores are
computed exactly as `quality.group_measures` does, per group in plain Python.
"""

from __future__ import annotations

import numpy as np

from .model import KNOWLEDGE_LEVELS, Rules
from .quality import window_mask
from .table import ROLE_SENIOR, LearnerTable

CANDIDATES = 48  # donors examined per group and pass


def _pairs_of(table: LearnerTable, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(learner, hour) for every available hour of the learners `rows`, without expanding
    the whole table."""
    starts = table.hour_ptr[rows]
    lengths = table.hour_ptr[rows + 1] - starts
    total = int(lengths.sum())
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    positions = np.arange(total, dtype=np.int64) + offsets
    return np.repeat(rows, lengths), table.hour_idx[positions].astype(np.int64)


def _bits_int(row: np.ndarray) -> int:
    return int(row[0]) | (int(row[1]) << 64) | (int(row[2]) << 128)


class _Scorer:
    """Per-group state (size, knowledge counts, seniors, organisations, common hours)."""

    def __init__(self, table: LearnerTable, rules: Rules) -> None:
        self.table = table
        self.rules = rules
        n = len(table)
        self.share = (np.bincount(table.knowledge, minlength=KNOWLEDGE_LEVELS) / max(n, 1)).tolist()
        has = np.zeros(max(1, len(table.languages)), bool)
        has[table.language[table.role == ROLE_SENIOR]] = True
        self.lang_has_senior = has.tolist()
        mask = window_mask(rules)
        self.window = sum(1 << h for h in np.flatnonzero(mask).tolist())
        self.spread = max(rules.target_size - rules.min_size, rules.max_size - rules.target_size, 1)

    def learner(self, i: int) -> tuple:
        t = self.table
        org = int(t.organisation[i])
        return (
            int(t.knowledge[i]),
            int(t.role[i]) == ROLE_SENIOR,
            org if org >= 0 else -1 - i,
            _bits_int(t.bits[i]),
        )

    def score(self, members: list[int], info: dict[int, tuple], language: int) -> float:
        rules = self.rules
        size = len(members)
        levels = [0] * KNOWLEDGE_LEVELS
        seniors = 0
        orgs = set()
        common = self.window
        for m in members:
            k, senior, org, bits = info[m]
            levels[k] += 1
            seniors += senior
            orgs.add(org)
            common &= bits
        size_s = min(1.0, max(0.0, 1 - 0.5 * abs(size - rules.target_size) / self.spread))
        l1 = sum(abs(c - size * s) for c, s in zip(levels, self.share, strict=True))
        know_s = min(1.0, max(0.0, 1 - l1 / max(2 * size, 1)))
        org_s = min(1.0, len(orgs) / rules.min_organisations) if rules.min_organisations else 1.0
        senior_s = 1.0 if seniors or not self.lang_has_senior[language] else 0.0
        hours = common.bit_count()
        slot_s = 1.0 if hours >= 2 else 0.5 if hours == 1 else 0.0
        return (size_s + know_s + org_s + senior_s + slot_s) / 5


def improve_worst(
    table: LearnerTable,
    rules: Rules,
    group_of: np.ndarray,
    group_hour: np.ndarray,
    score: np.ndarray,
    seed: int = 0,
    threshold: float = 0.65,
    passes: int = 2,
) -> int:
    """Improve groups scoring below `threshold` in place (`group_of` changes); returns the
    number of moves and swaps made. `score` is the per-group score of the input."""
    n_groups = len(group_hour)
    low = np.flatnonzero(score < threshold)
    if len(low) == 0 or n_groups < 2:
        return 0
    rng = np.random.default_rng([seed, 11])
    placed = np.flatnonzero(group_of >= 0)
    order = placed[np.argsort(group_of[placed], kind="stable")]
    starts = np.searchsorted(group_of[order], np.arange(n_groups + 1))
    movable = (group_of >= 0) & ~table.with_colleagues
    # candidate index per (language, hour): movable seniors at every hour they can make, and
    # every movable learner at their own group's hour (donors for swaps at the same hour)
    g_lang = table.language[order[np.minimum(starts[:-1], len(order) - 1)]].astype(np.int64)
    wanted = np.zeros(max(1, len(table.languages)) * 168, bool)
    wanted[g_lang[low] * 168 + group_hour[low]] = True
    senior_pair, senior_hour = _pairs_of(
        table, np.flatnonzero(movable & (table.role == ROLE_SENIOR))
    )
    own = np.flatnonzero(movable & (table.role != ROLE_SENIOR))
    pair_l = np.concatenate([senior_pair, own])
    key = table.language[pair_l].astype(np.int64) * 168 + np.concatenate(
        [senior_hour.astype(np.int64), group_hour[group_of[own]]]
    )
    keep = wanted[key]
    pair_l, key = pair_l[keep], key[keep]
    # where few seniors can come, any movable learner at any hour they can make (size moves)
    seniors_at = np.bincount(key[table.role[pair_l] == ROLE_SENIOR], minlength=len(wanted))
    poor = wanted & (seniors_at < 8)
    if poor.any():
        poor_language = np.zeros(max(1, len(table.languages)), bool)
        poor_language[np.flatnonzero(poor) // 168] = True
        every, every_hour = _pairs_of(
            table,
            np.flatnonzero(movable & (table.role != ROLE_SENIOR) & poor_language[table.language]),
        )
        every_key = table.language[every].astype(np.int64) * 168 + every_hour
        keep = poor[every_key]
        every, every_key = every[keep], every_key[keep]
        keep = group_hour[group_of[every]] != every_key % 168  # not already in the index
        pair_l = np.concatenate([pair_l, every[keep]])
        key = np.concatenate([key, every_key[keep]])
    senior_first = (table.role[pair_l] != ROLE_SENIOR).astype(np.int64)
    other_hour = (group_hour[group_of[pair_l]] != key % 168).astype(np.int64)
    tie = rng.random(len(pair_l))
    by = np.lexsort((tie, other_hour, senior_first, key))  # seniors, then donors at the same hour
    pair_l, key = pair_l[by], key[by]
    key_start = np.searchsorted(key, np.arange(len(wanted) + 1))

    scorer = _Scorer(table, rules)
    info: dict[int, tuple] = {}
    members_of: dict[int, list[int]] = {}
    score_of: dict[int, float] = {}

    def members(g: int) -> list[int]:
        got = members_of.get(g)
        if got is None:
            got = order[starts[g] : starts[g + 1]].tolist()
            members_of[g] = got
            for m in got:
                if m not in info:
                    info[m] = scorer.learner(m)
        return got

    def group_score(g: int) -> float:
        value = score_of.get(g)
        if value is None:
            value = scorer.score(members(g), info, int(g_lang[g]))
            score_of[g] = value
        return value

    def available(i: int, hour: int) -> bool:
        return (info[i][3] >> hour) & 1 == 1

    changes = 0
    low = low[np.argsort(score[low], kind="stable")].tolist()
    for attempt in range(passes):
        limit = CANDIDATES * (1 + 3 * attempt)
        still_low = []
        for b in low:
            b_score = group_score(b)
            if b_score >= threshold:
                continue
            b_members = members(b)
            lang, hour = int(g_lang[b]), int(group_hour[b])
            k = lang * 168 + hour
            cands = pair_l[key_start[k] : key_start[k + 1]].tolist()
            best = None
            tried = 0
            for s in cands:
                a = int(group_of[s])
                if a == b:
                    continue
                a_members = members(a)
                tried += 1
                if tried > limit:
                    break
                a_score = group_score(a)
                floor = min(a_score, b_score)
                a_hour = int(group_hour[a])
                a_without = [m for m in a_members if m != s]
                options = []
                if len(a_members) > rules.min_size and len(b_members) < rules.max_size:
                    options.append((a_without, [*b_members, s], None))
                if len(b_members) >= rules.min_size:
                    for x in b_members:
                        if x != s and movable[x] and available(x, a_hour):
                            options.append(
                                ([*a_without, x], [*(m for m in b_members if m != x), s], x)
                            )
                for new_a, new_b, x in options:
                    sa = scorer.score(new_a, info, lang)
                    sb = scorer.score(new_b, info, lang)
                    value = (min(sa, sb), sa + sb)
                    if value[0] > floor + 1e-9 and (best is None or value > best[0]):
                        best = (value, a, s, x, new_a, new_b, sa, sb)
                if best is not None and best[0][0] >= threshold:
                    break
            if best is None:
                still_low.append(b)
                continue
            _, a, s, x, new_a, new_b, sa, sb = best
            group_of[s] = b
            if x is not None:
                group_of[x] = a
            members_of[a], members_of[b] = new_a, new_b
            score_of[a], score_of[b] = sa, sb
            changes += 1
            if sb < threshold:
                still_low.append(b)
            if sa < threshold:
                still_low.append(a)
        low = still_low
        if not low:
            break
    return changes

"""Measures of a grouping, written independently of the solver.

- `check_hard_rules`: plain-Python checker of the hard rules on groups as handed out.
- `viable_learners`: the lower bound on unassigned learners (peel learners with no hour at
  which at least `min_size` still-viable same-language learners are available, until stable).
- `group_measures`: the soft penalty terms and the per-group score in [0, 1] (GROUPING.md).

Definitions chosen where GROUPING.md leaves room (kept here so they are written once):
- organisations: a member without an organisation counts as an organisation of their own;
  the diversity term applies to groups with at least one `individual` participant.
- a colleague block is the learners of one organisation, one language and mode
  `with_colleagues`; with "together" a block needs ceil(placed / cap) groups and every extra
  group is a split; with "spread" the term counts colleagues sharing a group beyond the first.
- per-group score: mean of size (1 at target, 0.5 at the farthest allowed size), knowledge mix
  (1 minus half the L1 distance to the course shares, per member), organisation diversity
  (distinct / min_organisations, capped at 1), senior present (1 also when the language has
  no senior at all) and slot robustness (1 with a second common hour, 0.5 with one); a group
  breaking a hard rule scores 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np

from .model import HOURS_PER_WEEK, KNOWLEDGE_LEVELS, Group, Learner, Rules, Unassigned
from .table import ROLE_SENIOR, LearnerTable, hours_to_bits, popcount

HARD_RULE_KINDS = (
    "placed_twice",
    "not_placed_and_not_unassigned",
    "unknown_member",
    "unassigned_without_reason",
    "size_out_of_range",
    "mixed_languages",
    "hour_outside_window",
    "member_unavailable_at_hour",
)

REASON_NO_HOUR_IN_WINDOW = 1
REASON_TOO_FEW_AT_ANY_HOUR = 2
REASON_TOO_FEW_VIABLE = 3


def check_hard_rules(
    learners: Iterable[Learner],
    rules: Rules,
    groups: Iterable[Group],
    unassigned: Iterable[Unassigned] | Iterable[tuple[str, str]],
    *,
    rows: MemberRows | None = None,
) -> dict[str, int]:
    """Count violations of the hard rules by kind (every kind present, 0 when it holds).

    `learners` may be a list of `Learner`s or a `LearnerTable` (checked with arrays; `rows`,
    from `member_rows`, saves looking the members up again)."""
    if isinstance(learners, LearnerTable):
        groups = list(groups)
        return _check_hard_rules_table(
            learners, rules, groups, list(unassigned), rows or member_rows(learners, groups)
        )
    by_id = {learner.id: learner for learner in learners}
    window = rules.window
    violations = dict.fromkeys(HARD_RULE_KINDS, 0)
    seen: set[str] = set()

    def place(learner_id: str) -> bool:
        if learner_id not in by_id:
            violations["unknown_member"] += 1
            return False
        if learner_id in seen:
            violations["placed_twice"] += 1
        seen.add(learner_id)
        return True

    for group in groups:
        members = list(group.members)
        if not rules.min_size <= len(members) <= rules.max_size:
            violations["size_out_of_range"] += 1
        if group.hour not in window:
            violations["hour_outside_window"] += 1
        languages = set()
        for member_id in members:
            if not place(member_id):
                continue
            learner = by_id[member_id]
            languages.add(learner.language)
            if group.hour not in learner.availability:
                violations["member_unavailable_at_hour"] += 1
        if len(languages) > 1:
            violations["mixed_languages"] += 1
    for entry in unassigned:
        learner_id, reason = (entry.id, entry.reason) if isinstance(entry, Unassigned) else entry
        place(learner_id)
        if not reason or not str(reason).strip():
            violations["unassigned_without_reason"] += 1
    violations["not_placed_and_not_unassigned"] = len(by_id.keys() - seen)
    return violations


@dataclass(slots=True)
class MemberRows:
    """Where the members of handed-out groups are in a table: `flat` (row of every member,
    group by group, -1 for an unknown id), `sizes` per group and the id → row `index`."""

    index: dict[str, int]
    flat: np.ndarray
    sizes: np.ndarray


def member_rows(table: LearnerTable, groups: list[Group]) -> MemberRows:
    index = dict(zip(table.ids, range(len(table.ids)), strict=True))
    sizes = np.fromiter((len(g.members) for g in groups), np.int64, len(groups))
    total = int(sizes.sum())
    members = chain.from_iterable(g.members for g in groups)
    try:
        flat = np.fromiter(map(index.__getitem__, members), np.int64, total)
    except KeyError:  # an unknown id: the slower lookup that marks it -1
        flat = np.fromiter((index.get(m, -1) for g in groups for m in g.members), np.int64, total)
    return MemberRows(index=index, flat=flat, sizes=sizes)


def _check_hard_rules_table(
    table: LearnerTable, rules: Rules, groups: list[Group], unassigned: list, rows: MemberRows
) -> dict[str, int]:
    violations = dict.fromkeys(HARD_RULE_KINDS, 0)
    index, sizes, flat = rows.index, rows.sizes, rows.flat
    hours = np.asarray([g.hour for g in groups], np.int64)
    label = np.repeat(np.arange(len(groups)), sizes)
    known = flat >= 0
    violations["unknown_member"] = int((~known).sum())
    entries = [(u.id, u.reason) if isinstance(u, Unassigned) else tuple(u) for u in unassigned]
    left_out = np.asarray([index.get(i, -1) for i, _ in entries], np.int64)
    violations["unknown_member"] += int((left_out < 0).sum())
    violations["unassigned_without_reason"] = sum(not r or not str(r).strip() for _, r in entries)
    times = np.bincount(
        np.concatenate([flat[known], left_out[left_out >= 0]]), minlength=len(table)
    )
    violations["placed_twice"] = int(np.maximum(times - 1, 0).sum())
    violations["not_placed_and_not_unassigned"] = int((times == 0).sum())
    violations["size_out_of_range"] = int(
        ((sizes < rules.min_size) | (sizes > rules.max_size)).sum()
    )
    in_window = (
        window_mask(rules)[np.clip(hours, 0, HOURS_PER_WEEK - 1)]
        & (hours >= 0)
        & (hours < HOURS_PER_WEEK)
    )
    violations["hour_outside_window"] = int((~in_window).sum())
    members, member_group = flat[known], label[known]
    member_hour = np.clip(hours[member_group], 0, HOURS_PER_WEEK - 1)
    word = table.bits[members, member_hour >> 6]
    available = ((word >> (member_hour & 63).astype(np.uint64)) & np.uint64(1)) == 1
    valid_hour = (hours >= 0) & (hours < HOURS_PER_WEEK)
    violations["member_unavailable_at_hour"] = int((~available | ~valid_hour[member_group]).sum())
    languages = distinct_values(
        member_group * max(1, len(table.languages)) + table.language[members]
    )
    per_group = np.bincount(languages // max(1, len(table.languages)), minlength=len(groups))
    violations["mixed_languages"] = int((per_group > 1).sum())
    return violations


def distinct_values(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of an integer array (a plain sort: faster than
    `np.unique`'s hashing on the million-row arrays of the report)."""
    ordered = np.sort(values, kind="stable")
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def window_mask(rules: Rules) -> np.ndarray:
    """The allowed meeting hours as a (168,) boolean array."""
    mask = np.zeros(HOURS_PER_WEEK, bool)
    mask[list(rules.window)] = True
    return mask


def viable_learners(table: LearnerTable, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """The peeling lower bound: (viable mask, reason code per learner, 0 when viable).

    No solution can place a non-viable learner, so `(~viable).sum()` bounds unassigned."""
    alive, reason, _ = peel(table, rules)
    return alive, reason


def peel(table: LearnerTable, rules: Rules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`viable_learners` plus the (languages, 168) count of viable learners per hour."""
    n = len(table)
    n_languages = max(1, len(table.languages))
    allowed = window_mask(rules)
    learner = table.pair_learner()
    keep = allowed[table.hour_idx]
    learner = learner[keep]
    bucket = table.language[learner] * np.int32(HOURS_PER_WEEK) + table.hour_idx[keep]
    del keep
    reason = np.zeros(n, np.int8)
    alive = np.zeros(n, bool)
    alive[learner] = True
    reason[~alive] = REASON_NO_HOUR_IN_WINDOW
    rounds = 0
    while True:
        count = np.bincount(bucket, minlength=n_languages * HOURS_PER_WEEK)
        good = (count >= rules.min_size)[bucket]
        still = np.zeros(n, bool)
        still[learner[good]] = True
        del good
        dropped = alive & ~still
        if not dropped.any():
            break
        reason[dropped] = REASON_TOO_FEW_AT_ANY_HOUR if rounds == 0 else REASON_TOO_FEW_VIABLE
        alive = still
        keep = alive[learner]
        learner, bucket = learner[keep], bucket[keep]
        rounds += 1
    return alive, reason, count.reshape(n_languages, HOURS_PER_WEEK)


def reason_text(code: int, language: str, rules: Rules) -> str:
    others = rules.min_size - 1
    if code == REASON_NO_HOUR_IN_WINDOW:
        return "no available hour inside the allowed meeting window"
    if code == REASON_TOO_FEW_AT_ANY_HOUR:
        return (
            f"no hour in the allowed window shared with at least {others} other "
            f"learners of language {language!r}"
        )
    if code == REASON_TOO_FEW_VIABLE:
        return (
            f"no hour in the allowed window shared with at least {others} other "
            f"learners of language {language!r} who can themselves be grouped"
        )
    return (
        "could not be fitted: every hour they can make is held by groups that are full "
        "or would break the size limits"
    )


@dataclass(slots=True)
class GroupMeasures:
    """Per-group figures and penalty terms of one grouping (arrays indexed by group)."""

    size: np.ndarray
    meetable: np.ndarray  # every member can make the meeting hour, inside the window
    hard_ok: np.ndarray
    common_hours: np.ndarray
    score: np.ndarray
    terms: dict[str, float]
    components: dict[str, np.ndarray] | None = None  # the five score parts, per group


def group_measures(
    table: LearnerTable, rules: Rules, group_of: np.ndarray, group_hour: np.ndarray
) -> GroupMeasures:
    """Soft terms and scores for groups given as `group_of[learner]` (-1 = unassigned) and
    `group_hour[group]` (-1 = no meeting hour)."""
    n_groups = len(group_hour)
    placed = np.nonzero(group_of >= 0)[0]
    g = group_of[placed].astype(np.int64)
    size = np.bincount(g, minlength=n_groups)
    order = np.argsort(g, kind="stable")
    members, g_sorted = placed[order], g[order]
    starts = np.searchsorted(g_sorted, np.arange(n_groups))
    nonempty = size > 0
    safe_starts = np.minimum(starts, max(len(members) - 1, 0))

    def per_group(reduce: np.ufunc, values: np.ndarray, empty: object) -> np.ndarray:
        if len(members) == 0:
            return np.full((n_groups, *values.shape[1:]), empty, values.dtype)
        out = reduce.reduceat(values[members], safe_starts, axis=0)
        out[~nonempty] = empty
        return out

    lang = table.language.astype(np.int64)
    lang_min = per_group(np.minimum, lang, 0)
    lang_max = per_group(np.maximum, lang, 0)
    allowed_bits = hours_to_bits(rules.window)
    common = per_group(np.bitwise_and, table.bits, np.uint64(0)) & allowed_bits
    common_hours = popcount(common)
    hour = np.asarray(group_hour, np.int64)
    valid_hour = (hour >= 0) & (hour < HOURS_PER_WEEK)
    safe_hour = np.where(valid_hour, hour, 0)
    word = common[np.arange(n_groups), safe_hour >> 6] if n_groups else np.zeros(0, np.uint64)
    hour_common = valid_hour & (((word >> (safe_hour & 63).astype(np.uint64)) & np.uint64(1)) == 1)
    hard_ok = (
        (size >= rules.min_size) & (size <= rules.max_size) & (lang_min == lang_max) & hour_common
    )

    # size
    size_dev = np.abs(size - rules.target_size)
    spread = max(rules.target_size - rules.min_size, rules.max_size - rules.target_size, 1)
    size_score = np.clip(1 - 0.5 * size_dev / spread, 0, 1)

    # knowledge mix against the course shares
    n = len(table)
    share = np.bincount(table.knowledge, minlength=KNOWLEDGE_LEVELS) / max(n, 1)
    level_counts = np.bincount(
        g * KNOWLEDGE_LEVELS + table.knowledge[placed], minlength=n_groups * KNOWLEDGE_LEVELS
    ).reshape(n_groups, KNOWLEDGE_LEVELS)
    knowledge_l1 = np.abs(level_counts - size[:, None] * share[None, :]).sum(axis=1)
    knowledge_score = np.clip(1 - knowledge_l1 / np.maximum(2 * size, 1), 0, 1)

    # seniors
    senior = table.role[placed] == ROLE_SENIOR
    seniors = np.bincount(g, weights=senior, minlength=n_groups)
    lang_has_senior = np.zeros(max(1, len(table.languages)), bool)
    lang_has_senior[table.language[table.role == ROLE_SENIOR]] = True
    no_senior = (seniors == 0) & nonempty
    senior_score = np.where(~no_senior | ~lang_has_senior[lang_min], 1.0, 0.0)

    # organisations (no organisation counts as one's own)
    org = table.organisation.astype(np.int64)
    org_key = np.where(org >= 0, org, len(table.organisations) + np.arange(n))[placed]
    span = len(table.organisations) + n
    distinct = np.bincount(distinct_values(g * span + org_key) // span, minlength=n_groups)
    individual = np.bincount(g, weights=~table.with_colleagues[placed], minlength=n_groups) > 0
    missing_orgs = np.where(individual, np.maximum(0, rules.min_organisations - distinct), 0)
    org_score = (
        np.minimum(1, distinct / rules.min_organisations)
        if rules.min_organisations
        else size * 0 + 1.0
    )

    # colleague blocks: (organisation, language) of learners who came with colleagues
    in_block = table.with_colleagues[placed] & (org[placed] >= 0)
    block = org[placed][in_block] * max(1, len(table.languages)) + lang[placed][in_block]
    block_group = g[in_block]
    colleague_split = colleague_cap = colleagues_together = 0
    if len(block):
        block_ids, block_code = np.unique(block, return_inverse=True)
        pairs, pair_count = np.unique(
            block_code.astype(np.int64) * max(n_groups, 1) + block_group, return_counts=True
        )
        per_block_groups = np.bincount(pairs // max(n_groups, 1), minlength=len(block_ids))
        per_block_placed = np.bincount(block_code, minlength=len(block_ids))
        needed = -(-per_block_placed // rules.colleague_cap)
        colleague_split = int(np.maximum(0, per_block_groups - needed).sum())
        colleague_cap = int(np.maximum(0, pair_count - rules.colleague_cap).sum())
        colleagues_together = int((pair_count - 1).sum())

    few_hours = nonempty & (common_hours < 2)
    slot_score = np.where(common_hours >= 2, 1.0, np.where(common_hours == 1, 0.5, 0.0))
    score = (size_score + knowledge_score + org_score + senior_score + slot_score) / 5
    score = np.where(hard_ok, score, 0.0)

    terms = {
        "size": float(size_dev[nonempty].sum()),
        "knowledge": float(knowledge_l1[nonempty].sum()),
        "organisations": float(missing_orgs[nonempty].sum()),
        "no_senior": float(no_senior.sum()),
        "few_common_hours": float(few_hours.sum()),
    }
    if rules.colleagues == "together":
        terms["colleague_split"] = float(colleague_split)
        terms["colleague_cap"] = float(colleague_cap)
    else:
        terms["colleague_split"] = float(colleagues_together)  # the flipped term
        terms["colleague_cap"] = 0.0
    return GroupMeasures(
        size=size,
        meetable=hour_common & nonempty,
        hard_ok=hard_ok,
        common_hours=common_hours,
        score=score,
        terms=terms,
        components={
            "size": size_score,
            "knowledge": knowledge_score,
            "organisations": org_score,
            "senior": senior_score,
            "slot": slot_score,
        },
    )


def weighted_penalty(terms: dict[str, float], unassigned: int, rules: Rules) -> tuple[float, dict]:
    """Total penalty and each term times its weight."""
    weights = rules.weights
    weighted = {"unassigned": weights.unassigned * unassigned}
    for name, value in terms.items():
        weighted[name] = getattr(weights, name) * value
    return float(sum(weighted.values())), weighted

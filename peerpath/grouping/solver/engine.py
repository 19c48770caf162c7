"""The PeerPath grouping solver: learners and rules in, groups with a common hour out.

Pipeline: peel the learners no valid group can hold (the lower bound, `quality`), bundle
colleague units, give every item a (language, hour) bucket with all buckets feasible
(`hours`), cut buckets into balanced, well-mixed groups (`partition`), on small runs repack
pairs of groups exactly (`repack`), lift the worst groups (`improve`), then measure the result
with the independent checker and report.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np

from .exact import EXACT_ITEMS, bucket_objective, exact_buckets
from .hours import UNPLACED, build_items, choose_hours
from .improve import improve_worst
from .model import Group, Learner, Rules, Solution, Unassigned
from .partition import form_groups
from .quality import (
    REASON_NO_HOUR_IN_WINDOW,
    MemberRows,
    check_hard_rules,
    group_measures,
    member_rows,
    peel,
    reason_text,
)
from .repack import REPACK_UP_TO, repack_pairs
from .report import PhaseTimer, QualityReport, build_report
from .table import ROLE_SENIOR, LearnerTable, bits_to_csr, hours_to_bits

REASON_NOT_FITTED = 9


def assign(
    table: LearnerTable,
    rules: Rules,
    seed: int = 0,
    timer: PhaseTimer | None = None,
    *,
    repack: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Core: (group of each learner or -1, hour of each group, reason code of the unassigned).

    `repack` adds the exact repacking of pairs of groups (`repack.repack_pairs`); `solve`
    asks for it on runs of up to `REPACK_UP_TO` learners."""
    timer = timer or PhaseTimer()
    n = len(table)
    viable, reason, viable_count = peel(table, rules)
    timer.lap("lower bound")
    n_languages = max(1, len(table.languages))
    useful = viable_count >= rules.min_size
    items = build_items(table, rules, viable, useful)
    timer.lap("colleague units")
    choice = _best_of_starts(table, items, n_languages, rules, seed)
    timer.lap("hours")
    if choice.stranded_items and (items.size[choice.bucket == UNPLACED] > 1).any():
        # colleague units that could not be fitted whole: retry with them as single learners
        broken = np.zeros(n, bool)
        for item in np.flatnonzero((choice.bucket == UNPLACED) & (items.size > 1)).tolist():
            broken[items.members[items.member_ptr[item] : items.member_ptr[item + 1]]] = True
        unit_rules = _without_units(table, broken)
        items = build_items(unit_rules, rules, viable, useful)
        choice = _best_of_starts(table, items, n_languages, rules, seed)
        timer.lap("hours, units broken")
    group_of, group_hour = form_groups(table, items, choice.bucket, rules, seed)
    timer.lap("groups")
    if repack and len(group_hour) > 1:
        repack_pairs(table, rules, group_of, group_hour)
        timer.lap("exact pairs")
    if len(group_hour):
        scores = group_measures(table, rules, group_of, group_hour).score
        improve_worst(table, rules, group_of, group_hour, scores, seed)
        timer.lap("worst groups")
    reason = reason.copy()
    reason[viable & (group_of < 0)] = REASON_NOT_FITTED
    return group_of, group_hour, reason


def _best_of_starts(table: LearnerTable, items, n_languages: int, rules: Rules, seed: int):
    """Hour choice from several seeded starts (fewer for big inputs); fewest stranded wins.
    Languages with few items whose heuristic choice strands any are then solved exactly."""
    starts = 8 if len(items.size) < 50_000 else 3 if len(items.size) < 300_000 else 1
    best = None
    for start in range(starts):
        choice = choose_hours(items, n_languages, rules, seed * 1_000 + start)
        if best is None or choice.stranded_items < best.stranded_items:
            best = choice
        if best.stranded_items == 0:
            break
    if best.stranded_items:
        _exact_where_small(table, items, n_languages, rules, best)
    return best


def item_seniors(table: LearnerTable, items) -> np.ndarray:
    """Number of seniors in every item."""
    senior = (table.role[items.members] == ROLE_SENIOR).astype(np.int64)
    return np.add.reduceat(senior, items.member_ptr[:-1]) if len(senior) else senior


def _exact_where_small(table: LearnerTable, items, n_languages: int, rules: Rules, choice):
    """Replace the heuristic's buckets of small languages by the exact program's when it
    places more learners (in place). The program is cut off at the heuristic's count, so a
    language the heuristic already solved best is proved so quickly; sizes and seniors are
    left to the partition and the worst-group search (weighing them in the program makes it
    several times slower for a few penalty points)."""
    counts = np.bincount(items.language, minlength=n_languages)
    stranded = np.bincount(items.language[choice.bucket == UNPLACED], minlength=n_languages)
    for language in np.flatnonzero((stranded > 0) & (counts <= EXACT_ITEMS)).tolist():
        mine = np.flatnonzero(items.language == language)
        sub = _items_subset(items, mine)
        before = bucket_objective(sub, choice.bucket[mine], rules)
        exact = exact_buckets(items, language, rules, cutoff=before)
        if exact is not None and bucket_objective(sub, exact, rules) < before:
            choice.bucket[mine] = exact
    choice.stranded_items = int((choice.bucket == UNPLACED).sum())


def _items_subset(items, rows: np.ndarray):
    """The items `rows` with sizes, languages and hours (members are not needed here)."""
    from .hours import Items

    return Items(
        size=items.size[rows],
        language=items.language[rows],
        bits=items.bits[rows],
        member_ptr=np.zeros(1, np.int64),
        members=np.zeros(0, np.int64),
    )


def _without_units(table: LearnerTable, broken: np.ndarray) -> LearnerTable:
    """A shallow copy of the table in which `broken` learners count as individuals."""
    from dataclasses import replace

    return replace(table, with_colleagues=table.with_colleagues & ~broken)


def solve(
    learners: Sequence[Learner] | LearnerTable,
    rules: Rules | None = None,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> Solution:
    """Form study groups; every learner is in exactly one group or unassigned with a reason.

    `progress`, when given, is called with the name of each phase as it ends."""
    started = time.perf_counter()
    timer = PhaseTimer(progress)
    rules = rules or Rules()
    table = (
        learners
        if isinstance(learners, LearnerTable)
        else LearnerTable.from_learners(list(learners))
    )
    timer.lap("read")
    group_of, group_hour, reason = assign(
        table, rules, seed, timer, repack=len(table) <= REPACK_UP_TO
    )
    groups, unassigned = materialise(table, rules, group_of, group_hour, reason)
    timer.lap("output")
    lower_bound = int((reason != 0).sum() - (reason == REASON_NOT_FITTED).sum())
    report = evaluate(
        table if isinstance(learners, LearnerTable) else learners,
        rules,
        groups,
        unassigned,
        method="peerpath",
        lower_bound=lower_bound,
        started=started,
        timer=timer,
        table=table,
    )
    return Solution(groups=groups, unassigned=unassigned, report=report)


def evaluate(
    learners: Sequence[Learner] | LearnerTable,
    rules: Rules,
    groups: list[Group],
    unassigned: list[Unassigned],
    *,
    method: str,
    lower_bound: int,
    started: float,
    timer: PhaseTimer | None = None,
    table: LearnerTable | None = None,
) -> QualityReport:
    """Measure handed-out groups with the independent checker: the quality report."""
    timer = timer or PhaseTimer()
    if table is None:
        table = (
            learners
            if isinstance(learners, LearnerTable)
            else LearnerTable.from_learners(list(learners))
        )
    rows = member_rows(table, groups)
    hard = check_hard_rules(learners, rules, groups, unassigned, rows=rows)
    timer.lap("check")
    measures = group_measures(table, rules, *groups_to_arrays(table, groups, rows))
    timer.lap("measure")
    report = build_report(
        method=method,
        rules=rules,
        learners=len(table),
        measures=measures,
        unassigned=len(unassigned),
        lower_bound=lower_bound,
        hard_violations=hard,
        seconds=time.perf_counter() - started,
    )
    report.phase_seconds = timer.seconds
    return report


def materialise(
    table: LearnerTable,
    rules: Rules,
    group_of: np.ndarray,
    group_hour: np.ndarray,
    reason: np.ndarray,
) -> tuple[list[Group], list[Unassigned]]:
    """Turn arrays into `Group`s (ids 1..G) and `Unassigned` entries."""
    placed = np.flatnonzero(group_of >= 0)
    order = placed[np.argsort(group_of[placed], kind="stable")]
    g_sorted = group_of[order]
    n_groups = len(group_hour)
    starts = np.searchsorted(g_sorted, np.arange(n_groups + 1))
    ids = table.ids
    member_ids = [ids[i] for i in order.tolist()]
    common = (
        np.bitwise_and.reduceat(table.bits[order], starts[:-1], axis=0)
        if len(order)
        else np.zeros((0, 3), np.uint64)
    ) & hours_to_bits(rules.window)
    common_ptr, common_hours = bits_to_csr(common)
    common_hours = common_hours.tolist()
    common_bounds = common_ptr.tolist()
    bounds = starts.tolist()
    hours = group_hour.tolist()
    languages = table.languages
    first_lang = (
        table.language[order[np.minimum(starts[:-1], max(len(order) - 1, 0))]].tolist()
        if len(order)
        else []
    )
    groups = []
    for g in range(n_groups):
        hour = hours[g]
        backup = common_hours[common_bounds[g] : common_bounds[g + 1]]
        if hour in backup:
            backup.remove(hour)
        groups.append(
            Group(
                id=g + 1,
                hour=hour,
                members=member_ids[bounds[g] : bounds[g + 1]],
                backup_hours=tuple(backup),
                language=languages[first_lang[g]],
            )
        )
    unassigned = [
        Unassigned(
            id=ids[i], reason=reason_text(int(reason[i]), languages[table.language[i]], rules)
        )
        for i in np.flatnonzero(group_of < 0).tolist()
    ]
    return groups, unassigned


def groups_to_arrays(
    table: LearnerTable, groups: Sequence[Group], rows: MemberRows | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`group_of` per learner and `group_hour` per group from handed-out groups (a learner in
    several groups keeps the last; the hard-rule checker reports that separately)."""
    rows = rows or member_rows(table, list(groups))
    group_of = np.full(len(table), -1, np.int64)
    labels = np.repeat(np.arange(len(groups)), rows.sizes)
    flat_arr = rows.flat
    known = flat_arr >= 0
    group_of[flat_arr[known]] = labels[known]
    hours = np.asarray([g.hour for g in groups], np.int64)
    return group_of, hours


__all__ = ["assign", "solve", "materialise", "groups_to_arrays", "REASON_NO_HOUR_IN_WINDOW"]

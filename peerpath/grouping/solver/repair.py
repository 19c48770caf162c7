"""Weekly repair of study groups as learners go quiet (GROUPING.md, "Repair").

Given the current groups (`group_of` per learner, `group_hour` per group) and who is still
active, with as few moves and meeting-time changes as possible:

1. merge thin groups (fewer than `thin` active members) of one language meeting at the same
   hour: the fullest absorbs the others while the active total stays within `max_size`;
2. re-home the active orphans of thin groups that could not be merged (colleague blocks
   together) into a non-thin group of their language, with room, meeting at an hour they can
   all make, preferring their old hour and then the emptiest group;
3. form new groups (at least `thin` active members each, same hard rules) from what is left,
   with the solver itself; whoever is still left waits, with `group_of` -1.

Only active learners are considered and moved; inactive learners keep their old group number
and count for nothing. The result reports the disruption: active learners moved, active
learners whose meeting time changed, share of previous co-member pairs (both active) still
together, and groups touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from .model import Rules
from .table import LearnerTable


@dataclass(slots=True)
class RepairResult:
    group_of: np.ndarray  # per learner; active learners waiting for a group have -1
    group_hour: np.ndarray  # per group (old groups first, then new ones)
    moved: int
    time_changed: int
    pairs_kept: float
    groups_touched: int
    thin_before: int
    thin_after: int
    waiting: int

    def to_dict(self) -> dict:
        return {
            "moved": self.moved,
            "time_changed": self.time_changed,
            "pairs_kept": self.pairs_kept,
            "groups_touched": self.groups_touched,
            "thin_before": self.thin_before,
            "thin_after": self.thin_after,
            "waiting": self.waiting,
        }


def subtable(table: LearnerTable, rows: np.ndarray) -> LearnerTable:
    """The learners `rows` of `table` as a table of their own (codes unchanged)."""
    lengths = table.hour_ptr[rows + 1] - table.hour_ptr[rows]
    ptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=ptr[1:])
    take = (
        np.concatenate([np.arange(table.hour_ptr[r], table.hour_ptr[r + 1]) for r in rows.tolist()])
        if len(rows)
        else np.zeros(0, np.int64)
    )
    return replace(
        table,
        ids=[table.ids[r] for r in rows.tolist()],
        language=table.language[rows],
        timezone=table.timezone[rows],
        organisation=table.organisation[rows],
        with_colleagues=table.with_colleagues[rows],
        knowledge=table.knowledge[rows],
        role=table.role[rows],
        hour_ptr=ptr,
        hour_idx=table.hour_idx[take.astype(np.int64)],
        bits=table.bits[rows],
    )


def active_sizes(group_of: np.ndarray, n_groups: int, active: np.ndarray) -> np.ndarray:
    on = active & (group_of >= 0)
    return np.bincount(group_of[on], minlength=n_groups)


def repair(
    table: LearnerTable,
    rules: Rules,
    group_of: np.ndarray,
    group_hour: np.ndarray,
    active: np.ndarray,
    thin: int = 4,
    seed: int = 0,
) -> RepairResult:
    old_of = np.asarray(group_of, np.int64)
    new_of = old_of.copy()
    hours = [int(h) for h in group_hour]
    n_groups = len(hours)
    size = active_sizes(old_of, n_groups, active).tolist()
    thin_groups = [g for g in range(n_groups) if 0 < size[g] < thin]
    thin_before = len(thin_groups)
    members: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(active & (old_of >= 0)).tolist():
        members[int(old_of[i])].append(i)
    language = table.language
    lang_of_group = {g: int(language[m[0]]) for g, m in members.items()}

    # 1. merge thin groups meeting at the same hour
    by_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for g in thin_groups:
        by_slot[(lang_of_group[g], hours[g])].append(g)
    orphans: list[int] = []
    for slot_groups in by_slot.values():
        slot_groups.sort(key=lambda g: (-size[g], g))
        while slot_groups:
            host = slot_groups.pop(0)
            total = size[host]
            absorbed = []
            for g in list(slot_groups):
                if total + size[g] <= rules.max_size:
                    absorbed.append(g)
                    total += size[g]
                    slot_groups.remove(g)
                if total >= thin:
                    break
            if total >= thin:
                for g in absorbed:
                    for i in members[g]:
                        new_of[i] = host
                    members[host].extend(members.pop(g))
                    size[host] += size[g]
                    size[g] = 0
            else:  # nothing to merge with: its active members are orphans
                for g in [host, *absorbed]:
                    orphans.extend(members.pop(g, []))
                    size[g] = 0
    for i in orphans:
        new_of[i] = -1

    # 2. re-home orphans (colleague blocks together) into non-thin groups with room
    hosts: dict[tuple[int, int], list[int]] = defaultdict(list)
    for g in members:
        if size[g] >= thin:
            hosts[(lang_of_group[g], hours[g])].append(g)
    units: dict[tuple, list[int]] = defaultdict(list)
    for i in orphans:
        org = int(table.organisation[i])
        if table.with_colleagues[i] and org >= 0:
            units[("block", org, int(old_of[i]))].append(i)
        else:
            units[("single", i)].append(i)
    left: list[int] = []
    window = rules.window
    for unit in sorted(units.values(), key=lambda u: (-len(u), u[0])):
        old_hour = hours[int(old_of[unit[0]])]
        common = (1 << 168) - 1
        for i in unit:
            row = table.bits[i]
            common &= int(row[0]) | (int(row[1]) << 64) | (int(row[2]) << 128)
        lang = int(language[unit[0]])
        best = None
        for hour in range(168):
            if not (common >> hour) & 1 or hour not in window:
                continue
            for g in hosts.get((lang, hour), ()):
                if size[g] + len(unit) > rules.max_size:
                    continue
                key = (hour != old_hour, size[g], g)
                if best is None or key < best[0]:
                    best = (key, g)
        if best is None:
            left.extend(unit)
            continue
        g = best[1]
        for i in unit:
            new_of[i] = g
        members[g].extend(unit)
        size[g] += len(unit)

    # 3. new groups from the rest, formed by the solver with `thin` as the smallest size
    if len(left) >= thin:
        from .engine import assign

        rows = np.asarray(sorted(left), np.int64)
        sub_rules = replace(
            rules, min_size=min(thin, rules.min_size), target_size=rules.target_size
        )
        sub_of, sub_hour, _ = assign(subtable(table, rows), sub_rules, seed)
        placed = sub_of >= 0
        new_of[rows[placed]] = sub_of[placed] + n_groups
        hours.extend(int(h) for h in sub_hour)
    group_hour_out = np.asarray(hours, np.int64)

    # disruption
    on = np.flatnonzero(active & (old_of >= 0))
    moved_mask = new_of[on] != old_of[on]
    old_h = group_hour_out[old_of[on]]
    new_h = np.where(new_of[on] >= 0, group_hour_out[np.maximum(new_of[on], 0)], -1)
    time_changed = int((new_h != old_h).sum())
    pairs = together = 0
    by_old: dict[int, list[int]] = defaultdict(list)
    for i in on.tolist():
        by_old[int(old_of[i])].append(i)
    for m in by_old.values():
        k = len(m)
        pairs += k * (k - 1) // 2
        if k > 1:
            _, counts = np.unique(new_of[m][new_of[m] >= 0], return_counts=True)
            together += int((counts * (counts - 1) // 2).sum())
    touched = set(old_of[on][moved_mask].tolist()) | set(
        new_of[on][moved_mask & (new_of[on] >= 0)].tolist()
    )
    after = active_sizes(new_of, len(hours), active)
    return RepairResult(
        group_of=new_of,
        group_hour=group_hour_out,
        moved=int(moved_mask.sum()),
        time_changed=time_changed,
        pairs_kept=together / pairs if pairs else 1.0,
        groups_touched=len(touched),
        thin_before=thin_before,
        thin_after=int(((after > 0) & (after < thin)).sum()),
        waiting=int((active & (old_of >= 0) & (new_of < 0)).sum()),
    )

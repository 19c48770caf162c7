"""Weekly repair of study groups as learners go quiet (GROUPING.md, "Repair").

Given the current groups (`group_of` per learner, `group_hour` per group) and who is still
active, with as few moves and meeting-time changes as possible:

1. within each (language, hour) slot, decide which thin groups (fewer than `thin` active
   members) to keep and which to close so that the fewest learners move: a kept group is
   topped up to `thin` by the members of closed groups, or by single learners pulled from
   groups of the slot with more than `thin` active members; the members of a closed group
   (colleague blocks together) fill kept groups first, then groups of the slot with room.
   Nobody's meeting time changes in this step;
2. across slots, what step 1 could not settle: thin groups of at most `thin / 2` active
   members close, their members fill the still-thin groups meeting at an hour they can make;
   a still-thin group is then topped up by single learners of other groups who can make its
   hour (when fewer than its own members), or closed; the orphans left go to any group of
   their language with room meeting at an hour they can all make;
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


def _bits(row: np.ndarray) -> int:
    return int(row[0]) | (int(row[1]) << 64) | (int(row[2]) << 128)


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
    max_size = rules.max_size
    size = active_sizes(old_of, n_groups, active).tolist()
    thin_before = sum(1 for g in range(n_groups) if 0 < size[g] < thin)
    members: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(active & (old_of >= 0)).tolist():
        members[int(old_of[i])].append(i)
    language = table.language
    lang_of_group = {g: int(language[m[0]]) for g, m in members.items()}
    window = rules.window
    bits_cache: dict[int, int] = {}

    def bits(i: int) -> int:
        value = bits_cache.get(i)
        if value is None:
            value = bits_cache[i] = _bits(table.bits[i])
        return value

    def units_of(g: int) -> list[list[int]]:
        """The group's active members as units: colleague blocks together, others alone."""
        blocks: dict[tuple, list[int]] = defaultdict(list)
        for i in members.get(g, []):
            org = int(table.organisation[i])
            key = ("block", org) if table.with_colleagues[i] and org >= 0 else ("single", i)
            blocks[key].append(i)
        return sorted(blocks.values(), key=lambda u: (-len(u), u[0]))

    def singles_of(g: int) -> list[int]:
        return [u[0] for u in units_of(g) if len(u) == 1]

    def move(unit: list[int], to: int) -> None:
        for i in unit:
            source = int(new_of[i])
            if source >= 0:
                members[source].remove(i)
                size[source] -= 1
            new_of[i] = to
            if to >= 0:
                members[to].append(i)
                size[to] += 1

    by_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    for g in members:
        if size[g] > 0:
            by_slot[(lang_of_group[g], hours[g])].append(g)

    # 1. within each slot: keep the biggest thin groups, close the rest, no time changes
    orphans: list[list[int]] = []  # units that must leave their slot
    needy: list[int] = []  # kept thin groups still short of `thin`
    # active learners without a group (left waiting by an earlier repair) try again
    waiting_blocks: dict[tuple, list[int]] = defaultdict(list)
    for i in np.flatnonzero(active & (old_of < 0)).tolist():
        org = int(table.organisation[i])
        key = ("block", org, int(language[i])) if table.with_colleagues[i] and org >= 0 else i
        waiting_blocks[key].append(i)
    orphans.extend(waiting_blocks.values())
    for slot in sorted(by_slot):
        slot_groups = sorted(by_slot[slot])
        thin_groups = sorted(
            (g for g in slot_groups if size[g] < thin), key=lambda g: (-size[g], g)
        )
        if not thin_groups:
            continue
        healthy = [g for g in slot_groups if size[g] >= thin]
        surplus = sum(min(size[g] - thin, len(singles_of(g))) for g in healthy)
        room = sum(max_size - size[g] for g in healthy)
        best = None
        for k in range(len(thin_groups) + 1):
            kept, closed = thin_groups[:k], thin_groups[k:]
            supply = sum(size[g] for g in closed)
            deficit = sum(thin - size[g] for g in kept)
            extra_room = room + (max_size - thin) * len(kept)
            across = max(0, deficit - supply - surplus) + max(0, supply - deficit - extra_room)
            moves = max(supply, deficit)
            cost = (1000 * across + moves, k)  # ties: close, bigger groups last longer
            if best is None or cost < best[0]:
                best = (cost, k)
        k = best[1]
        kept, closed = thin_groups[:k], thin_groups[k:]
        pending = [u for g in closed for u in units_of(g)]
        pending.sort(key=lambda u: (-len(u), u[0]))
        for unit in pending:
            short = [g for g in kept if size[g] < thin and size[g] + len(unit) <= max_size]
            if short:
                target = min(short, key=lambda g: (size[g] - thin, g))
            else:
                roomy = [
                    g
                    for g in [*kept, *healthy]
                    if size[g] >= thin and size[g] + len(unit) <= max_size
                ]
                if not roomy:
                    orphans.append(unit)
                    move(unit, -1)
                    continue
                target = min(roomy, key=lambda g: (size[g], g))
            move(unit, target)
        for g in kept:
            while size[g] < thin:
                donors = [d for d in healthy if size[d] > thin and singles_of(d)]
                if not donors:
                    break
                donor = max(donors, key=lambda d: (size[d], -d))
                move([singles_of(donor)[-1]], g)
            if size[g] < thin:
                needy.append(g)

    # 2. across slots, for what step 1 could not settle (each move changes a meeting time)
    def can_make(unit: list[int], hour: int) -> bool:
        return all((bits(i) >> hour) & 1 for i in unit)

    def close(g: int) -> None:
        for unit in units_of(g):
            orphans.append(unit)
            move(unit, -1)

    def fill_from_orphans(g: int) -> None:
        lang, hour = lang_of_group[g], hours[g]
        for unit in sorted(orphans, key=lambda u: (len(u), u[0])):
            if size[g] >= thin:
                return
            if (
                int(language[unit[0]]) == lang
                and size[g] + len(unit) <= max_size
                and can_make(unit, hour)
            ):
                orphans.remove(unit)
                move(unit, g)

    def pulls_for(g: int) -> list[int] | None:
        """Single learners of other groups (staying at `thin` or more) who can make g's hour."""
        lang, hour = lang_of_group[g], hours[g]
        want = thin - size[g]
        found: list[int] = []
        for d in sorted(healthy_by_lang[lang], key=lambda d: (-size[d], d)):
            if d == g:
                continue
            for i in singles_of(d):
                if len(found) == want or size[d] - sum(new_of[j] == d for j in found) <= thin:
                    break
                if (bits(i) >> hour) & 1:
                    found.append(i)
            if len(found) == want:
                return found
        return None

    healthy_by_lang: dict[int, list[int]] = defaultdict(list)
    for g in members:
        if size[g] > thin:
            healthy_by_lang[lang_of_group[g]].append(g)
    for g in needy:
        fill_from_orphans(g)
    # the smallest still-thin groups first: closing one may fill the others
    while True:
        short = sorted((g for g in needy if 0 < size[g] < thin), key=lambda g: (size[g], g))
        if not short:
            break
        g = short[0]
        want = thin - size[g]
        pulls = pulls_for(g) if want < size[g] else None
        if pulls is None:
            close(g)
            for other in sorted(short[1:], key=lambda x: (thin - size[x], x)):
                fill_from_orphans(other)
        else:
            for i in pulls:
                move([i], g)

    # orphans left: any group of their language with room at an hour they can all make
    hosts: dict[tuple[int, int], list[int]] = defaultdict(list)
    for g in members:
        if size[g] >= thin:
            hosts[(lang_of_group[g], hours[g])].append(g)
    slot_load: dict[tuple[int, int], int] = defaultdict(int)
    for (lang, hour), gs in hosts.items():
        slot_load[(lang, hour)] = sum(size[g] for g in gs)
    left: list[int] = []
    for unit in sorted(orphans, key=lambda u: (-len(u), u[0])):
        old_hour = hours[int(old_of[unit[0]])] if old_of[unit[0]] >= 0 else -1
        common = (1 << 168) - 1
        for i in unit:
            common &= bits(i)
        lang = int(language[unit[0]])
        best = None
        for hour in range(168):
            if not (common >> hour) & 1 or hour not in window:
                continue
            for g in hosts.get((lang, hour), ()):
                if size[g] + len(unit) > max_size:
                    continue
                # the busiest slot first: it is the least likely to thin out again soon
                key = (hour != old_hour, -slot_load[(lang, hour)], size[g], g)
                if best is None or key < best[0]:
                    best = (key, g)
        if best is None:
            left.extend(unit)
            continue
        move(unit, best[1])
        slot_load[(lang, hours[best[1]])] += len(unit)

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
        waiting=int((active & (new_of < 0)).sum()),
    )

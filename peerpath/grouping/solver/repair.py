"""Weekly repair of study groups as learners go quiet (GROUPING.md, "Repair").

Given the current groups (`group_of` per learner, `group_hour` per group) and who is still
active, leave no thin group (fewer than `thin` active members) with as few moves and
meeting-time changes as possible, keeping the hard rules for every group that changes:

- seats: a group holds at most `max_size` members, its active and its quiet members (inactive
  learners still in it) together. By default a quiet member keeps their seat, so a group full
  of quiet members takes nobody in; with `release_quiet`, a quiet member gives up their seat
  when an active learner needs it (the longest quiet first, given `quiet_days`), they leave
  the group (`group_of` -1) and `released` counts them;
- new groups follow the run's rules: one language, an hour in the window that every member
  can make, and between `min_size` and `max_size` active members (a repair-formed group is a
  group like any other, so the run's smallest size applies, not `thin`);
- a colleague block (active members of one organisation who came with colleagues) moves whole.

Steps (`repair_steps`, `repair_match`):

1. inside each (language, hour) slot, where nobody's meeting time changes: keep the thin groups
   whose keeping moves the fewest learners now and likely next week (a group kept at `thin`
   is likely thin again: `KEEP_MOVES`; at the run's last weekly repair, now only), top them up
   from the slot's closed thin groups or by single learners of its groups with more than
   `thin` active members, and seat the members of closed groups in the slot's groups with
   seats. A slot with fewer than `thin` active learners is gathered into one group and left
   to step 3;
2. members of closed groups left without a seat in their slot form new groups at that same
   hour when there are at least `min_size` of them;
3. across slots, exactly (a small MIP): each thin group left is kept, filled by orphans (members
   of closed groups, and active learners left waiting by an earlier repair), by members of thin
   groups that close, or by learners pulled from other groups who can make its hour; or closed.
   The fewest learners change hour;
4. the orphans left join a group of their language with a seat at an hour they can all make
   (their own hour first, then the busiest slot); new groups are formed from the rest under the
   run's rules; whoever is still left waits, with `group_of` -1;
5. with `merge_ahead_share`, while the week's moves stay within that share of the active
   learners: groups at the thin line are merged into the free seats of their slot ahead of need
   (`repair_merge`), so fewer groups thin out in the weeks after.

Only active learners are moved by choice. The result reports the disruption: active learners
moved (out of their group: a learner left waiting counts), active learners who keep a group but
now meet at another hour (`time_changed`), active learners who had a group and are left
waiting (`left_waiting`, neither a time change nor a group), share of previous co-member pairs
(both active) still together, groups touched, learners waiting (also those left waiting by
earlier repairs), quiet members released and groups merged ahead. The repair is
deterministic: the same input gives the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

import numpy as np

from .model import Rules
from .repair_match import settle_across_exact
from .repair_merge import merge_ahead
from .repair_plan import RepairState
from .repair_steps import form_new_groups, place_orphans, settle_across, settle_slots
from .table import LearnerTable


@dataclass(slots=True)
class RepairResult:
    group_of: np.ndarray  # per learner; active learners waiting for a group have -1
    group_hour: np.ndarray  # per group (old groups first, then new ones)
    moved: int
    time_changed: int  # active learners in a group at another hour than before
    pairs_kept: float
    groups_touched: int
    thin_before: int
    thin_after: int
    waiting: int
    released: int = 0  # quiet members who gave up their seat (only with `release_quiet`)
    left_waiting: int = 0  # active learners who had a group before and have none now
    merged_ahead: int = 0  # groups at the thin line closed ahead of need (`merge_ahead_share`)

    def to_dict(self) -> dict:
        return {
            "moved": self.moved,
            "time_changed": self.time_changed,
            "pairs_kept": self.pairs_kept,
            "groups_touched": self.groups_touched,
            "thin_before": self.thin_before,
            "thin_after": self.thin_after,
            "waiting": self.waiting,
            "released": self.released,
            "left_waiting": self.left_waiting,
            "merged_ahead": self.merged_ahead,
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


def _check_input(table, rules, group_of, group_hour, active, thin) -> None:
    """Refuse inconsistent input with a message naming the argument."""
    n = len(table)
    if len(group_of) != n:
        raise ValueError(f"group_of: {len(group_of)} entries for {n} learners")
    if len(active) != n:
        raise ValueError(f"active: {len(active)} entries for {n} learners")
    if len(group_of) and (group_of.max(initial=-1) >= len(group_hour) or group_of.min() < -1):
        raise ValueError(f"group_of: group numbers must lie in -1..{len(group_hour) - 1}")
    if len(group_hour) and (group_hour.min() < 0 or group_hour.max() >= 168):
        raise ValueError("group_hour: hours must lie in 0..167")
    if not 1 <= thin <= rules.max_size:
        raise ValueError(f"thin: {thin} out of range 1..{rules.max_size}")


def repair(
    table: LearnerTable,
    rules: Rules,
    group_of: np.ndarray,
    group_hour: np.ndarray,
    active: np.ndarray,
    thin: int = 4,
    seed: int = 0,
    release_quiet: bool = False,
    quiet_days: np.ndarray | None = None,
    weeks_left: int | None = None,
    merge_ahead_share: float = 0.0,
) -> RepairResult:
    """Repair the groups for this week's activity (see the module docstring). `seed` is
    accepted for callers' sake; the repair itself is deterministic. `quiet_days` (per learner,
    optional) decides which quiet member of a group gives up their seat: the longest quiet.
    `weeks_left` is how many weekly repairs the run still has after this one (None when not
    known): at 0 nothing follows, so the repair does not pay now for moves a group kept at
    `thin` might need next week. `merge_ahead_share` (0..1) is the share of the active learners
    with a group that the week may move in all: while the repair's own moves leave some of it,
    groups at the thin line are merged into their slot ahead of need (`repair_merge`; not at
    the run's last weekly repair)."""
    old_of = np.asarray(group_of, np.int64)
    active = np.asarray(active, bool)
    n_groups = len(group_hour)
    _check_input(table, rules, old_of, np.asarray(group_hour, np.int64), active, thin)
    if quiet_days is not None and len(quiet_days) != len(table):
        raise ValueError(f"quiet_days: {len(quiet_days)} entries for {len(table)} learners")
    if weeks_left is not None and weeks_left < 0:
        raise ValueError(f"weeks_left: {weeks_left} is negative")
    if not 0 <= merge_ahead_share <= 1:
        raise ValueError(f"merge_ahead_share: {merge_ahead_share} out of range 0..1")
    state = RepairState(
        table,
        rules,
        old_of,
        group_hour,
        active,
        thin,
        release_quiet,
        quiet_days,
        look_ahead=weeks_left is None or weeks_left > 0,
    )
    thin_before = sum(1 for g in range(n_groups) if state.is_thin(g))
    state.orphans.extend(state.waiting_units(active))
    needy = settle_slots(state)
    form_new_groups(state, same_hour=True)
    settle_across(state, settle_across_exact(state, needy))
    place_orphans(state)
    form_new_groups(state)
    merged_ahead = 0
    if merge_ahead_share and state.look_ahead:
        had = active & (old_of >= 0)
        done = int((state.of[had] != old_of[had]).sum())
        merged_ahead = merge_ahead(state, int(merge_ahead_share * had.sum()) - done)
    new_of = state.of
    group_hour_out = np.asarray(state.hours, np.int64)
    old_hour = np.asarray(group_hour, np.int64)

    # disruption
    on = np.flatnonzero(active & (old_of >= 0))
    moved_mask = new_of[on] != old_of[on]
    old_h = old_hour[old_of[on]]
    new_h = np.where(new_of[on] >= 0, group_hour_out[np.maximum(new_of[on], 0)], -1)
    time_changed = int(((new_h != old_h) & (new_h >= 0)).sum())
    left_waiting = int((new_h < 0).sum())
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
    after = active_sizes(new_of, len(group_hour_out), active)
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
        released=len(state.released),
        left_waiting=left_waiting,
        merged_ahead=merged_ahead,
    )

"""The working state of one weekly repair and its steps (used by `repair.repair`).

A group's seats are shared by its active members and its quiet members (inactive learners
still in it): a group never holds more than `max_size` of both together. Without
`release_quiet`, a group full of quiet members takes nobody in; with it, a quiet member gives
up their seat when an active learner needs it (they leave the group and are counted as
released; with `quiet_days`, the longest quiet first). Only active learners are moved by
choice; a colleague block (active members of one organisation who came with colleagues) moves
as one unit.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .model import Rules
from .table import LearnerTable

Unit = list[int]


def bits_of(row: np.ndarray) -> int:
    return int(row[0]) | (int(row[1]) << 64) | (int(row[2]) << 128)


class RepairState:
    """Groups, their active members and seats, changed in place by the repair steps."""

    def __init__(
        self,
        table: LearnerTable,
        rules: Rules,
        group_of: np.ndarray,
        group_hour: np.ndarray,
        active: np.ndarray,
        thin: int,
        release_quiet: bool = False,
        quiet_days: np.ndarray | None = None,
        look_ahead: bool = True,
    ) -> None:
        self.table = table
        # whether a group kept at `thin` counts the moves it is likely to need next week (no
        # use after the run's last weekly repair)
        self.look_ahead = look_ahead
        self.rules = rules
        self.thin = thin
        self.old_of = np.asarray(group_of, np.int64)
        self.of = self.old_of.copy()
        self.old_hours = [int(h) for h in group_hour]
        self.hours = list(self.old_hours)
        n_groups = self.n_old = len(self.hours)
        self.size = np.bincount(self.old_of[active & (self.old_of >= 0)], minlength=n_groups)
        self.size = self.size.tolist()
        self.quiet = np.bincount(self.old_of[~active & (self.old_of >= 0)], minlength=n_groups)
        self.quiet = self.quiet.tolist()
        self.release_quiet = release_quiet
        self.quiet_members: dict[int, list[int]] = defaultdict(list)
        if release_quiet:
            for i in np.flatnonzero(~active & (self.old_of >= 0)).tolist():
                self.quiet_members[int(self.old_of[i])].append(i)
            if quiet_days is not None:
                # seats are released from the end of the list: the longest quiet go first
                for members in self.quiet_members.values():
                    members.sort(key=lambda i: (int(quiet_days[i]), -i))
        self.released: list[int] = []
        self.members: dict[int, list[int]] = defaultdict(list)
        for i in np.flatnonzero(active & (self.old_of >= 0)).tolist():
            self.members[int(self.old_of[i])].append(i)
        self.language = table.language
        self.lang: dict[int, int] = {g: int(self.language[m[0]]) for g, m in self.members.items()}
        self.window = rules.window
        self.orphans: list[Unit] = []  # active units without a group, still to be placed
        self._bits: dict[int, int] = {}

    # -- reading ---------------------------------------------------------------------------
    def bits(self, i: int) -> int:
        value = self._bits.get(i)
        if value is None:
            value = self._bits[i] = bits_of(self.table.bits[i])
        return value

    def room(self, g: int) -> int:
        """Seats left in group g (active and quiet members both take one; a quiet member's seat
        counts as free when quiet members may give theirs up)."""
        if self.release_quiet:
            return self.rules.max_size - self.size[g]
        return self.rules.max_size - self.size[g] - self.quiet[g]

    def floor(self, g: int) -> int:
        """The fewest active members group g may be left with when it gives learners away:
        `thin` for an old group, the run's smallest size for one this repair formed."""
        return self.thin if g < self.n_old else max(self.thin, self.rules.min_size)

    def releases(self, g: int, k: int) -> bool:
        """Whether seating k more in group g would make quiet members give up their seats."""
        return self.size[g] + self.quiet[g] + k > self.rules.max_size

    def can_make(self, unit: Unit, hour: int) -> bool:
        return all((self.bits(i) >> hour) & 1 for i in unit)

    def common(self, unit: Unit) -> int:
        value = (1 << 168) - 1
        for i in unit:
            value &= self.bits(i)
        return value

    def old_hour(self, unit: Unit) -> int:
        g = int(self.old_of[unit[0]])
        return self.old_hours[g] if g >= 0 else -1

    def units_of(self, g: int) -> list[Unit]:
        """The group's active members as units: colleague blocks together, others alone."""
        blocks: dict[tuple, Unit] = defaultdict(list)
        table = self.table
        for i in self.members.get(g, []):
            org = int(table.organisation[i])
            key = ("block", org) if table.with_colleagues[i] and org >= 0 else ("single", i)
            blocks[key].append(i)
        return sorted(blocks.values(), key=lambda u: (-len(u), u[0]))

    def singles_of(self, g: int) -> list[int]:
        return [u[0] for u in self.units_of(g) if len(u) == 1]

    def is_thin(self, g: int) -> bool:
        return 0 < self.size[g] < self.thin

    # -- changing --------------------------------------------------------------------------
    def move(self, unit: Unit, to: int) -> None:
        for i in unit:
            source = int(self.of[i])
            if source >= 0:
                self.members[source].remove(i)
                self.size[source] -= 1
            self.of[i] = to
            if to >= 0:
                self.members[to].append(i)
                self.size[to] += 1
                if self.size[to] + self.quiet[to] > self.rules.max_size:
                    # a quiet member gives up their seat to the active learner
                    gone = self.quiet_members[to].pop()
                    self.of[gone] = -1
                    self.quiet[to] -= 1
                    self.released.append(gone)

    def orphan(self, unit: Unit) -> None:
        self.move(unit, -1)
        self.orphans.append(unit)

    def close(self, g: int) -> None:
        for unit in self.units_of(g):
            self.orphan(unit)

    def new_group(self, hour: int, lang: int, units: list[Unit]) -> int:
        g = len(self.hours)
        self.hours.append(hour)
        self.size.append(0)
        self.quiet.append(0)
        self.lang[g] = lang
        for unit in units:
            self.move(unit, g)
        return g

    def waiting_units(self, active: np.ndarray) -> list[Unit]:
        """Active learners without a group (left waiting by an earlier repair), as units."""
        blocks: dict[tuple, Unit] = defaultdict(list)
        table = self.table
        for i in np.flatnonzero(active & (self.old_of < 0)).tolist():
            org = int(table.organisation[i])
            block = table.with_colleagues[i] and org >= 0
            key = ("block", org, int(self.language[i])) if block else ("single", i)
            blocks[key].append(i)
        return list(blocks.values())

    def slots(self) -> dict[tuple[int, int], list[int]]:
        """Groups with active members by (language, hour)."""
        by_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
        for g in sorted(self.members):
            if self.size[g] > 0:
                by_slot[(self.lang[g], self.hours[g])].append(g)
        return by_slot

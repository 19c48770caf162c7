"""Which facilitator visits which group meeting.

PURE: no Django import, no clock.

The weeks of a run are cut into blocks of `every_weeks` weeks (weeks 1–4, 5–8, … for a visit
"about once a month"); each group should get one visit in each block. A facilitator can visit
a meeting when every hour it touches is one of their available UTC hours of the week, when they
have fewer than `capacity_per_week` visits in that week, and when they have no other visit that
overlaps it in time.

The assignment is greedy and deterministic. Blocks are filled in order; within a block, the
groups with the fewest possible (meeting, facilitator) choices go first, so that constrained
groups are not crowded out by flexible ones. Each group takes the choice that keeps loads even:

1. the facilitator with the fewest visits so far (spread across facilitators),
2. then the week of the block with the fewest visits so far (spread across weeks),
3. then the facilitator's fewest visits in that week, then the earliest week, then input order.

Properties (checked by Hypothesis tests): visits respect availability, weekly capacity and
clashes; a group gets at most one visit per block; visits given in `fixed` stay; the result is
maximal — every group and block left without a visit had no possible choice left; and when
facilitators are free at every hour, loads differ by at most one across facilitators and
across the weeks of each block.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class VisitSlot:
    """A meeting a facilitator might visit. `assignable` is False for meetings whose visit can
    no longer change (held already, or cancelled): they only count through `fixed`."""

    meeting_id: Hashable
    group_id: Hashable
    week: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    assignable: bool = True

    def __post_init__(self) -> None:
        if self.week < 1:
            raise ValueError("week counts from 1")
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("meeting times must be aware")
        if self.ends_at <= self.starts_at:
            raise ValueError("a meeting must end after it starts")

    def hours_of_week(self) -> frozenset[int]:
        """The UTC hours of the week (Monday 00:00 = 0) that the meeting touches."""
        return _hours_of_week(self.starts_at, self.ends_at)


@lru_cache(maxsize=4096)
def _hours_of_week(starts_at: dt.datetime, ends_at: dt.datetime) -> frozenset[int]:
    moment = starts_at.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    hours = set()
    while moment < ends_at:
        hours.add(moment.weekday() * 24 + moment.hour)
        moment += HOUR
    return frozenset(hours)


@dataclass(frozen=True)
class FacilitatorSpec:
    facilitator_id: Hashable
    capacity_per_week: int
    hours_utc: frozenset[int]

    def __post_init__(self) -> None:
        if self.capacity_per_week < 0:
            raise ValueError("capacity_per_week must not be negative")


def block_of(week: int, every_weeks: int) -> int:
    """The 0-based block of `every_weeks` weeks that `week` (from 1) falls in."""
    return (week - 1) // every_weeks


def can_attend(facilitator: FacilitatorSpec, slot: VisitSlot) -> bool:
    return slot.hours_of_week() <= facilitator.hours_utc


@lru_cache(maxsize=65536)
def _hour_indices(slot: VisitSlot) -> range:
    """The absolute hours (since the epoch) that the meeting touches."""
    first = int(slot.starts_at.timestamp() // 3600)
    last = int(-(-slot.ends_at.timestamp() // 3600))
    return range(first, last)


def _overlaps(a: VisitSlot, b: VisitSlot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


class _Loads:
    """Running counts and bookings that the choice rule and the constraints read."""

    def __init__(self, facilitators: Sequence[FacilitatorSpec]):
        self.total: dict[Hashable, int] = {f.facilitator_id: 0 for f in facilitators}
        self.per_week: dict[tuple[Hashable, int], int] = defaultdict(int)
        self.week_total: dict[int, int] = defaultdict(int)
        # bookings by (facilitator, absolute hour touched): a clash shares at least one hour
        self.booked: dict[tuple[Hashable, int], list[VisitSlot]] = defaultdict(list)
        self.visited: set[tuple[Hashable, int]] = set()

    def add(self, facilitator_id: Hashable, slot: VisitSlot, every_weeks: int) -> None:
        self.total[facilitator_id] = self.total.get(facilitator_id, 0) + 1
        self.per_week[(facilitator_id, slot.week)] += 1
        self.week_total[slot.week] += 1
        for hour in _hour_indices(slot):
            self.booked[(facilitator_id, hour)].append(slot)
        self.visited.add((slot.group_id, block_of(slot.week, every_weeks)))

    def allows(self, facilitator: FacilitatorSpec, slot: VisitSlot) -> bool:
        if self.per_week[(facilitator.facilitator_id, slot.week)] >= facilitator.capacity_per_week:
            return False
        fid = facilitator.facilitator_id
        return not any(
            _overlaps(slot, other)
            for hour in _hour_indices(slot)
            for other in self.booked.get((fid, hour), ())
        )


def visit_options(
    slots: Iterable[VisitSlot],
    facilitators: Sequence[FacilitatorSpec],
    loads: _Loads,
) -> list[tuple[VisitSlot, FacilitatorSpec]]:
    return [
        (slot, facilitator)
        for slot in slots
        if slot.assignable
        for facilitator in facilitators
        if can_attend(facilitator, slot) and loads.allows(facilitator, slot)
    ]


def assign_visits(
    slots: Sequence[VisitSlot],
    facilitators: Sequence[FacilitatorSpec],
    *,
    every_weeks: int,
    fixed: Mapping[Hashable, Hashable] | None = None,
) -> dict[Hashable, Hashable]:
    """Meeting id → facilitator id for every visit, the `fixed` ones included.

    `fixed` maps meeting ids to the facilitator already visiting them (held meetings, visits
    kept on reassignment); they count towards loads and capacity but are never checked
    against availability, since they are facts. Facilitator ids must be unique.
    """
    if every_weeks < 1:
        raise ValueError("every_weeks must be at least 1")
    ids = [f.facilitator_id for f in facilitators]
    if len(set(ids)) != len(ids):
        raise ValueError("facilitator ids must not repeat")
    fixed = dict(fixed or {})
    by_id = {slot.meeting_id: slot for slot in slots}
    if len(by_id) != len(slots):
        raise ValueError("meeting ids must not repeat")
    unknown = set(fixed) - set(by_id)
    if unknown:
        raise ValueError(f"fixed visits name meetings not given: {sorted(map(str, unknown))}")

    loads = _Loads(facilitators)
    for meeting_id, facilitator_id in fixed.items():
        loads.add(facilitator_id, by_id[meeting_id], every_weeks)
    order = {facilitator_id: position for position, facilitator_id in enumerate(ids)}
    by_spec = {f.facilitator_id: f for f in facilitators}
    slot_order = {slot.meeting_id: position for position, slot in enumerate(slots)}

    demands: dict[int, dict[Hashable, list[VisitSlot]]] = defaultdict(lambda: defaultdict(list))
    for slot in slots:
        if slot.assignable and slot.meeting_id not in fixed:
            demands[block_of(slot.week, every_weeks)][slot.group_id].append(slot)

    assignment = dict(fixed)
    for block in sorted(demands):
        waiting = {
            group_id: group_slots
            for group_id, group_slots in demands[block].items()
            if (group_id, block) not in loads.visited
        }
        # each group's choices by facilitator, so that a new visit only re-checks the choices
        # it can affect; a heap (stale entries skipped) finds the most constrained group
        options: dict[Hashable, dict[Hashable, list[VisitSlot]]] = {}
        groups_with: dict[Hashable, set] = defaultdict(set)
        for group_id, group_slots in waiting.items():
            by_facilitator: dict[Hashable, list[VisitSlot]] = defaultdict(list)
            for slot, facilitator in visit_options(group_slots, facilitators, loads):
                by_facilitator[facilitator.facilitator_id].append(slot)
                groups_with[facilitator.facilitator_id].add(group_id)
            options[group_id] = by_facilitator
        size = {g: sum(map(len, choices.values())) for g, choices in options.items()}
        rank = {group_id: position for position, group_id in enumerate(options)}
        first = {g: _first_slot(waiting[g]) for g in options}
        heap = [(size[g], first[g], rank[g], g) for g in options]
        heapq.heapify(heap)
        while heap:
            count, _first, _rank, group_id = heapq.heappop(heap)
            if group_id not in options or count != size[group_id]:
                continue  # done already, or a stale entry
            choices = options.pop(group_id)
            if count == 0:  # no choice left for this group in this block
                continue
            slot, chosen = min(
                ((s, fid) for fid, fslots in choices.items() for s in fslots),
                key=lambda choice: (
                    loads.total[choice[1]],
                    loads.week_total[choice[0].week],
                    loads.per_week[(choice[1], choice[0].week)],
                    choice[0].week,
                    order[choice[1]],
                    slot_order[choice[0].meeting_id],
                ),
            )
            assignment[slot.meeting_id] = chosen
            loads.add(chosen, slot, every_weeks)
            # only the chosen facilitator's bookings changed: drop their choices that no
            # longer fit (weekly capacity reached, or a clash with the new visit)
            spec = by_spec[chosen]
            for other in list(groups_with[chosen]):
                other_choices = options.get(other)
                if other_choices is None:
                    groups_with[chosen].discard(other)
                    continue
                before = other_choices.get(chosen, [])
                # every choice fitted before this visit: only its week's capacity and a clash
                # with it can have changed that
                full = loads.per_week[(chosen, slot.week)] >= spec.capacity_per_week
                kept = [
                    s for s in before if not ((full and s.week == slot.week) or _overlaps(s, slot))
                ]
                if len(kept) != len(before):
                    other_choices[chosen] = kept
                    size[other] -= len(before) - len(kept)
                    heapq.heappush(heap, (size[other], first[other], rank[other], other))
                if not kept:
                    groups_with[chosen].discard(other)
    return assignment


def _first_slot(group_slots: Sequence[VisitSlot]) -> tuple:
    first = min(group_slots, key=lambda slot: (slot.week, slot.starts_at))
    return (first.week, first.starts_at)

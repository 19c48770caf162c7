"""Facilitator visits (pure): availability, capacity, clashes, even spread; properties."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerpath.meetings.facilitation import (
    FacilitatorSpec,
    VisitSlot,
    assign_visits,
    block_of,
    can_attend,
)

MONDAY = dt.datetime(2026, 10, 12, tzinfo=dt.UTC)  # a Monday, 00:00 UTC
ALL_HOURS = frozenset(range(168))


def slot(meeting_id, group_id, week, hour, *, minutes=60, assignable=True):
    starts = MONDAY + dt.timedelta(weeks=week - 1, hours=hour)
    return VisitSlot(
        meeting_id=meeting_id,
        group_id=group_id,
        week=week,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=minutes),
        assignable=assignable,
    )


def series(group_id, hour, weeks, *, first_id=None):
    first_id = first_id if first_id is not None else group_id * 100
    return [slot(first_id + w, group_id, w, hour) for w in range(1, weeks + 1)]


def check_hard_rules(slots, facilitators, assignment, every_weeks, fixed=None):
    """What must hold of any assignment; returns nothing, asserts."""
    by_meeting = {s.meeting_id: s for s in slots}
    by_facilitator = {f.facilitator_id: f for f in facilitators}
    fixed = fixed or {}
    for meeting_id, facilitator_id in fixed.items():
        assert assignment[meeting_id] == facilitator_id
    per_week = Counter()
    per_group_block = Counter()
    booked = defaultdict(list)
    for meeting_id, facilitator_id in assignment.items():
        s = by_meeting[meeting_id]
        per_week[(facilitator_id, s.week)] += 1
        per_group_block[(s.group_id, block_of(s.week, every_weeks))] += 1
        booked[facilitator_id].append(s)
        if meeting_id not in fixed:
            assert s.assignable
            assert can_attend(by_facilitator[facilitator_id], s)
    for (facilitator_id, _week), count in per_week.items():
        if facilitator_id in by_facilitator:
            assert count <= by_facilitator[facilitator_id].capacity_per_week
    assert all(count == 1 for count in per_group_block.values())
    for visits in booked.values():
        visits.sort(key=lambda s: s.starts_at)
        for earlier, later in zip(visits, visits[1:], strict=False):
            assert earlier.ends_at <= later.starts_at, "a facilitator is booked twice at once"


# --- plain tests -----------------------------------------------------------------------------


def test_each_group_gets_one_visit_a_month_spread_over_facilitators_and_weeks():
    slots = [s for g in range(1, 9) for s in series(g, hour=17 + g, weeks=8)]
    facilitators = [FacilitatorSpec(name, 10, ALL_HOURS) for name in ("ann", "bo")]

    assignment = assign_visits(slots, facilitators, every_weeks=4)

    check_hard_rules(slots, facilitators, assignment, 4)
    by_meeting = {s.meeting_id: s for s in slots}
    visits_by_group = Counter(by_meeting[m].group_id for m in assignment)
    assert visits_by_group == dict.fromkeys(range(1, 9), 2)
    assert Counter(assignment.values()) == {"ann": 8, "bo": 8}
    weeks = Counter(by_meeting[m].week for m in assignment)
    assert weeks == dict.fromkeys(range(1, 9), 2)  # 8 visits per block over its 4 weeks


def test_a_facilitator_only_visits_meetings_at_hours_they_can_make():
    evening = frozenset(range(17, 21))  # Monday 17:00-21:00 UTC
    slots = series(1, hour=18, weeks=4) + series(2, hour=9, weeks=4)
    facilitators = [FacilitatorSpec("eve", 5, evening)]

    assignment = assign_visits(slots, facilitators, every_weeks=4)

    assert list(assignment.values()) == ["eve"]
    assert {s.group_id for s in slots if s.meeting_id in assignment} == {1}


def test_a_meeting_running_past_the_available_hours_is_not_visited():
    facilitators = [FacilitatorSpec("eve", 5, frozenset({18}))]
    slots = [slot(1, 1, 1, 18, minutes=90)]

    assert assign_visits(slots, facilitators, every_weeks=4) == {}


def test_weekly_capacity_pushes_visits_into_other_weeks():
    slots = [s for g in range(1, 5) for s in series(g, hour=10 + g, weeks=4)]
    facilitators = [FacilitatorSpec("solo", 1, ALL_HOURS)]

    assignment = assign_visits(slots, facilitators, every_weeks=4)

    by_meeting = {s.meeting_id: s for s in slots}
    assert sorted(by_meeting[m].week for m in assignment) == [1, 2, 3, 4]
    assert len({by_meeting[m].group_id for m in assignment}) == 4


def test_a_facilitator_is_never_in_two_meetings_at_once():
    slots = [slot(1, 1, 1, 18), slot(2, 2, 1, 18)]  # both groups meet at the same time
    facilitators = [FacilitatorSpec("solo", 5, ALL_HOURS)]

    assignment = assign_visits(slots, facilitators, every_weeks=1)

    assert len(assignment) == 1


def test_the_most_constrained_group_is_served_first():
    # group 1 can only be visited in week 1; group 2 in any week; capacity 1 a week
    slots = [slot(10, 1, 1, 18)] + series(2, hour=19, weeks=2)
    facilitators = [FacilitatorSpec("solo", 1, ALL_HOURS)]

    assignment = assign_visits(slots, facilitators, every_weeks=2)

    assert assignment == {10: "solo", 202: "solo"}


def test_fixed_visits_stay_and_count_towards_the_load():
    slots = [s for g in (1, 2) for s in series(g, hour=17 + g, weeks=4)]
    facilitators = [FacilitatorSpec("ann", 5, ALL_HOURS), FacilitatorSpec("bo", 5, ALL_HOURS)]

    assignment = assign_visits(slots, facilitators, every_weeks=4, fixed={101: "ann"})

    assert assignment[101] == "ann"
    assert [f for m, f in assignment.items() if m != 101] == ["bo"]


def test_reassignment_after_a_facilitator_leaves_fills_only_their_visits():
    slots = [s for g in range(1, 5) for s in series(g, hour=10 + g, weeks=4)]
    team = [FacilitatorSpec(n, 5, ALL_HOURS) for n in ("ann", "bo", "cy")]
    before = assign_visits(slots, team, every_weeks=4)
    kept = {m: f for m, f in before.items() if f != "bo"}

    after = assign_visits(slots, [team[0], team[2]], every_weeks=4, fixed=kept)

    assert {m: f for m, f in after.items() if m in kept} == kept
    assert "bo" not in after.values()
    assert len(after) == len(before) == 4


def test_meetings_that_are_not_assignable_get_no_new_visit():
    slots = [slot(1, 1, 1, 18, assignable=False), slot(2, 1, 2, 18)]
    facilitators = [FacilitatorSpec("ann", 5, ALL_HOURS)]

    assert assign_visits(slots, facilitators, every_weeks=4) == {2: "ann"}


def test_bad_input_is_refused():
    facilitators = [FacilitatorSpec("ann", 1, ALL_HOURS)]
    with pytest.raises(ValueError, match="every_weeks"):
        assign_visits([], facilitators, every_weeks=0)
    with pytest.raises(ValueError, match="repeat"):
        assign_visits([], facilitators * 2, every_weeks=1)
    with pytest.raises(ValueError, match="not given"):
        assign_visits([], facilitators, every_weeks=1, fixed={5: "ann"})
    with pytest.raises(ValueError, match="aware"):
        VisitSlot(1, 1, 1, dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 1, 1))


# --- properties ------------------------------------------------------------------------------


@st.composite
def pools(draw):
    weeks = draw(st.integers(1, 9))
    every = draw(st.integers(1, 5))
    groups = draw(st.integers(0, 8))
    slots = []
    for group in range(groups):
        hour = draw(st.integers(0, 167))
        minutes = draw(st.sampled_from([60, 90]))
        for week in range(1, weeks + 1):
            if draw(st.booleans()) or week == 1:
                slots.append(
                    slot(
                        group * 100 + week,
                        group,
                        week,
                        hour,
                        minutes=minutes,
                        assignable=draw(st.integers(0, 5)) > 0,
                    )
                )
    facilitators = [
        FacilitatorSpec(
            f"f{index}",
            draw(st.integers(0, 3)),
            frozenset(draw(st.sets(st.integers(0, 167), max_size=168))),
        )
        for index in range(draw(st.integers(0, 4)))
    ]
    return slots, facilitators, every


@given(pools())
def test_visits_respect_availability_capacity_clashes_and_one_per_block(case):
    slots, facilitators, every = case

    assignment = assign_visits(slots, facilitators, every_weeks=every)

    check_hard_rules(slots, facilitators, assignment, every)


@given(pools())
def test_the_assignment_is_maximal_no_unvisited_group_had_a_choice_left(case):
    slots, facilitators, every = case
    assignment = assign_visits(slots, facilitators, every_weeks=every)

    by_meeting = {s.meeting_id: s for s in slots}
    visited = {(by_meeting[m].group_id, block_of(by_meeting[m].week, every)) for m in assignment}
    per_week = Counter((f, by_meeting[m].week) for m, f in assignment.items())
    for s in slots:
        if not s.assignable or (s.group_id, block_of(s.week, every)) in visited:
            continue
        for f in facilitators:
            fits = (
                can_attend(f, s)
                and per_week[(f.facilitator_id, s.week)] < f.capacity_per_week
                and not any(
                    other.starts_at < s.ends_at and s.starts_at < other.ends_at
                    for m, fid in assignment.items()
                    if fid == f.facilitator_id
                    for other in [by_meeting[m]]
                )
            )
            assert not fits, f"group {s.group_id} could have had {f.facilitator_id} at {s}"


@given(pools(), st.data())
def test_fixed_visits_are_kept(case, data):
    slots, facilitators, every = case
    if not facilitators or not slots:
        return
    fixed = {
        s.meeting_id: data.draw(st.sampled_from(facilitators)).facilitator_id
        for s in data.draw(st.lists(st.sampled_from(slots), max_size=3, unique=True))
    }

    assignment = assign_visits(slots, facilitators, every_weeks=every, fixed=fixed)

    assert {m: assignment[m] for m in fixed} == fixed


@given(
    groups=st.integers(1, 12),
    facilitators=st.integers(1, 5),
    weeks=st.integers(1, 9),
    every=st.integers(1, 4),
)
def test_free_facilitators_share_visits_evenly_across_people_and_weeks(
    groups, facilitators, weeks, every
):
    # every group at its own hour (no clashes), facilitators free at all hours, no capacity limit
    slots = [s for g in range(groups) for s in series(g, hour=g, weeks=weeks)]
    team = [FacilitatorSpec(f"f{i}", 1000, ALL_HOURS) for i in range(facilitators)]

    assignment = assign_visits(slots, team, every_weeks=every)

    by_meeting = {s.meeting_id: s for s in slots}
    blocks = -(-weeks // every)
    assert len(assignment) == groups * blocks  # every group, every block
    loads = Counter(assignment.values())
    counts = [loads.get(f.facilitator_id, 0) for f in team]
    assert max(counts) - min(counts) <= 1
    for block in range(blocks):
        block_weeks = [w for w in range(1, weeks + 1) if block_of(w, every) == block]
        per_week = Counter(
            by_meeting[m].week for m in assignment if block_of(by_meeting[m].week, every) == block
        )
        week_counts = [per_week.get(w, 0) for w in block_weeks]
        assert max(week_counts) - min(week_counts) <= 1


@given(pools())
def test_the_assignment_is_deterministic(case):
    slots, facilitators, every = case

    assert assign_visits(slots, facilitators, every_weeks=every) == assign_visits(
        list(slots), list(facilitators), every_weeks=every
    )

"""Weekly repair keeps the hard rules: seats (active and quiet members together) within
max_size, new groups within [min_size, max_size], a common hour, one language, each learner in
one place; checked on hand-made cases and, with Hypothesis, on any groups and activity."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from peerpath.grouping.solver import Learner, LearnerTable, Rules
from peerpath.grouping.solver.repair import repair

EVENING, MORNING, LUNCH, SHARED = 18, 7, 12, 92


def case(groups: list[tuple[int, int, int, list[int]]]):
    """Groups as (hour, active, quiet, extra hours every member can also make), in order."""
    learners, group_of, hours, active = [], [], [], []
    for g, (hour, n_active, n_quiet, extra) in enumerate(groups):
        hours.append(hour)
        for k in range(n_active + n_quiet):
            learners.append(Learner(f"g{g}m{k}", "en", frozenset([hour, *extra])))
            group_of.append(g)
            active.append(k < n_active)
    table = LearnerTable.from_learners(learners)
    return table, np.asarray(group_of), np.asarray(hours), np.asarray(active)


def check(table, rules, group_of, hours, active, result, thin=4):
    """The hard rules after a repair; returns the active sizes of the groups."""
    n_old = len(hours)
    new_of, new_hour = result.group_of, result.group_hour
    on = np.flatnonzero(active & (new_of >= 0))
    sizes = np.bincount(new_of[on], minlength=len(new_hour))
    seats = np.bincount(new_of[new_of >= 0], minlength=len(new_hour))
    # a group that took anybody in stays within max_size seats, active and quiet together
    before = np.bincount(group_of[group_of >= 0], minlength=len(new_hour))
    assert ((seats <= rules.max_size) | (seats <= before)).all(), seats
    assert not ((sizes > 0) & (sizes < thin)).any(), sizes
    new = sizes[n_old:]
    assert ((new >= rules.min_size) & (new <= rules.max_size)).all(), new
    assert (seats[n_old:] == new).all()  # nobody quiet is put into a new group
    for i in on.tolist():
        hour = int(new_hour[new_of[i]])
        assert hour in rules.window
        assert (int(table.bits[i, hour >> 6]) >> (hour & 63)) & 1, (i, hour)
    for g in np.unique(new_of[on]).tolist():
        assert len(set(table.language[on[new_of[on] == g]].tolist())) == 1
    quiet = ~active
    released = quiet & (group_of >= 0) & (new_of != group_of)
    assert (new_of[released] == -1).all()
    assert int(released.sum()) == result.released
    # the disruption figures, counted again from the arrays
    had = np.flatnonzero(active & (group_of >= 0))
    still = new_of[had] >= 0
    assert result.moved == int((new_of[had] != group_of[had]).sum())
    assert result.left_waiting == int((~still).sum())
    assert result.time_changed == int(
        (new_hour[new_of[had][still]] != np.asarray(hours)[group_of[had][still]]).sum()
    )
    return sizes


def test_a_group_full_of_quiet_members_takes_nobody_in():
    # group 1 holds 4 active + 6 quiet = 10 seats: the thin group 2 must not be put into it
    table, group_of, hours, active = case(
        [(EVENING, 3, 5, []), (EVENING, 4, 6, []), (EVENING, 2, 8, [])]
    )
    rules = Rules()
    result = repair(table, rules, group_of, hours, active)
    check(table, rules, group_of, hours, active, result)
    assert (result.group_of[(group_of == 2) & active] == 0).all()  # into the group with seats
    assert np.bincount(result.group_of[result.group_of >= 0]).tolist() == [10, 10, 8]
    assert result.moved == 2 and result.time_changed == 0


def test_with_release_a_quiet_member_gives_up_a_seat_and_is_counted():
    table, group_of, hours, active = case([(EVENING, 4, 6, []), (EVENING, 2, 8, [])])
    rules = Rules()
    strict = repair(table, rules, group_of, hours, active)
    check(table, rules, group_of, hours, active, strict)
    assert strict.waiting == 2 and strict.released == 0  # no seat anywhere at that hour
    released = repair(table, rules, group_of, hours, active, release_quiet=True)
    check(table, rules, group_of, hours, active, released)
    assert released.waiting == 0 and released.released == 2 and released.time_changed == 0
    assert np.bincount(released.group_of[released.group_of >= 0]).tolist() == [10, 8]


def test_new_groups_have_at_least_the_runs_min_size():
    # thin groups at three hours; their active members also share SHARED
    groups = [(EVENING, 2, 6, [SHARED]), (MORNING, 2, 6, [SHARED]), (LUNCH, 2, 6, [SHARED])]
    table, group_of, hours, active = case(groups)
    rules = Rules()  # min 6
    result = repair(table, rules, group_of, hours, active)
    check(table, rules, group_of, hours, active, result)
    assert result.group_hour.tolist()[3:] == [SHARED]
    assert (result.group_of[active] == 3).all() and result.waiting == 0

    table, group_of, hours, active = case(groups[:2])  # 4 learners: too few for a group of 6
    result = repair(table, rules, group_of, hours, active)
    check(table, rules, group_of, hours, active, result)
    assert len(result.group_hour) == 2 and result.waiting == 4
    small = Rules(min_size=4, max_size=10, target_size=6)
    result = repair(table, small, group_of, hours, active)
    check(table, small, group_of, hours, active, result)
    assert result.group_hour.tolist()[2:] == [SHARED] and result.waiting == 0


HOURS = st.frozensets(st.sampled_from([7, 12, 18, 19, 92]), min_size=1, max_size=4)


@st.composite
def repair_cases(draw):
    """Any groups of 1..10 members meeting at an hour all of them can make, and any activity."""
    learners, group_of, hours, active = [], [], [], []
    for g in range(draw(st.integers(1, 14))):
        hour = draw(st.sampled_from([7, 12, 18, 19, 92]))
        language = draw(st.sampled_from(["en", "en", "fr"]))
        hours.append(hour)
        for k in range(draw(st.integers(1, 10))):
            org = draw(st.sampled_from([None, "a", "b"]))
            learners.append(
                Learner(
                    f"g{g}m{k}",
                    language,
                    draw(HOURS) | {hour},
                    organisation=org,
                    mode=draw(st.sampled_from(["individual", "with_colleagues"])),
                )
            )
            group_of.append(g)
            active.append(draw(st.booleans()))
    waiting = draw(st.lists(st.integers(0, len(learners) - 1), max_size=4, unique=True))
    group_of = np.asarray(group_of)
    active = np.asarray(active)
    group_of[waiting] = -1  # left waiting by an earlier repair
    active[waiting] = True
    min_size = draw(st.integers(2, 6))
    max_size = draw(st.integers(max(min_size, 4), 10))
    rules = Rules(min_size=min_size, max_size=max_size, target_size=max_size)
    return LearnerTable.from_learners(learners), rules, group_of, np.asarray(hours), active


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    repair_cases(),
    st.booleans(),
    st.integers(2, 4),
    st.sampled_from([None, 0, 1, 7]),
    st.sampled_from([0.0, 0.12, 1.0]),
)
def test_any_repair_keeps_the_hard_rules(data, release, thin, weeks_left, ahead):
    table, rules, group_of, hours, active = data
    thin = min(thin, rules.min_size)
    options = {
        "thin": thin,
        "release_quiet": release,
        "weeks_left": weeks_left,
        "merge_ahead_share": ahead,
    }
    result = repair(table, rules, group_of, hours, active, **options)
    check(table, rules, group_of, hours, active, result, thin=thin)
    # inactive learners stay where they were unless they gave up a seat
    quiet = ~active & (group_of >= 0)
    stayed = result.group_of[quiet] == group_of[quiet]
    assert release or stayed.all()
    # the figures agree with the arrays
    on = np.flatnonzero(active & (group_of >= 0))
    assert result.moved == int((result.group_of[on] != group_of[on]).sum())
    assert result.waiting == int((active & (result.group_of < 0)).sum())
    again = repair(table, rules, group_of, hours, active, **options)
    assert (again.group_of == result.group_of).all()
    if result.merged_ahead:  # only within the week's budget, and never at the last repair
        assert weeks_left != 0 and result.moved <= int(ahead * len(on)), result


def test_a_group_at_the_thin_line_is_merged_ahead_into_free_seats_at_its_own_hour():
    # evening groups of 4, 5 and 5 active (the 4 will likely thin next week), a morning ten
    groups = [(EVENING, 4, 1, []), (EVENING, 5, 0, []), (EVENING, 5, 1, []), (MORNING, 10, 0, [])]
    rules = Rules()
    table, group_of, hours, active = case(groups)
    result = repair(table, rules, group_of, hours, active, merge_ahead_share=0.2)
    sizes = check(table, rules, group_of, hours, active, result)
    assert result.merged_ahead == 1 and sizes.tolist() == [0, 7, 7, 10]
    assert result.moved == 4 and result.time_changed == 0 and result.left_waiting == 0
    assert result.thin_after == 0 and result.released == 0
    assert (result.group_of[~active] == group_of[~active]).all()  # the quiet member stays
    # nothing merged: without a budget, with too small a one (4 moves > 16% of 24), at the
    # run's last repair
    for options in ({}, {"merge_ahead_share": 0.16}, {"merge_ahead_share": 1, "weeks_left": 0}):
        result = repair(table, rules, group_of, hours, active, **options)
        check(table, rules, group_of, hours, active, result)
        assert result.merged_ahead == 0 and result.moved == 0, options


def colleague_case(quiet_1: int, quiet_2: int):
    """An evening group of 4 active (a block of 3 colleagues and a single) and two evening
    groups of 7 active (too many to be merged ahead themselves) with `quiet_1` and `quiet_2`
    quiet members."""
    learners, group_of, active = [], [], []
    for k in range(4):
        block = k < 3
        learners.append(
            Learner(
                f"a{k}",
                "en",
                frozenset([EVENING]),
                organisation="school" if block else None,
                mode="with_colleagues" if block else "individual",
            )
        )
        group_of.append(0)
        active.append(True)
    for g, n_quiet in ((1, quiet_1), (2, quiet_2)):
        for k in range(7 + n_quiet):
            learners.append(Learner(f"g{g}m{k}", "en", frozenset([EVENING])))
            group_of.append(g)
            active.append(k < 7)
    hours = np.asarray([EVENING, EVENING, EVENING])
    return LearnerTable.from_learners(learners), np.asarray(group_of), hours, np.asarray(active)


def test_merging_ahead_takes_free_seats_only_and_keeps_colleagues_together():
    # 2 and 3 free seats: the block of 3 goes whole into the 3, the single into the 2, and no
    # quiet member gives up a seat (even though quiet members may give theirs up this week)
    rules = Rules()
    table, group_of, hours, active = colleague_case(1, 0)
    options = {"release_quiet": True, "merge_ahead_share": 0.5}
    result = repair(table, rules, group_of, hours, active, **options)
    check(table, rules, group_of, hours, active, result)
    assert result.merged_ahead == 1 and result.released == 0 and result.moved == 4
    assert result.group_of[:3].tolist() == [2, 2, 2] and result.group_of[3] == 1
    # 2 and 2 free seats: the block fits nowhere whole, so nothing is merged
    table, group_of, hours, active = colleague_case(1, 1)
    result = repair(table, rules, group_of, hours, active, **options)
    check(table, rules, group_of, hours, active, result)
    assert result.merged_ahead == 0 and result.moved == 0 and result.released == 0


def test_inconsistent_input_is_refused_naming_the_argument():
    table, group_of, hours, active = case([(EVENING, 3, 5, [])])
    with pytest.raises(ValueError, match="group_of: 7 entries for 8 learners"):
        repair(table, Rules(), group_of[:7], hours, active)
    with pytest.raises(ValueError, match="active: 7 entries"):
        repair(table, Rules(), group_of, hours, active[:7])
    with pytest.raises(ValueError, match="group_of: group numbers must lie in -1..0"):
        repair(table, Rules(), group_of + 1, hours, active)
    with pytest.raises(ValueError, match="group_hour: hours must lie in 0..167"):
        repair(table, Rules(), group_of, hours + 200, active)
    with pytest.raises(ValueError, match="thin: 0 out of range"):
        repair(table, Rules(), group_of, hours, active, thin=0)
    with pytest.raises(ValueError, match=r"merge_ahead_share: 1.5 out of range 0..1"):
        repair(table, Rules(), group_of, hours, active, merge_ahead_share=1.5)


def test_a_group_the_repair_forms_gives_nobody_away_below_the_runs_min_size():
    # the six active members of the two full evening groups form a new evening group of six;
    # the thin morning group may not take one of them (the new group would have five)
    table, group_of, hours, active = case(
        [(EVENING, 3, 7, [MORNING]), (EVENING, 3, 7, [MORNING]), (MORNING, 3, 0, [])]
    )
    rules = Rules()
    result = repair(table, rules, group_of, hours, active)
    sizes = check(table, rules, group_of, hours, active, result)
    assert result.group_hour.tolist()[3:] == [EVENING] and sizes[3] == 6
    # the evening six form the new group; the morning three wait: moved out of their group,
    # but with no new meeting time
    assert result.moved == 9 and result.left_waiting == 3 and result.waiting == 3
    assert result.time_changed == 0


def test_across_hours_one_move_settles_two_thin_groups():
    # a lone learner at lunch who can make the evening completes the evening three: one move,
    # one time change, rather than closing both groups
    table, group_of, hours, active = case(
        [(EVENING, 3, 5, []), (LUNCH, 1, 7, [EVENING]), (MORNING, 6, 0, [])]
    )
    rules = Rules()
    result = repair(table, rules, group_of, hours, active)
    sizes = check(table, rules, group_of, hours, active, result)
    assert sizes.tolist() == [4, 0, 6]
    assert result.moved == 1 and result.time_changed == 1 and result.waiting == 0


def test_a_learner_waiting_since_an_earlier_week_completes_a_thin_group_at_no_cost():
    table, group_of, hours, active = case([(EVENING, 3, 5, []), (EVENING, 0, 1, [])])
    group_of[-1] = -1  # left waiting by an earlier repair, active again
    active[-1] = True
    rules = Rules()
    result = repair(table, rules, group_of, hours, active)
    check(table, rules, group_of, hours, active, result)
    assert result.group_of[-1] == 0 and result.moved == 0 and result.time_changed == 0


def test_at_the_runs_last_repair_thin_groups_are_topped_up_rather_than_merged():
    # two evening groups of three and one of six: while weeks follow, the two threes become one
    # group of six (three moves: two groups kept at four would likely thin again next week);
    # at the last repair nothing follows, so two learners of the six complete the threes
    groups = [(EVENING, 3, 0, []), (EVENING, 3, 0, []), (EVENING, 6, 0, [])]
    rules = Rules()
    for weeks_left, moved, sizes_after in (
        (None, 3, [6, 0, 6]),
        (2, 3, [6, 0, 6]),
        (0, 2, [4, 4, 4]),
    ):
        table, group_of, hours, active = case(groups)
        result = repair(table, rules, group_of, hours, active, weeks_left=weeks_left)
        sizes = check(table, rules, group_of, hours, active, result)
        assert result.moved == moved and result.time_changed == 0, weeks_left
        assert sorted(sizes.tolist()) == sorted(sizes_after), weeks_left


def test_a_negative_number_of_weeks_left_is_refused_by_name():
    table, group_of, hours, active = case([(EVENING, 3, 0, [])])
    with pytest.raises(ValueError, match="weeks_left: -1 is negative"):
        repair(table, Rules(), group_of, hours, active, weeks_left=-1)

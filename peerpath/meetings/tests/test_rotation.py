"""Fair rotation of the discussion leader (pure), with Hypothesis properties."""

from hypothesis import given
from hypothesis import strategies as st

from peerpath.meetings.rotation import leader_rotation


@st.composite
def groups_and_weeks(draw):
    members = draw(st.lists(st.integers(1, 10_000), min_size=0, max_size=9, unique=True))
    weeks = draw(st.integers(0, 16))
    active = [draw(st.sets(st.sampled_from(members))) if members else set() for _ in range(weeks)]
    return members, active


def test_everyone_active_gives_plain_round_robin_in_the_given_order():
    leaders = leader_rotation([30, 10, 20], [{10, 20, 30}] * 7)

    assert leaders == [30, 10, 20, 30, 10, 20, 30]


def test_an_inactive_member_is_skipped_and_takes_their_turn_when_back():
    leaders = leader_rotation(["a", "b", "c"], [{"a", "c"}, {"a", "c"}, {"a", "b", "c"}])

    assert leaders == ["a", "c", "b"]


def test_a_week_nobody_is_active_has_no_leader():
    assert leader_rotation([1, 2], [{1, 2}, set(), {1, 2}]) == [1, None, 2]


def test_pinned_weeks_count_as_led_and_the_rotation_continues_after_them():
    leaders = leader_rotation([1, 2, 3], [{1, 2, 3}] * 4, fixed={0: 2, 1: 3})

    assert leaders == [2, 3, 1, 2]


@given(groups_and_weeks())
def test_the_leader_is_an_active_member_and_there_is_one_whenever_anyone_is_active(case):
    members, active = case
    leaders = leader_rotation(members, active)

    assert len(leaders) == len(active)
    for leader, active_now in zip(leaders, active, strict=True):
        if active_now:
            assert leader in active_now
        else:
            assert leader is None


@given(groups_and_weeks())
def test_nobody_leads_again_while_an_active_member_has_led_fewer_times(case):
    members, active = case
    leaders = leader_rotation(members, active)

    led = dict.fromkeys(members, 0)
    for leader, active_now in zip(leaders, active, strict=True):
        if leader is not None:
            assert all(led[leader] <= led[other] for other in active_now)
            led[leader] += 1


@given(groups_and_weeks())
def test_no_one_leads_twice_before_every_active_member_has_led_once(case):
    members, active = case
    leaders = leader_rotation(members, active)

    has_led: set = set()
    for leader, active_now in zip(leaders, active, strict=True):
        if leader in has_led:
            assert active_now <= has_led
        if leader is not None:
            has_led.add(leader)


@given(st.lists(st.integers(), min_size=1, max_size=9, unique=True), st.integers(1, 30))
def test_with_everyone_active_counts_never_differ_by_more_than_one(members, weeks):
    leaders = leader_rotation(members, [set(members)] * weeks)

    counts = [leaders.count(member) for member in members]
    assert max(counts) - min(counts) <= 1
    for start in range(0, weeks - len(members) + 1):
        assert sorted(leaders[start : start + len(members)]) == sorted(members)


@given(groups_and_weeks())
def test_the_rotation_is_deterministic(case):
    members, active = case

    assert leader_rotation(members, active) == leader_rotation(list(members), list(active))

"""The steps of the weekly repair, in the order `repair.repair` runs them.

Each step works on a `RepairState`. Moves inside a (language, hour) slot change nobody's
meeting time, so the steps try those first; a learner who changes hour is the scarcer resource
(the repair target allows far fewer time changes than moves).
"""

from __future__ import annotations

from collections import defaultdict

from .repair_plan import RepairState, Unit

# a thin group kept by topping it up to `thin` is likely to be thin again next week and to cost
# moves again; closing it now and seating its members in the slot's bigger groups costs its
# members once. Each kept thin group counts as this many moves (measured on the repair benchmark,
# global profile, seeds 1-5, with `repair_match.KEEP_COST` 2.5: the worst week's moves fall from
# 16.3% to 15.1% and the moves over eight weeks fall on every seed; 3 closes nearly every thin
# group, 19% moved in week 1). At the run's last repair (`weeks_left` 0) no week follows, and it
# counts nothing: the week-8 moves then fall below the weeks before it (global profile, 20k,
# seeds 1-10: worst week 15.1% -> 15.0%, now week 6 or 7; 10k: 17.9% -> 15.6%)
KEEP_MOVES = 2


def settle_slots(state: RepairState) -> list[int]:
    """Within each (language, hour) slot, with no time change: decide which thin groups to
    keep and which to close so that the fewest learners move, a kept thin group counting as
    `KEEP_MOVES` moves more (it is likely to need moves again next week; not after the run's
    last weekly repair, `state.look_ahead` false). A kept group is
    topped up to `thin` by the members of closed groups, or by single learners pulled from
    groups of the slot with more than `thin` active members; the members of a closed group
    (colleague blocks together) fill kept groups first, then groups of the slot with seats;
    units without a seat in their slot become orphans. A slot with fewer than `thin` active
    learners is gathered into one group. Returns the thin groups left (kept but short, or
    gathered), for `repair_match.settle_across_exact`."""
    thin = state.thin
    keep_moves = KEEP_MOVES if state.look_ahead else 0
    needy: list[int] = []
    for _slot, slot_groups in sorted(state.slots().items()):
        thin_groups = [g for g in slot_groups if state.is_thin(g)]
        if not thin_groups:
            continue
        healthy = [g for g in slot_groups if state.size[g] >= thin]
        if sum(state.size[g] for g in slot_groups) < thin:
            # the slot cannot fill itself: gather it in one group (free: whoever moves here
            # would move anyway if the slot closes) and leave the choice to the next step
            host = max(
                thin_groups,
                key=lambda g: (
                    state.room(g) + state.size[g] >= thin,  # can reach `thin` if kept
                    state.size[g],  # fewest moves
                    state.room(g),
                    -g,
                ),
            )
            for g in thin_groups:
                for unit in state.units_of(g) if g != host else []:
                    if state.room(host) >= len(unit):
                        state.move(unit, host)
            needy.extend(g for g in thin_groups if state.size[g] > 0)
            continue
        # a group can be kept only if it has the seats to reach `thin`
        keepable = sorted(
            (g for g in thin_groups if state.room(g) >= thin - state.size[g]),
            key=lambda g: (-state.size[g], -state.room(g), g),
        )
        surplus = sum(min(state.size[g] - thin, len(state.singles_of(g))) for g in healthy)
        healthy_room = sum(max(0, state.room(g)) for g in healthy)
        best = None
        supply = sum(state.size[g] for g in thin_groups)
        deficit = kept_room = 0
        for k in range(len(keepable) + 1):
            if k:  # keep one more: it stops supplying and starts needing
                g = keepable[k - 1]
                supply -= state.size[g]
                deficit += thin - state.size[g]
                kept_room += state.room(g) - (thin - state.size[g])
            pulled = min(surplus, max(0, deficit - supply))
            across = max(0, deficit - supply - surplus) + max(
                0, supply - deficit - kept_room - healthy_room - pulled
            )
            cost = (1000 * across + max(supply, deficit) + keep_moves * k, k)  # ties: close
            if best is None or cost < best[0]:
                best = (cost, k)
        kept = keepable[: best[1]]
        kept_set = set(kept)
        closed = [g for g in thin_groups if g not in kept_set]
        pending = [u for g in closed for u in state.units_of(g)]
        pending.sort(key=lambda u: (-len(u), u[0]))
        for unit in pending:
            short = [g for g in kept if state.size[g] < thin and state.room(g) >= len(unit)]
            if short:
                target = min(short, key=lambda g: (state.size[g] - thin, g))
            else:
                roomy = [
                    g
                    for g in [*kept, *healthy]
                    if state.size[g] >= thin and state.room(g) >= len(unit)
                ]
                if not roomy:
                    state.orphan(unit)
                    continue
                # groups with a free seat first: no quiet member gives theirs up
                target = min(
                    roomy,
                    key=lambda g: (state.releases(g, len(unit)), state.size[g], -state.room(g), g),
                )
            state.move(unit, target)
        for g in kept:
            while state.size[g] < thin and state.room(g) > 0:
                donors = [d for d in healthy if state.size[d] > thin and state.singles_of(d)]
                if not donors:
                    break
                donor = max(donors, key=lambda d: (state.size[d], -d))
                state.move([state.singles_of(donor)[-1]], g)
            if state.size[g] < thin:
                needy.append(g)
    return needy


def fill_from_orphans(state: RepairState, g: int) -> None:
    """Top group g up towards `thin` with orphans of its language who can make its hour."""
    lang, hour = state.lang[g], state.hours[g]
    for unit in sorted(state.orphans, key=lambda u: (len(u), u[0])):
        if state.size[g] >= state.thin:
            return
        if (
            int(state.language[unit[0]]) == lang
            and state.room(g) >= len(unit)
            and state.can_make(unit, hour)
        ):
            state.orphans.remove(unit)
            state.move(unit, g)


def pulls_for(state: RepairState, g: int, healthy: list[int]) -> list[int] | None:
    """Single learners of other groups (each keeping at least its `floor`) who can make g's
    hour, or None when there are not enough."""
    hour = state.hours[g]
    want = state.thin - state.size[g]
    found: list[int] = []
    for d in sorted(healthy, key=lambda d: (-state.size[d], d)):
        if d == g:
            continue
        taken = 0
        for i in state.singles_of(d):
            if len(found) == want or state.size[d] - taken <= state.floor(d):
                break
            if (state.bits(i) >> hour) & 1:
                found.append(i)
                taken += 1
        if len(found) == want:
            return found
    return None


def settle_across(state: RepairState, needy: list[int]) -> None:
    """Across slots, by rule of thumb, for thin groups the exact step (`repair_match`) left
    thin (a pull it counted on could not be made, or no answer in time); each move changes a
    meeting time. Orphans first fill the groups closest to `thin`; then, smallest first, a
    still-thin group is topped up by single learners of other groups who can make its hour
    (when no more than its own members) or closed, its members becoming orphans who may fill
    the others."""
    thin = state.thin
    for g in sorted(needy, key=lambda g: (thin - state.size[g], g)):
        fill_from_orphans(state, g)
    healthy_by_lang: dict[int, list[int]] = defaultdict(list)
    for g in state.members:
        if state.size[g] > thin:
            healthy_by_lang[state.lang[g]].append(g)
    while True:
        short = sorted((g for g in needy if state.is_thin(g)), key=lambda g: (state.size[g], g))
        if not short:
            break
        g = short[0]
        want = thin - state.size[g]
        pulls = None
        if want <= state.size[g] and state.room(g) >= want:
            pulls = pulls_for(state, g, healthy_by_lang[state.lang[g]])
        if pulls is None:
            state.close(g)
            for other in sorted(short[1:], key=lambda x: (thin - state.size[x], x)):
                fill_from_orphans(state, other)
        else:
            for i in pulls:
                state.move([i], g)


def place_orphans(state: RepairState) -> None:
    """Orphans left go to a group of their language with a seat, meeting at an hour they can
    all make: their own hour if any has a seat, else the busiest slot (least likely to thin out
    again soon). Those without any stay orphans."""
    thin = state.thin
    hosts: dict[tuple[int, int], list[int]] = defaultdict(list)
    load: dict[tuple[int, int], int] = defaultdict(int)
    for g in sorted(state.members):
        if state.size[g] >= thin:
            hosts[(state.lang[g], state.hours[g])].append(g)
            load[(state.lang[g], state.hours[g])] += state.size[g]
    left: list[Unit] = []
    for unit in sorted(state.orphans, key=lambda u: (-len(u), u[0])):
        old_hour = state.old_hour(unit)
        common = state.common(unit)
        lang = int(state.language[unit[0]])
        best = None
        for hour in range(168):
            if not (common >> hour) & 1 or hour not in state.window:
                continue
            for g in hosts.get((lang, hour), ()):
                if state.room(g) < len(unit):
                    continue
                key = (
                    hour != old_hour,
                    state.releases(g, len(unit)),
                    -load[(lang, hour)],
                    state.size[g],
                    g,
                )
                if best is None or key < best[0]:
                    best = (key, g)
        if best is None:
            left.append(unit)
            continue
        state.move(unit, best[1])
        load[(lang, state.hours[best[1]])] += len(unit)
    state.orphans = left


def form_new_groups(state: RepairState, same_hour: bool = False) -> None:
    """New groups from the orphans, under the run's rules: one language, an hour in the window
    every member can make, between `min_size` and `max_size` active members (colleague blocks
    whole). Greedy: the (language, hour) that most of them already had, then that most of them
    can make, first. With `same_hour`, only groups whose members all keep their hour."""
    rules = state.rules
    tried: set[tuple[int, int]] = set()
    while True:
        count: dict[tuple[int, int], int] = defaultdict(int)
        stay: dict[tuple[int, int], int] = defaultdict(int)
        for unit in state.orphans:
            lang = int(state.language[unit[0]])
            old_hour = state.old_hour(unit)
            if same_hour:
                if old_hour >= 0:
                    stay[(lang, old_hour)] += len(unit)
                continue
            common = state.common(unit)
            for hour in state.window:
                if (common >> hour) & 1:
                    count[(lang, hour)] += len(unit)
                    if hour == old_hour:
                        stay[(lang, hour)] += len(unit)
        enough = stay if same_hour else count
        slots = [s for s, c in enough.items() if c >= rules.min_size and s not in tried]
        if not slots:
            return
        lang, hour = max(slots, key=lambda s: (stay[s], count[s], -s[0], -s[1]))
        tried.add((lang, hour))
        fitting = [
            u
            for u in state.orphans
            if int(state.language[u[0]]) == lang
            and (state.old_hour(u) == hour if same_hour else state.can_make(u, hour))
        ]
        # those who already meet at this hour first, then the ones with fewest other hours
        fitting.sort(key=lambda u: (state.old_hour(u) != hour, state.common(u).bit_count(), u[0]))
        total = sum(len(u) for u in fitting)
        n_groups = max(1, -(-total // rules.max_size))
        while n_groups > 1 and total < n_groups * rules.min_size:
            n_groups -= 1
        groups: list[list[Unit]] = [[] for _ in range(n_groups)]
        for unit in fitting:
            target = min(groups, key=lambda us: sum(len(u) for u in us))
            if sum(len(u) for u in target) + len(unit) <= rules.max_size:
                target.append(unit)
        for units in groups:
            if sum(len(u) for u in units) >= rules.min_size:
                for unit in units:
                    state.orphans.remove(unit)
                state.new_group(hour, lang, units)

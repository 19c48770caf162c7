"""Fair rotation of the discussion leader through a study group's weeks.

PURE: no Django import.

Rule: each week the leader is, among the members active that week, the one who has led the
fewest times so far; ties go to the one who led least recently (never counts as longest ago),
then to the earlier member in the given stable order. Consequences, checked by property tests:

* the leader is always an active member, and there is none only when nobody is active;
* nobody leads a second (k+1-th) time while a member active that week has led fewer times —
  in particular no one leads twice before every active member has led once;
* with everyone active the rotation is plain round robin in the given order.

A member who was away for more than a whole round catches up by leading more often until the
counts level out; that is the price of counting every member's turns fairly over the run.

Weeks can be pinned (`fixed`), for example meetings already held: their leader counts as having
led, and the rotation of the remaining weeks continues from there.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence


def leader_rotation[MemberId: Hashable](
    member_ids: Sequence[MemberId],
    active_by_week: Sequence[Collection[MemberId]],
    *,
    fixed: Mapping[int, MemberId | None] | None = None,
) -> list[MemberId | None]:
    """Leader per week (index 0 = week 1); None for a week in which nobody is active.

    `member_ids` fixes the tie-break order; `active_by_week[i]` holds the ids active in week
    i + 1 (ids that are not members are ignored); `fixed` maps a 0-based week index to the
    leader it already has (None for a week without a leader).
    """
    if len(set(member_ids)) != len(member_ids):
        raise ValueError("member_ids must not repeat")
    fixed = fixed or {}
    order = {member: position for position, member in enumerate(member_ids)}
    led_count = dict.fromkeys(member_ids, 0)
    last_led = dict.fromkeys(member_ids, -1)
    leaders: list[MemberId | None] = []
    for week, active in enumerate(active_by_week):
        if week in fixed:
            leader = fixed[week]
        else:
            candidates = [member for member in active if member in order]
            leader = (
                min(
                    candidates,
                    key=lambda member: (led_count[member], last_led[member], order[member]),
                )
                if candidates
                else None
            )
        if leader is not None and leader in order:
            led_count[leader] += 1
            last_led[leader] = week
        leaders.append(leader)
    return leaders

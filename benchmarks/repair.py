"""Benchmark of weekly repair under attrition: no action, PeerPath's repair, full regrouping.

    .venv/bin/python benchmarks/repair.py [--learners 20000] [--profile global] [--seed 1]

Attrition: about a third never show up, then a weekly dropout hazard that leaves about 10%
active by week 8. Active learners left waiting by an earlier week are offered a group
again. Strategies:
- `none`: nothing changes;
- `repair`: what `services.repairing` proposes and applies. A group's seats hold its active and
  its quiet members together (at most `max_size`), but a quiet member keeps their seat only
  until an active learner needs it: then they give it up, the longest quiet first, and leave
  the group (the `released` column counts them; the service tells them and offers them a group
  again once they are active);
- `strict`, for comparison: the same repair where quiet members never give up their seats, so
  a group full of quiet members takes nobody in (`released` is always 0);
- `regroup`: everyone active grouped afresh.

Each week prints thin groups (1..3 active), mean active group size, and the disruption of that
week's change: active learners moved and whose meeting time changed (both out of the active
learners who had a group before the change; a learner newly left waiting counts in both, and
`new wait` shows how many of them there are), previous co-member pairs kept, groups touched,
active learners waiting (including those left waiting by earlier weeks), quiet members
released, and `hard`: hard-rule violations after the change (active members not all able to
make the group's hour, mixed languages, more than `max_size` members active and quiet together,
a new group outside [min_size, max_size] active members). The last two columns are lower
bounds on the moves and meeting-time changes any repair of that week's state needs
(`lower_bounds`); they ignore seats, so with quiet members holding seats they are looser.
Targets: at most 15% of active learners moved and 2% whose meeting time changed, each week.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from peerpath.grouping.solver import Rules, generate_table  # noqa: E402
from peerpath.grouping.solver.engine import assign  # noqa: E402
from peerpath.grouping.solver.repair import active_sizes, repair, subtable  # noqa: E402

THIN = 4


def disruption(old_of, new_of, old_hour, new_hour, active):
    on = np.flatnonzero(active & (old_of >= 0))
    moved = int((new_of[on] != old_of[on]).sum())
    oh = old_hour[old_of[on]]
    nh = np.where(new_of[on] >= 0, new_hour[np.maximum(new_of[on], 0)], -1)
    pairs = kept = 0
    order = on[np.argsort(old_of[on], kind="stable")]
    bounds = np.flatnonzero(np.r_[True, np.diff(old_of[order]) != 0, True])
    for s, e in zip(bounds[:-1], bounds[1:], strict=True):
        m = order[s:e]
        pairs += len(m) * (len(m) - 1) // 2
        _, c = np.unique(new_of[m][new_of[m] >= 0], return_counts=True)
        kept += int((c * (c - 1) // 2).sum())
    return moved, len(on), int((nh != oh).sum()), kept / max(pairs, 1)


def hard_violations(table, rules, of, hour, active, n_old, thin=THIN) -> int:
    """Hard-rule violations of a state (see the module docstring), counted per group."""
    on = np.flatnonzero(active & (of >= 0))
    g = of[on]
    h = hour[g]
    word = table.bits[on, h >> 6]
    cannot = ((word >> (h & 63).astype(np.uint64)) & np.uint64(1)) == 0
    bad = set(g[cannot].tolist())
    language = table.language[on]
    for group in np.unique(g).tolist():
        if len(np.unique(language[g == group])) > 1:
            bad.add(group)
    members = np.bincount(of[of >= 0], minlength=len(hour))
    sizes = np.bincount(g, minlength=len(hour))
    bad |= set(np.flatnonzero(members > rules.max_size).tolist())
    new = np.arange(len(hour)) >= n_old
    bad |= set(np.flatnonzero(new & (sizes > 0) & (sizes < rules.min_size)).tolist())
    return len(bad)


def lower_bounds(table, of, hour, active, thin=THIN):
    """Fewest moves and meeting-time changes any repair of this state needs (0 thin groups
    after it). A thin group of s active members either loses all s or gains thin - s; a
    (language, hour) slot holding t < thin active learners either loses all t (to other hours
    or to waiting) or gains thin - t from other hours. One learner leaving one group (slot)
    and joining another serves two of them, hence the halving."""
    on = np.flatnonzero(active & (of >= 0))
    sizes = np.bincount(of[on], minlength=len(hour))
    need = np.minimum(sizes, thin - sizes)[(sizes > 0) & (sizes < thin)]
    slot = table.language[on].astype(np.int64) * 168 + hour[of[on]]
    totals = np.bincount(slot)
    slot_need = np.minimum(totals, thin - totals)[(totals > 0) & (totals < thin)]
    return -(-int(need.sum()) // 2), -(-int(slot_need.sum()) // 2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--profile", default="global")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--weeks", type=int, default=8)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    table = generate_table(args.profile, args.learners, args.seed)
    rules = Rules()
    group_of, group_hour, _ = assign(table, rules, args.seed)
    n = len(table)
    active = (group_of >= 0) & (rng.random(n) >= 1 / 3)  # a third never show up
    hazard = 1 - (0.10 / (2 / 3)) ** (1 / args.weeks)
    names = ("none", "repair", "strict", "regroup")
    quiet_since = np.where(active, -1, 0)  # the week each learner went quiet (-1: active)
    state = {name: (group_of.copy(), group_hour.copy()) for name in names}
    print(
        f"repair benchmark: {args.profile}, {args.learners} learners, seed {args.seed}, "
        f"thin = fewer than {THIN} active, weekly hazard {hazard:.3f}"
    )
    header = (
        f"{'week':>4} {'active':>7} {'strategy':9} {'thin':>5} {'mean size':>9} {'moved':>7} "
        f"{'moved %':>7} {'time chg %':>10} {'pairs kept':>10} {'touched':>7} {'waiting':>7} "
        f"{'new wait':>8} {'released':>8} {'hard':>4} {'s':>6}  bound: moved %, time chg %"
    )
    print(header)
    print("-" * len(header))
    for week in range(1, args.weeks + 1):
        active &= rng.random(n) >= hazard
        quiet_since = np.where(~active & (quiet_since < 0), week, quiet_since)
        for name, (of, hour) in state.items():
            bound_moves, bound_time = lower_bounds(table, of, hour, active)
            started = time.perf_counter()
            moved = total = changed = touched = waiting = released = 0
            kept = 1.0
            if name in ("repair", "strict"):
                result = repair(
                    table,
                    rules,
                    of,
                    hour,
                    active,
                    thin=THIN,
                    seed=args.seed,
                    release_quiet=name == "repair",
                    quiet_days=np.where(active, 0, 7 * (week - quiet_since)),
                )
                new_of, new_hour = result.group_of, result.group_hour
                touched, waiting = result.groups_touched, result.waiting
                released = result.released
            elif name == "regroup":
                rows = np.flatnonzero(active)
                sub_rules = Rules(min_size=THIN, max_size=rules.max_size)
                sub_of, new_hour, _ = assign(subtable(table, rows), sub_rules, args.seed)
                new_of = np.full(n, -1, np.int64)
                new_of[rows] = sub_of
                waiting = int((active & (of >= 0) & (new_of < 0)).sum())
                touched = len(set(new_of[rows][new_of[rows] >= 0].tolist()))
            else:
                new_of, new_hour = of, hour
            seconds = time.perf_counter() - started
            if name != "none":
                moved, total, changed, kept = disruption(of, new_of, hour, new_hour, active)
                if name == "regroup":  # group numbers are all new: count real membership change
                    moved = total - int(kept * total)  # approximate by pairs lost
            else:
                total = int((active & (of >= 0)).sum())
            new_wait = int((active & (of >= 0) & (new_of < 0)).sum())
            hard = hard_violations(table, rules, new_of, new_hour, active, len(hour))
            if name == "regroup":  # every group is new
                hard = hard_violations(table, sub_rules, new_of, new_hour, active, 0)
            state[name] = (new_of, new_hour)
            sizes = active_sizes(new_of, len(new_hour), active)
            thin = int(((sizes > 0) & (sizes < THIN)).sum())
            mean = sizes[sizes > 0].mean() if (sizes > 0).any() else 0.0
            print(
                f"{week:>4} {int(active.sum()):>7} {name:9} {thin:>5} {mean:>9.2f} {moved:>7} "
                f"{100 * moved / max(total, 1):>6.1f}% {100 * changed / max(total, 1):>9.1f}% "
                f"{100 * kept:>9.1f}% {touched:>7} {waiting:>7} {new_wait:>8} {released:>8} "
                f"{hard:>4} {seconds:>6.2f}"
                + (
                    f"  {100 * bound_moves / max(total, 1):>5.1f}% "
                    f"{100 * bound_time / max(total, 1):>5.1f}%"
                    if name in ("repair", "strict")
                    else ""
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

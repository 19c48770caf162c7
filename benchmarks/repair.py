"""Benchmark of weekly repair under attrition: no action, PeerPath's repair, full regrouping.

    .venv/bin/python benchmarks/repair.py [--learners 20000] [--profile global] [--seed 1]

Attrition: about a third never show up, then a weekly dropout hazard that leaves about 10%
active by week 8. Active learners left waiting by an earlier week are offered a group
again. The last two columns are lower bounds on
the moves and meeting-time changes any repair of that week's state needs (`lower_bounds`);
learners left waiting count as a time change. Each week prints thin groups (1..3 active),
mean active group size, and the disruption of that week's change: active learners moved,
meeting time changed, previous co-member pairs kept, groups touched.
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
    state = {name: (group_of.copy(), group_hour.copy()) for name in ("none", "repair", "regroup")}
    print(
        f"repair benchmark: {args.profile}, {args.learners} learners, seed {args.seed}, "
        f"thin = fewer than {THIN} active, weekly hazard {hazard:.3f}"
    )
    header = (
        f"{'week':>4} {'active':>7} {'strategy':9} {'thin':>5} {'mean size':>9} {'moved':>7} "
        f"{'moved %':>7} {'time chg %':>10} {'pairs kept':>10} {'touched':>7} {'waiting':>7} "
        f"{'s':>6}  bound: moved %, time chg %"
    )
    print(header)
    print("-" * len(header))
    for week in range(1, args.weeks + 1):
        active &= rng.random(n) >= hazard
        for name, (of, hour) in state.items():
            bound_moves, bound_time = lower_bounds(table, of, hour, active)
            started = time.perf_counter()
            moved = total = changed = touched = waiting = 0
            kept = 1.0
            if name == "repair":
                result = repair(table, rules, of, hour, active, thin=THIN, seed=args.seed)
                new_of, new_hour = result.group_of, result.group_hour
                touched, waiting = result.groups_touched, result.waiting
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
            state[name] = (new_of, new_hour)
            sizes = active_sizes(new_of, len(new_hour), active)
            thin = int(((sizes > 0) & (sizes < THIN)).sum())
            mean = sizes[sizes > 0].mean() if (sizes > 0).any() else 0.0
            print(
                f"{week:>4} {int(active.sum()):>7} {name:9} {thin:>5} {mean:>9.2f} {moved:>7} "
                f"{100 * moved / max(total, 1):>6.1f}% {100 * changed / max(total, 1):>9.1f}% "
                f"{100 * kept:>9.1f}% {touched:>7} {waiting:>7} {seconds:>6.2f}"
                + (
                    f"  {100 * bound_moves / max(total, 1):>5.1f}% "
                    f"{100 * bound_time / max(total, 1):>5.1f}%"
                    if name == "repair"
                    else ""
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

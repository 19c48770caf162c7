"""First stage of the solver: give every viable learner a meeting hour.

Learners are grouped into *items*: a single learner, or a unit of colleagues (same
organisation and language, mode `with_colleagues`, at most `colleague_cap`, with a common
useful hour) that must land in the same group. Each item picks one of its hours; the items at
one (language, hour) form a *bucket*, and a bucket of load n can be cut into valid groups iff
`rules.size_is_feasible(n)`. Items first gather at the busiest hours they can make (vectorised),
then a repair pass fixes the few infeasible buckets by filling them from buckets with room to
spare or by emptying them into open buckets; what still cannot be fitted is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import HOURS_PER_WEEK, Rules
from .table import LearnerTable, bits_to_csr, bool_to_bits

UNPLACED = -1


@dataclass(slots=True)
class Items:
    """Items to place: `member_ptr`/`members` list the learners of each item."""

    size: np.ndarray  # int64
    language: np.ndarray  # int64
    bits: np.ndarray  # (m, 3) uint64: useful allowed hours common to all members
    member_ptr: np.ndarray
    members: np.ndarray


def _as_int(row: np.ndarray) -> int:
    return int(row[0]) | (int(row[1]) << 64) | (int(row[2]) << 128)


def _from_int(value: int) -> list[int]:
    mask = (1 << 64) - 1
    return [value & mask, (value >> 64) & mask, value >> 128]


def build_items(table: LearnerTable, rules: Rules, viable: np.ndarray, useful: np.ndarray) -> Items:
    """Cut viable learners into items. `useful` is (languages, 168) bool: allowed hours at
    which at least `min_size` viable same-language learners are available."""
    useful_bits = bool_to_bits(useful)
    lang = table.language.astype(np.int64)
    bits = table.bits & useful_bits[lang]
    n = len(table)
    unit_lists: list[list[int]] = []
    in_unit = np.zeros(n, bool)
    if rules.colleagues == "together":
        colleague = np.nonzero(viable & table.with_colleagues & (table.organisation >= 0))[0]
        key = (
            table.organisation[colleague].astype(np.int64) * len(table.languages) + lang[colleague]
        )
        order = np.argsort(key, kind="stable")
        colleague, key = colleague[order], key[order]
        if len(colleague):
            starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            ends = np.r_[starts[1:], len(key)]
            common = np.bitwise_and.reduceat(bits[colleague], starts, axis=0)
            lengths = ends - starts
            whole = (lengths >= 2) & (lengths <= rules.colleague_cap) & common.any(axis=1)
            for s, e in zip(starts[whole].tolist(), ends[whole].tolist(), strict=True):
                unit_lists.append(colleague[s:e].tolist())
            for s, e in zip(
                starts[~whole & (lengths >= 2)].tolist(),
                ends[~whole & (lengths >= 2)].tolist(),
                strict=True,
            ):
                unit_lists.extend(_split_block(colleague[s:e].tolist(), bits, rules.colleague_cap))
        for unit in unit_lists:
            in_unit[unit] = True
    singles = np.nonzero(viable & ~in_unit)[0]
    sizes = np.concatenate([np.ones(len(singles), np.int64), [len(u) for u in unit_lists]]).astype(
        np.int64
    )
    member_ptr = np.zeros(len(sizes) + 1, np.int64)
    np.cumsum(sizes, out=member_ptr[1:])
    members = np.concatenate([singles, *[np.asarray(u) for u in unit_lists]]).astype(np.int64)
    first = members[member_ptr[:-1]]
    if unit_lists:
        item_bits = np.bitwise_and.reduceat(bits[members], member_ptr[:-1], axis=0)
    else:
        item_bits = bits[members]
    return Items(
        size=sizes, language=lang[first], bits=item_bits, member_ptr=member_ptr, members=members
    )


def _split_block(block: list[int], bits: np.ndarray, cap: int) -> list[list[int]]:
    """Split a colleague block into units of at most `cap` with a common hour (greedy);
    members who share no hour with others end up alone (they become singles)."""
    masks = {i: _as_int(bits[i]) for i in block}
    remaining = sorted(block, key=lambda i: masks[i].bit_count())
    units: list[list[int]] = []
    while remaining:
        seed = remaining.pop(0)
        unit, common = [seed], masks[seed]
        while len(unit) < cap:
            best, best_common = None, 0
            for i in remaining:
                shared = common & masks[i]
                if shared.bit_count() > best_common.bit_count():
                    best, best_common = i, shared
            if best is None:
                break
            unit.append(best)
            remaining.remove(best)
            common = best_common
        if len(unit) >= 2:
            units.append(unit)
    return units


def _first_best(score: np.ndarray, ptr: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Index (into the CSR pairs) of the highest score of every segment (all nonempty)."""
    best = np.maximum.reduceat(score, ptr[:-1])
    hit = np.flatnonzero(score == best[owner])
    first_of_owner = np.r_[True, owner[hit][1:] != owner[hit][:-1]]
    return hit[first_of_owner]


@dataclass(slots=True)
class HourChoice:
    bucket: np.ndarray  # per item: language * 168 + hour, or UNPLACED
    stranded_items: int


def choose_hours(items: Items, n_languages: int, rules: Rules, seed: int) -> HourChoice:
    """Give each item a bucket (language, hour) so that every used bucket is feasible."""
    m = len(items.size)
    if m == 0:
        return HourChoice(bucket=np.zeros(0, np.int64), stranded_items=0)
    ptr, hours = bits_to_csr(items.bits)
    owner = np.repeat(np.arange(m, dtype=np.int32), np.diff(ptr))
    bucket_type = np.int16 if n_languages * HOURS_PER_WEEK < 2**15 else np.int32
    pair_bucket = (items.language.astype(bucket_type)[owner] * HOURS_PER_WEEK + hours).astype(
        bucket_type
    )
    del hours
    n_buckets = n_languages * HOURS_PER_WEEK
    jitter = np.random.default_rng(seed).random(n_buckets) * 0.5  # random tie-break per bucket
    weight = items.size.astype(np.float64)

    def best_by(value: np.ndarray) -> np.ndarray:
        """Each item's bucket with the highest value (ties broken by the seeded jitter)."""
        rank = np.empty(n_buckets, bucket_type)
        rank[np.argsort(value + jitter)] = np.arange(n_buckets)
        return pair_bucket[_first_best(rank[pair_bucket], ptr, owner)]

    choice = best_by(np.bincount(pair_bucket, weights=weight[owner], minlength=n_buckets))
    for _ in range(2):  # gather at the hours the others picked too
        choice = best_by(np.bincount(choice, weights=weight, minlength=n_buckets))
    choice = choice.astype(np.int64)
    repair = _Repair(items, rules, ptr, pair_bucket, owner, choice, n_buckets)
    repair.run()
    bucket = np.asarray(repair.choice, np.int64)
    return HourChoice(bucket=bucket, stranded_items=int((bucket == UNPLACED).sum()))


class _Repair:
    """Fix infeasible buckets by moving items; never makes a feasible bucket infeasible."""

    def __init__(self, items, rules, ptr, pair_bucket, owner, choice, n_buckets) -> None:
        self.rules = rules
        self.size = items.size.tolist()
        self.ptr = ptr
        self.pair_bucket = pair_bucket
        self.choice = choice.tolist()
        self.load = (
            np.bincount(choice, weights=items.size, minlength=n_buckets).astype(np.int64).tolist()
        )
        self.bucket_items = owner[np.argsort(pair_bucket, kind="stable")]
        self.bucket_ptr = np.zeros(n_buckets + 1, np.int64)
        np.cumsum(np.bincount(pair_bucket, minlength=n_buckets), out=self.bucket_ptr[1:])
        self.feasible = rules.size_is_feasible

    def items_at(self, bucket: int) -> list[int]:
        return self.bucket_items[self.bucket_ptr[bucket] : self.bucket_ptr[bucket + 1]].tolist()

    def buckets_of(self, item: int) -> list[int]:
        return self.pair_bucket[self.ptr[item] : self.ptr[item + 1]].tolist()

    def move(self, item: int, to: int) -> None:
        source = self.choice[item]
        if source != UNPLACED:
            self.load[source] -= self.size[item]
        if to != UNPLACED:
            self.load[to] += self.size[item]
        self.choice[item] = to

    def deficient(self) -> list[int]:
        load = np.asarray(self.load)
        used = np.flatnonzero(load > 0)
        return [
            b
            for b in used[np.argsort(load[used], kind="stable")].tolist()
            if not self.feasible(self.load[b])
        ]

    def try_fill(self, bucket: int) -> bool:
        """Bring items available at `bucket` from buckets that stay feasible without them."""
        load, feasible = self.load, self.feasible
        donors = [i for i in self.items_at(bucket) if self.choice[i] not in (bucket, UNPLACED)]
        donors.sort(key=lambda i: -load[self.choice[i]])
        moves, added, taken = [], 0, {}
        for i in donors:
            source = self.choice[i]
            left = load[source] - taken.get(source, 0) - self.size[i]
            if not feasible(left):
                continue
            moves.append(i)
            taken[source] = taken.get(source, 0) + self.size[i]
            added += self.size[i]
            if feasible(load[bucket] + added):
                for item in moves:
                    self.move(item, bucket)
                return True
        return False

    def best_open(self, item: int, exclude: int) -> int:
        best, best_load = UNPLACED, -1
        for b in self.buckets_of(item):
            if (
                b != exclude
                and self.load[b] >= self.rules.min_size
                and self.feasible(self.load[b] + self.size[item])
            ):
                if self.load[b] > best_load:
                    best, best_load = b, self.load[b]
        return best

    def try_empty(self, bucket: int, partial: bool = False) -> bool:
        """Move the bucket's items to open buckets they can make (all, or as many as needed
        to make the bucket feasible when `partial`)."""
        inside = [i for i in self.items_at(bucket) if self.choice[i] == bucket]
        plan = []
        for i in inside:
            target = self.best_open(i, bucket)
            if target == UNPLACED:
                if not partial:
                    return False
                continue
            plan.append((i, target))
        if not partial:
            for i, target in plan:
                self.move(i, target)
            return True
        for i, target in plan:
            if self.feasible(self.load[bucket]):
                return True
            if self.feasible(self.load[target] + self.size[i]):
                self.move(i, target)
        return self.feasible(self.load[bucket])

    def gather_stranded(self, stranded: list[int]) -> None:
        """Form new buckets from stranded items at the hour most of them share."""
        while stranded:
            counts: dict[int, int] = {}
            for i in stranded:
                for b in self.buckets_of(i):
                    counts[b] = counts.get(b, 0) + self.size[i]
            best = max(
                counts,
                key=lambda b: (self.feasible(self.load[b] + counts[b]), counts[b]),
                default=None,
            )
            if best is None or not self.feasible(self.load[best] + counts[best]):
                return
            joining = [i for i in stranded if best in self.buckets_of(i)]
            for i in joining:
                self.move(i, best)
            stranded[:] = [i for i in stranded if self.choice[i] == UNPLACED]

    def run(self) -> None:
        for bucket in self.deficient():
            if self.feasible(self.load[bucket]):
                continue
            # emptying into busy buckets first: bigger buckets give better-mixed groups
            if not (self.try_empty(bucket) or self.try_fill(bucket)):
                self.try_empty(bucket, partial=True) or self.try_fill(bucket)
        stranded: list[int] = []
        for bucket in self.deficient():
            inside = [i for i in self.items_at(bucket) if self.choice[i] == bucket]
            inside.sort(key=lambda i: self.size[i])
            for i in inside:  # shed as few as needed (all when below the minimum)
                if self.feasible(self.load[bucket]):
                    break
                self.move(i, UNPLACED)
                stranded.append(i)
            if not self.feasible(self.load[bucket]):
                for i in inside:
                    if self.choice[i] == bucket:
                        self.move(i, UNPLACED)
                        stranded.append(i)
        for i in list(stranded):
            target = self.best_open(i, UNPLACED)
            if target != UNPLACED:
                self.move(i, target)
        stranded = [i for i in stranded if self.choice[i] == UNPLACED]
        self.gather_stranded(stranded)
        for i in stranded:
            for b in self.buckets_of(i):  # a last look at buckets emptied on the way
                if self.load[b] > 0 and self.feasible(self.load[b] + self.size[i]):
                    self.move(i, b)
                    break

"""Seeded generator of realistic learners for tests and benchmarks.

Two profiles (GROUPING.md): `global`, an open MOOC whose registrants are spread like published
MOOC figures (US about 40%, then India, Canada, UK, Europe, Brazil, ...) with several
languages and few organisations; and `national`, a teacher SPOC in one country and language
where 60% of learners come with colleagues from schools of 2-8 participants.

Availability is drawn as local-time windows (weekday evenings, after school, lunch, weekends)
with noise, then shifted to UTC by the timezone's standard offset (half-hour zones keep only
the UTC hours they fully cover). The same (profile, n, seed) always gives the same learners;
work is done in fixed chunks so memory stays bounded at a million learners.
"""

from __future__ import annotations

import numpy as np

from .model import HOURS_PER_WEEK, Learner
from .table import LearnerTable, bits_to_bool, bool_to_bits

CHUNK = 1 << 16
PROFILES = ("global", "national")

# (zone, share of registrants, standard UTC offset in minutes, {language: share})
GLOBAL_ZONES = [
    ("America/New_York", 0.180, -300, {"en": 0.92, "es": 0.08}),
    ("America/Chicago", 0.120, -360, {"en": 0.92, "es": 0.08}),
    ("America/Denver", 0.030, -420, {"en": 0.95, "es": 0.05}),
    ("America/Los_Angeles", 0.070, -480, {"en": 0.90, "es": 0.10}),
    ("Asia/Kolkata", 0.100, 330, {"en": 0.95, "hi": 0.05}),
    ("America/Toronto", 0.030, -300, {"en": 0.85, "fr": 0.15}),
    ("America/Vancouver", 0.020, -480, {"en": 1.0}),
    ("Europe/London", 0.050, 0, {"en": 1.0}),
    ("Europe/Berlin", 0.030, 60, {"en": 0.6, "de": 0.4}),
    ("Europe/Paris", 0.030, 60, {"en": 0.4, "fr": 0.6}),
    ("Europe/Madrid", 0.030, 60, {"en": 0.4, "es": 0.6}),
    ("Europe/Warsaw", 0.030, 60, {"en": 1.0}),
    ("America/Sao_Paulo", 0.050, -180, {"en": 0.2, "pt": 0.8}),
    ("America/Mexico_City", 0.030, -360, {"en": 0.2, "es": 0.8}),
    ("America/Bogota", 0.020, -300, {"en": 0.2, "es": 0.8}),
    ("Australia/Sydney", 0.025, 600, {"en": 1.0}),
    ("Asia/Shanghai", 0.030, 480, {"en": 0.4, "zh": 0.6}),
    ("Asia/Manila", 0.020, 480, {"en": 1.0}),
    ("Asia/Tokyo", 0.015, 540, {"en": 0.5, "ja": 0.5}),
    ("Africa/Lagos", 0.020, 60, {"en": 1.0}),
    ("Africa/Cairo", 0.015, 120, {"en": 0.5, "ar": 0.5}),
    ("Asia/Karachi", 0.015, 300, {"en": 1.0}),
    ("Africa/Johannesburg", 0.010, 120, {"en": 1.0}),
    ("Asia/Kathmandu", 0.005, 345, {"en": 1.0}),
]
NATIONAL_ZONE = ("Europe/Paris", 60, "fr")

PROFILE_SETTINGS = {
    "global": {
        "colleague_share": 0.04,
        "knowledge": [0.20, 0.30, 0.25, 0.15, 0.10],
        "role": [0.40, 0.40, 0.20],
    },
    "national": {
        "colleague_share": 0.60,
        "knowledge": [0.30, 0.35, 0.20, 0.10, 0.05],
        "role": [0.30, 0.45, 0.25],
    },
}

WEEKDAYS = np.arange(5)


def _add_window(
    local: np.ndarray,
    rng: np.random.Generator,
    who: np.ndarray,
    days: np.ndarray,
    day_share: float,
    starts: list[int],
    lengths: list[int],
) -> None:
    """For rows `who`, open a daily window (shared start and length per row) on some days."""
    if len(who) == 0:
        return
    start = rng.choice(starts, size=len(who))
    length = rng.choice(lengths, size=len(who))
    on_day = rng.random((len(who), len(days))) < day_share
    for offset in range(max(lengths)):
        hour_ok = offset < length
        for j, day in enumerate(days):
            rows = who[hour_ok & on_day[:, j]]
            hour = day * 24 + start[hour_ok & on_day[:, j]] + offset
            local[rows, np.minimum(hour, HOURS_PER_WEEK - 1)] = True


def _base_patterns(profile: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """Local-time weekly availability patterns (count, 168) before personal noise."""
    local = np.zeros((count, HOURS_PER_WEEK), bool)
    draw = rng.random((count, 5))
    everyone = np.arange(count)
    if profile == "global":
        _add_window(
            local, rng, everyone[draw[:, 0] < 0.85], WEEKDAYS, 0.65, [18, 19, 20], [2, 3, 4]
        )
        _add_window(local, rng, everyone[draw[:, 1] < 0.20], WEEKDAYS, 0.6, [12], [1, 2])
        weekend = np.array([5, 6])
        _add_window(local, rng, everyone[draw[:, 2] < 0.50], weekend, 0.7, [9, 10, 14, 16], [2, 3])
        _add_window(local, rng, everyone[draw[:, 3] < 0.15], WEEKDAYS, 0.5, [6, 7], [1, 2])
    else:
        school_days = np.array([0, 1, 3, 4])
        _add_window(local, rng, everyone[draw[:, 0] < 0.75], school_days, 0.7, [16, 17], [2, 3])
        _add_window(
            local, rng, everyone[draw[:, 1] < 0.55], np.array([2]), 1.0, [13, 14, 15], [2, 3]
        )
        _add_window(local, rng, everyone[draw[:, 2] < 0.60], WEEKDAYS, 0.6, [20, 21], [1, 2])
        _add_window(local, rng, everyone[draw[:, 3] < 0.20], WEEKDAYS, 0.5, [12], [1])
        _add_window(local, rng, everyone[draw[:, 4] < 0.20], np.array([5]), 1.0, [9, 10], [2, 3])
    return local


def _utc_index(offset_minutes: int) -> tuple[np.ndarray, np.ndarray]:
    """Local hours covering the start and the end of each UTC hour."""
    utc_start = np.arange(HOURS_PER_WEEK) * 60 + offset_minutes
    first = (utc_start // 60) % HOURS_PER_WEEK
    last = ((utc_start + 59) // 60) % HOURS_PER_WEEK
    return first, last


def _owners(profile: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Who shares a base timetable: per learner, an owner index and whether they are in a
    colleague block (owners of blocks are the blocks themselves)."""
    share = PROFILE_SETTINGS[profile]["colleague_share"]
    sizes: list[int] = []
    target = int(round(share * n))
    block_sizes = np.arange(2, 9)
    size_weights = np.array([0.25, 0.22, 0.18, 0.13, 0.10, 0.07, 0.05])
    while sum(sizes) < target:
        batch = rng.choice(block_sizes, size=max(16, (target - sum(sizes)) // 3), p=size_weights)
        sizes.extend(batch.tolist())
    cumulative = np.cumsum(sizes)
    sizes = sizes[: int(np.searchsorted(cumulative, target)) + 1] if target else []
    in_blocks = min(int(sum(sizes)), n)
    block_of = np.repeat(np.arange(len(sizes)), sizes)[:in_blocks]
    individuals = n - in_blocks
    owner = np.concatenate([block_of, len(sizes) + np.arange(individuals)])
    colleague = np.zeros(n, bool)
    colleague[:in_blocks] = True
    order = rng.permutation(n)
    return owner[order], colleague[order]


def generate_table(profile: str, n: int, seed: int) -> LearnerTable:
    """Generate `n` learners of a profile as a column-wise table."""
    if profile not in PROFILES:
        raise ValueError(f"profile: {profile!r} is not one of {', '.join(PROFILES)}")
    if n < 0:
        raise ValueError(f"learners: {n} must be >= 0")
    settings = PROFILE_SETTINGS[profile]
    rng = np.random.default_rng([seed, PROFILES.index(profile)])
    owner, colleague = _owners(profile, n, rng)
    n_owners = int(owner.max()) + 1 if n else 0
    owner_bits = np.empty((n_owners, 3), np.uint64)
    for start in range(0, n_owners, CHUNK):
        chunk_rng = np.random.default_rng([seed, PROFILES.index(profile), 1, start])
        count = min(CHUNK, n_owners - start)
        owner_bits[start : start + count] = bool_to_bits(_base_patterns(profile, count, chunk_rng))

    if profile == "global":
        zones = [z[0] for z in GLOBAL_ZONES]
        shares = np.array([z[1] for z in GLOBAL_ZONES])
        zone_of_owner = rng.choice(len(zones), size=n_owners, p=shares / shares.sum())
        timezone = zone_of_owner[owner].astype(np.int32)
        languages = sorted({lang for z in GLOBAL_ZONES for lang in z[3]})
        language = np.empty(n, np.int32)
        draw = rng.random(n)
        for z, (_, _, _, mix) in enumerate(GLOBAL_ZONES):
            here = timezone == z
            edges = np.cumsum(list(mix.values()))
            pick = np.searchsorted(edges, draw[here] * edges[-1], side="right")
            codes = np.array([languages.index(lang) for lang in mix])
            language[here] = codes[np.minimum(pick, len(codes) - 1)]
        offsets = [z[2] for z in GLOBAL_ZONES]
    else:
        zones = [NATIONAL_ZONE[0]]
        timezone = np.zeros(n, np.int32)
        languages = [NATIONAL_ZONE[2]]
        language = np.zeros(n, np.int32)
        offsets = [NATIONAL_ZONE[1]]

    # organisations: every colleague block is one; individuals of the national profile have
    # schools of their own, global individuals mostly none
    n_blocks = int(owner[colleague].max()) + 1 if colleague.any() else 0
    organisation = np.full(n, -1, np.int32)
    organisation[colleague] = owner[colleague]
    if profile == "national":
        individuals = ~colleague
        organisation[individuals] = n_blocks + rng.integers(
            0, max(1, individuals.sum()), size=individuals.sum()
        )
    else:
        has_org = (~colleague) & (rng.random(n) < 0.05)
        organisation[has_org] = n_blocks + rng.integers(0, 20, size=has_org.sum())
    used, organisation_codes = np.unique(organisation[organisation >= 0], return_inverse=True)
    organisation[organisation >= 0] = organisation_codes
    prefix = "ORG" if profile == "global" else "SCH"
    organisations = [f"{prefix}{int(o):06d}" for o in used]

    knowledge = rng.choice(5, size=n, p=settings["knowledge"]).astype(np.int8)
    role = rng.choice(3, size=n, p=settings["role"]).astype(np.int8)

    bits = np.empty((n, 3), np.uint64)
    counts = np.empty(n, np.int64)
    hour_chunks = []
    for start in range(0, n, CHUNK):
        chunk_rng = np.random.default_rng([seed, PROFILES.index(profile), 2, start])
        rows = slice(start, min(start + CHUNK, n))
        local = bits_to_bool(owner_bits[owner[rows]])
        local &= chunk_rng.random(local.shape) >= 0.10  # personal exceptions to the pattern
        extra = chunk_rng.poisson(1.5, size=len(local))
        for k in range(int(extra.max(initial=0))):
            who = np.nonzero(extra > k)[0]
            local[
                who, chunk_rng.integers(0, 7, len(who)) * 24 + chunk_rng.integers(8, 23, len(who))
            ] = True
        utc = np.empty_like(local)
        tz_chunk = timezone[rows]
        for z in np.unique(tz_chunk):
            first, last = _utc_index(offsets[z])
            here = tz_chunk == z
            utc[here] = local[here][:, first] & local[here][:, last]
        bits[rows] = bool_to_bits(utc)
        counts[rows] = utc.sum(axis=1)
        hour_chunks.append(np.nonzero(utc)[1].astype(np.int16))
    hour_ptr = np.zeros(n + 1, np.int64)
    np.cumsum(counts, out=hour_ptr[1:])
    width = max(6, len(str(max(n - 1, 0))))
    letter = "G" if profile == "global" else "N"
    return LearnerTable(
        ids=[f"{letter}{i:0{width}d}" for i in range(n)],
        language=language,
        languages=languages,
        timezone=timezone.astype(np.int32),
        timezones=zones,
        organisation=organisation,
        organisations=organisations,
        with_colleagues=colleague,
        knowledge=knowledge,
        role=role,
        hour_ptr=hour_ptr,
        hour_idx=np.concatenate(hour_chunks) if hour_chunks else np.empty(0, np.int16),
        bits=bits,
    )


def generate_learners(profile: str, n: int, seed: int) -> list[Learner]:
    """Generate `n` learners of a profile (`global` or `national`), deterministic in `seed`."""
    return generate_table(profile, n, seed).to_learners()

"""Column-wise learners (NumPy arrays) so that the solver scales to a million learners.

`LearnerTable` holds the same facts as a list of `Learner`s: categorical fields as integer
codes, availability both as a compressed sparse row list of hours (`hour_ptr`, `hour_idx`)
and as 168-bit masks (three uint64 words per learner) for fast intersections.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import HOURS_PER_WEEK, MODES, ROLES, Learner

ROLE_SENIOR = ROLES.index("senior")
WORDS = 3  # 3 x 64 bits >= 168 hours


@dataclass(slots=True)
class LearnerTable:
    ids: list[str]
    language: np.ndarray  # int32 code into `languages`
    languages: list[str]
    timezone: np.ndarray  # int32 code into `timezones`
    timezones: list[str]
    organisation: np.ndarray  # int32 code into `organisations`, -1 for none
    organisations: list[str]
    with_colleagues: np.ndarray  # bool
    knowledge: np.ndarray  # int8, 0..4
    role: np.ndarray  # int8 code into ROLES
    hour_ptr: np.ndarray  # int64, len n + 1
    hour_idx: np.ndarray  # int16 UTC hours, sorted within each learner
    bits: np.ndarray  # uint64 (n, 3)

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def from_learners(cls, learners: list[Learner]) -> LearnerTable:
        n = len(learners)
        lang_codes: dict[str, int] = {}
        tz_codes: dict[str, int] = {}
        org_codes: dict[str, int] = {}
        language = np.empty(n, np.int32)
        timezone = np.empty(n, np.int32)
        organisation = np.empty(n, np.int32)
        with_colleagues = np.empty(n, bool)
        knowledge = np.empty(n, np.int8)
        role = np.empty(n, np.int8)
        lengths = np.empty(n, np.int64)
        hours: list[int] = []
        role_code = {r: i for i, r in enumerate(ROLES)}
        for i, learner in enumerate(learners):
            language[i] = lang_codes.setdefault(learner.language, len(lang_codes))
            timezone[i] = tz_codes.setdefault(learner.timezone, len(tz_codes))
            org = learner.organisation
            organisation[i] = -1 if org is None else org_codes.setdefault(org, len(org_codes))
            with_colleagues[i] = learner.mode == MODES[1]
            knowledge[i] = learner.knowledge
            role[i] = role_code[learner.role]
            lengths[i] = len(learner.availability)
            hours.extend(sorted(learner.availability))
        hour_ptr = np.zeros(n + 1, np.int64)
        np.cumsum(lengths, out=hour_ptr[1:])
        hour_idx = np.asarray(hours, dtype=np.int16)
        return cls(
            ids=[learner.id for learner in learners],
            language=language,
            languages=list(lang_codes),
            timezone=timezone,
            timezones=list(tz_codes),
            organisation=organisation,
            organisations=list(org_codes),
            with_colleagues=with_colleagues,
            knowledge=knowledge,
            role=role,
            hour_ptr=hour_ptr,
            hour_idx=hour_idx,
            bits=csr_to_bits(hour_ptr, hour_idx),
        )

    def to_learners(self) -> list[Learner]:
        ptr = self.hour_ptr.tolist()
        hours = self.hour_idx.tolist()
        orgs = self.organisations
        return [
            Learner(
                id=self.ids[i],
                language=self.languages[lang],
                availability=frozenset(hours[ptr[i] : ptr[i + 1]]),
                timezone=self.timezones[tz],
                organisation=None if org < 0 else orgs[org],
                mode=MODES[int(colleague)],
                knowledge=int(know),
                role=ROLES[rl],
            )
            for i, (lang, tz, org, colleague, know, rl) in enumerate(
                zip(
                    self.language.tolist(),
                    self.timezone.tolist(),
                    self.organisation.tolist(),
                    self.with_colleagues.tolist(),
                    self.knowledge.tolist(),
                    self.role.tolist(),
                    strict=True,
                )
            )
        ]

    def pair_learner(self) -> np.ndarray:
        """For every (learner, hour) entry of the CSR list, the learner's row index."""
        lengths = np.diff(self.hour_ptr)
        return np.repeat(np.arange(len(self), dtype=np.int32), lengths)


def csr_to_bits(hour_ptr: np.ndarray, hour_idx: np.ndarray) -> np.ndarray:
    """Turn a CSR list of hours into (n, 3) uint64 masks."""
    n = len(hour_ptr) - 1
    bits = np.zeros((n, WORDS), np.uint64)
    if len(hour_idx) == 0 or n == 0:
        return bits
    empty = np.diff(hour_ptr) == 0
    hours = hour_idx.astype(np.uint64)
    values = np.zeros(len(hour_idx) + 1, np.uint64)  # one spare zero keeps reduceat in range
    for word in range(WORDS):
        in_word = (hours >> np.uint64(6)) == word
        values[:-1] = np.where(in_word, np.left_shift(np.uint64(1), hours & np.uint64(63)), 0)
        bits[:, word] = np.bitwise_or.reduceat(values, hour_ptr[:-1])
    bits[empty] = 0
    return bits


def bits_to_bool(bits: np.ndarray) -> np.ndarray:
    """(n, 3) uint64 masks to an (n, 168) boolean matrix."""
    as_bytes = np.ascontiguousarray(bits).view(np.uint8).reshape(len(bits), WORDS * 8)
    matrix = np.unpackbits(as_bytes, axis=1, bitorder="little")
    return matrix[:, :HOURS_PER_WEEK].astype(bool)


def hours_to_bits(hours: object) -> np.ndarray:
    """A set of hours to one (3,) uint64 mask."""
    mask = np.zeros(WORDS, np.uint64)
    for hour in hours:  # type: ignore[attr-defined]
        mask[hour >> 6] |= np.uint64(1) << np.uint64(hour & 63)
    return mask


def popcount(bits: np.ndarray) -> np.ndarray:
    """Number of set bits per row of an (n, 3) uint64 array."""
    return np.bitwise_count(bits).sum(axis=1, dtype=np.int64)


def bits_to_csr(bits: np.ndarray, chunk: int = 1 << 17) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3) masks to a CSR (ptr, hours) list, done in chunks to bound memory."""
    n = len(bits)
    counts = popcount(bits)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    hours = np.empty(int(ptr[-1]), np.int16)
    for start in range(0, n, chunk):
        matrix = bits_to_bool(bits[start : start + chunk])
        _, cols = np.nonzero(matrix)
        hours[ptr[start] : ptr[min(start + chunk, n)]] = cols
    return ptr, hours


def bool_to_bits(matrix: np.ndarray) -> np.ndarray:
    """(n, 168) boolean matrix to (n, 3) uint64 masks."""
    n = len(matrix)
    padded = np.zeros((n, WORDS * 64), bool)
    padded[:, :HOURS_PER_WEEK] = matrix
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view(np.uint64).reshape(n, WORDS)

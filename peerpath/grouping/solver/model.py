"""Plain data classes of the grouping solver: learners, the run's rules, groups and the solution.

Nothing here knows about Django; the grouping service converts its rows into these classes.
Hours are UTC hours of the week: Monday 00:00 UTC is 0, Sunday 23:00 UTC is 167.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

HOURS_PER_WEEK = 168
MODES = ("individual", "with_colleagues")
ROLES = ("novice", "mid", "senior")
COLLEAGUE_POLICIES = ("together", "spread")
KNOWLEDGE_LEVELS = 5  # prior knowledge 0..4


@dataclass(frozen=True, slots=True)
class Learner:
    """One learner as the solver sees them; `availability` holds UTC hours of the week."""

    id: str
    language: str
    availability: frozenset[int]
    timezone: str = "UTC"
    organisation: str | None = None
    mode: str = "individual"
    knowledge: int = 2
    role: str = "mid"

    def __post_init__(self) -> None:
        if not isinstance(self.availability, frozenset):
            object.__setattr__(self, "availability", frozenset(self.availability))
        if self.mode not in MODES:
            raise ValueError(f"mode: {self.mode!r} is not one of {', '.join(MODES)}")
        if self.role not in ROLES:
            raise ValueError(f"role: {self.role!r} is not one of {', '.join(ROLES)}")
        if not 0 <= self.knowledge < KNOWLEDGE_LEVELS:
            raise ValueError(f"knowledge: {self.knowledge} out of range 0..{KNOWLEDGE_LEVELS - 1}")
        for hour in self.availability:
            if not 0 <= hour < HOURS_PER_WEEK:
                raise ValueError(f"availability: hour {hour} out of range 0..167")


@dataclass(frozen=True, slots=True)
class PenaltyWeights:
    """Weights of the soft penalty (GROUPING.md); a run may change any of them."""

    unassigned: float = 1000.0
    size: float = 3.0
    colleague_split: float = 5.0
    colleague_cap: float = 5.0
    organisations: float = 2.0
    knowledge: float = 1.0
    no_senior: float = 3.0
    few_common_hours: float = 2.0


def _check_int(name: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name}: expected an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        upper = "" if high is None else f"..{high}"
        raise ValueError(f"{name}: {value} out of range {low}{upper}")
    return value


@dataclass(frozen=True, slots=True)
class Rules:
    """The run's grouping rules: hard limits, colleague policy, meeting window and weights."""

    min_size: int = 6
    max_size: int = 10
    target_size: int = 8
    colleagues: str = "together"
    colleague_cap: int = 4
    min_organisations: int = 3
    allowed_hours: frozenset[int] | None = None
    weights: PenaltyWeights = field(default_factory=PenaltyWeights)
    backup_hour: bool = True

    def __post_init__(self) -> None:
        _check_int("min_size", self.min_size, 2)
        _check_int("max_size", self.max_size, self.min_size)
        _check_int("target_size", self.target_size, self.min_size, self.max_size)
        _check_int("colleague_cap", self.colleague_cap, 1)
        _check_int("min_organisations", self.min_organisations, 0)
        if self.colleagues not in COLLEAGUE_POLICIES:
            raise ValueError(
                f"colleagues: {self.colleagues!r} is not one of {', '.join(COLLEAGUE_POLICIES)}"
            )
        if self.allowed_hours is not None:
            hours = frozenset(self.allowed_hours)
            for hour in hours:
                _check_int("allowed_hours", hour, 0, HOURS_PER_WEEK - 1)
            if not hours:
                raise ValueError("allowed_hours: the meeting window is empty")
            object.__setattr__(self, "allowed_hours", hours)
        if not isinstance(self.backup_hour, bool):
            raise ValueError(f"backup_hour: expected true or false, got {self.backup_hour!r}")

    @property
    def window(self) -> frozenset[int]:
        """The hours at which groups may meet."""
        if self.allowed_hours is None:
            return frozenset(range(HOURS_PER_WEEK))
        return self.allowed_hours

    def size_is_feasible(self, n: int) -> bool:
        """Whether n learners can be cut into groups whose sizes all lie in [min, max]."""
        return n == 0 or (n >= self.min_size and -(-n // self.max_size) <= n // self.min_size)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Rules:
        """Build rules from a parsed JSON/YAML mapping; unknown keys or bad values raise
        ValueError naming the field."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("rules: expected a mapping of rule names to values")
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise ValueError(f"{key}: unknown rule (known: {', '.join(sorted(known))})")
            if key == "weights":
                kwargs[key] = _weights_from_dict(value)
            elif key == "allowed_hours" and value is not None:
                if isinstance(value, str | bytes) or not isinstance(value, Iterable):
                    raise ValueError("allowed_hours: expected a list of hours 0..167")
                kwargs[key] = frozenset(
                    _check_int("allowed_hours", h, 0, HOURS_PER_WEEK - 1) for h in value
                )
            else:
                kwargs[key] = value
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        return {
            "min_size": self.min_size,
            "max_size": self.max_size,
            "target_size": self.target_size,
            "colleagues": self.colleagues,
            "colleague_cap": self.colleague_cap,
            "min_organisations": self.min_organisations,
            "allowed_hours": None if self.allowed_hours is None else sorted(self.allowed_hours),
            "weights": {f.name: getattr(self.weights, f.name) for f in fields(PenaltyWeights)},
            "backup_hour": self.backup_hour,
        }


def _weights_from_dict(data: Any) -> PenaltyWeights:
    if not isinstance(data, Mapping):
        raise ValueError("weights: expected a mapping of term names to numbers")
    known = {f.name for f in fields(PenaltyWeights)}
    for key, value in data.items():
        if key not in known:
            raise ValueError(
                f"weights.{key}: unknown penalty term (known: {', '.join(sorted(known))})"
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"weights.{key}: expected a number >= 0, got {value!r}")
    return PenaltyWeights(**{k: float(v) for k, v in data.items()})


@dataclass(slots=True)
class Group:
    """A study group: its meeting hour, members (learner ids) and the other common hours."""

    id: int
    hour: int
    members: list[str]
    backup_hours: tuple[int, ...] = ()
    language: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"group": self.id, "hour": self.hour, "members": list(self.members)}


@dataclass(frozen=True, slots=True)
class Unassigned:
    """A learner the run could not place, with the reason in plain words."""

    id: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason}


@dataclass(slots=True)
class Solution:
    """What `solve` returns: the groups, the unassigned learners and the quality report."""

    groups: list[Group]
    unassigned: list[Unassigned]
    report: Any  # quality.QualityReport (kept loose to avoid an import cycle)

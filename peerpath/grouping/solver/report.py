"""The quality report printed and stored after each grouping run (GROUPING.md)."""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .model import Rules
from .quality import GroupMeasures, weighted_penalty


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class PhaseTimer:
    """Seconds spent in each named phase, measured lap by lap."""

    def __init__(self, on_lap: Callable[[str], None] | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()
        self._on_lap = on_lap

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.seconds[phase] = self.seconds.get(phase, 0.0) + now - self._last
        self._last = now
        if self._on_lap is not None:
            self._on_lap(phase)


@dataclass(slots=True)
class QualityReport:
    method: str
    learners: int
    groups: int
    placed: int
    unassigned: int
    lower_bound: int
    hard_violations: dict[str, int]
    penalty: float
    terms: dict[str, float]
    weighted_terms: dict[str, float]
    score_mean: float
    score_min: float
    score_p10: float
    groups_with_backup_hour: float
    groups_meetable: float
    in_broken_groups: int  # learners in groups that break a hard rule (such groups die)
    effective_penalty: float  # penalty counting those learners as unassigned
    seconds: float = 0.0
    peak_memory_mb: float = 0.0
    notes: list[str] = field(default_factory=list)
    phase_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def hard_total(self) -> int:
        return int(sum(self.hard_violations.values()))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["hard_total"] = self.hard_total
        return data

    def format(self) -> str:
        lines = [
            f"Grouping quality ({self.method})",
            f"  learners {self.learners}, groups {self.groups}, placed {self.placed}",
            f"  unassigned {self.unassigned} (lower bound {self.lower_bound}, "
            f"gap {self.unassigned - self.lower_bound})",
            f"  hard violations {self.hard_total}"
            + (
                ""
                if not self.hard_total
                else " — " + ", ".join(f"{k} {v}" for k, v in self.hard_violations.items() if v)
            ),
            f"  penalty {self.penalty:.0f}: "
            + ", ".join(f"{k} {v:.0f}" for k, v in self.weighted_terms.items()),
            f"  per-group score mean {self.score_mean:.3f}, min {self.score_min:.3f}, "
            f"p10 {self.score_p10:.3f}",
            f"  groups all members can meet {100 * self.groups_meetable:.1f}%, with a backup "
            f"hour {100 * self.groups_with_backup_hour:.1f}%",
            f"  time {self.seconds:.2f} s, peak memory {self.peak_memory_mb:.0f} MiB",
        ]
        if self.phase_seconds:
            lines.append(
                "  phases: " + ", ".join(f"{k} {v:.2f} s" for k, v in self.phase_seconds.items())
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        return "\n".join(lines)


def build_report(
    *,
    method: str,
    rules: Rules,
    learners: int,
    measures: GroupMeasures,
    unassigned: int,
    lower_bound: int,
    hard_violations: dict[str, int],
    seconds: float = 0.0,
) -> QualityReport:
    penalty, weighted = weighted_penalty(measures.terms, unassigned, rules)
    scores = measures.score
    groups = len(scores)
    return QualityReport(
        method=method,
        learners=learners,
        groups=groups,
        placed=int(measures.size.sum()),
        unassigned=unassigned,
        lower_bound=lower_bound,
        hard_violations=hard_violations,
        penalty=penalty,
        terms=dict(measures.terms),
        weighted_terms=weighted,
        score_mean=float(scores.mean()) if groups else 0.0,
        score_min=float(scores.min()) if groups else 0.0,
        score_p10=float(np.percentile(scores, 10)) if groups else 0.0,
        groups_with_backup_hour=float((measures.common_hours >= 2).mean()) if groups else 0.0,
        groups_meetable=float(measures.meetable.mean()) if groups else 1.0,
        in_broken_groups=int(measures.size[~measures.hard_ok].sum()),
        effective_penalty=penalty
        + rules.weights.unassigned * int(measures.size[~measures.hard_ok].sum()),
        seconds=seconds,
        peak_memory_mb=peak_memory_mb(),
    )

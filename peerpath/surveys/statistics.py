"""Survey statistics: plain numbers in, plain results out (no Django, no database).

Response rate; per Likert item the frequencies, mean, median and share agreeing (the top two
boxes); Cronbach's alpha with its Feldt confidence interval; comparisons between segments with
the Mann-Whitney U test (two segments) or the Kruskal-Wallis H test (more), each with an effect
size; open answers listed per segment. Every comparison refuses segments smaller than a minimum
size, both to keep anonymous respondents unidentifiable and because tiny groups say nothing.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import special, stats

DEFAULT_MINIMUM_SEGMENT = 5


def response_rate(*, invited: int, responded: int) -> float | None:
    """Share of invited learners who responded; None when nobody was invited."""
    if invited < 0 or responded < 0:
        raise ValueError("counts cannot be negative")
    if responded > invited:
        raise ValueError("more responses than invitations")
    return responded / invited if invited else None


@dataclass(frozen=True)
class LikertSummary:
    points: int
    n: int
    counts: dict[int, int]
    shares: dict[int, float]
    mean: float | None
    median: float | None
    sd: float | None
    top_two_box: float | None

    @property
    def agree_share(self) -> float | None:
        return self.top_two_box


def likert_summary(values: Iterable[int | None], *, points: int) -> LikertSummary:
    """Frequencies, mean, median, standard deviation and top-two-box share of one Likert item.

    Values run from 1 to `points`; None (no answer) is skipped. The top two boxes are the two
    highest points (for a 4-point scale: "agree" and "strongly agree").
    """
    if points < 2:
        raise ValueError("a Likert item needs at least two points")
    answered = [int(v) for v in values if v is not None]
    for value in answered:
        if not 1 <= value <= points:
            raise ValueError(f"value {value} is outside the scale 1..{points}")
    counts = {p: 0 for p in range(1, points + 1)}
    for value in answered:
        counts[value] += 1
    n = len(answered)
    if not n:
        return LikertSummary(points, 0, counts, {p: 0.0 for p in counts}, None, None, None, None)
    array = np.asarray(answered, dtype=float)
    return LikertSummary(
        points=points,
        n=n,
        counts=counts,
        shares={p: c / n for p, c in counts.items()},
        mean=float(array.mean()),
        median=float(np.median(array)),
        sd=float(array.std(ddof=1)) if n > 1 else None,
        top_two_box=(counts[points] + counts[points - 1]) / n,
    )


def choice_frequencies(
    answers: Iterable[Sequence[str] | str | None], *, options: Sequence[str]
) -> dict[str, int]:
    """How often each option was chosen; a single answer is a string, a multiple one a list."""
    counts = {option: 0 for option in options}
    for answer in answers:
        if answer is None:
            continue
        for choice in [answer] if isinstance(answer, str) else answer:
            if choice not in counts:
                raise ValueError(f"{choice!r} is not one of the options")
            counts[choice] += 1
    return counts


@dataclass(frozen=True)
class Reliability:
    alpha: float
    low: float
    high: float
    n: int
    k: int
    confidence: float


def cronbach_alpha(rows: Sequence[Sequence[float | None]]) -> tuple[float, int, int]:
    """Cronbach's alpha of respondents × items; returns (alpha, n, k).

    Respondents who skipped any item of the scale are left out (listwise deletion), as in
    the usual definition. Variances use n - 1; the ratio does not depend on that choice.
    """
    complete = [row for row in rows if all(v is not None for v in row)]
    if not complete:
        raise ValueError("no respondent answered every item of the scale")
    data = np.asarray(complete, dtype=float)
    n, k = data.shape
    if k < 2:
        raise ValueError("a scale needs at least two items")
    if n < 2:
        raise ValueError("alpha needs at least two complete respondents")
    item_variances = data.var(axis=0, ddof=1).sum()
    total_variance = data.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        raise ValueError("every respondent has the same total: alpha is undefined")
    alpha = k / (k - 1) * (1 - item_variances / total_variance)
    return float(alpha), n, k


def feldt_interval(
    alpha: float, *, n: int, k: int, confidence: float = 0.95
) -> tuple[float, float]:
    """Feldt's confidence interval for coefficient alpha.

    Feldt, Woodruff & Salih (1987), Statistical inference for coefficient alpha, Applied
    Psychological Measurement 11, 93-103, formulas 6 and 7: (1 - alpha) / (1 - population alpha)
    follows an F distribution with n - 1 and (n - 1)(k - 1) degrees of freedom.
    """
    if n < 2 or k < 2:
        raise ValueError("the interval needs n ≥ 2 respondents and k ≥ 2 items")
    tail = (1 - confidence) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - alpha) * stats.f.ppf(1 - tail, df1, df2)
    high = 1 - (1 - alpha) * stats.f.ppf(tail, df1, df2)
    return float(low), float(high)


def reliability(rows: Sequence[Sequence[float | None]], *, confidence: float = 0.95) -> Reliability:
    alpha, n, k = cronbach_alpha(rows)
    low, high = feldt_interval(alpha, n=n, k=k, confidence=confidence)
    return Reliability(alpha=alpha, low=low, high=high, n=n, k=k, confidence=confidence)


@dataclass(frozen=True)
class MannWhitney:
    u: float
    p: float
    n1: int
    n2: int
    rank_biserial: float
    method: str


@lru_cache(maxsize=64)
def _u_distribution(n1: int, n2: int) -> tuple[int, ...]:
    """Number of arrangements giving each value of U (no ties), by the usual recurrence."""
    # counts[m][n][u]: built by adding the largest observation to either sample
    table: dict[tuple[int, int], list[int]] = {}
    for i in range(n1 + 1):
        for j in range(n2 + 1):
            if i == 0 or j == 0:
                table[i, j] = [1]
                continue
            a = table[i - 1, j]  # largest in sample 1: it beats all j of sample 2
            b = table[i, j - 1]
            size = i * j + 1
            row = [0] * size
            for u, c in enumerate(a):
                row[u + j] += c
            for u, c in enumerate(b):
                row[u] += c
            table[i, j] = row
    return tuple(table[n1, n2])


def mann_whitney_u(
    x: Sequence[float], y: Sequence[float], *, method: str = "auto"
) -> MannWhitney:
    """Two-sided Mann-Whitney U test of x against y, with the rank-biserial correlation.

    U is the statistic of x (the count of pairs where x wins, ties counting a half). The
    p-value is exact for small samples without ties, otherwise the normal approximation with
    tie and continuity corrections — the same choices SciPy's `mannwhitneyu` makes. The
    rank-biserial correlation r = 2U / (n1 n2) - 1 runs from -1 (every y above every x) to 1.
    """
    n1, n2 = len(x), len(y)
    if n1 == 0 or n2 == 0:
        raise ValueError("both samples need at least one value")
    combined = np.concatenate([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    ranks = stats.rankdata(combined)
    r1 = ranks[:n1].sum()
    u1 = float(r1 - n1 * (n1 + 1) / 2)
    _, tie_counts = np.unique(combined, return_counts=True)
    has_ties = bool((tie_counts > 1).any())
    if method == "auto":
        method = "exact" if (n1 <= 8 or n2 <= 8) and not has_ties else "asymptotic"
    if method == "exact":
        if has_ties:
            raise ValueError("the exact test needs samples without ties")
        counts = _u_distribution(n1, n2)
        total = math.comb(n1 + n2, n1)
        u_big = max(u1, n1 * n2 - u1)
        upper = sum(counts[int(round(u_big)) :]) / total
        p = min(1.0, 2 * upper)
    elif method == "asymptotic":
        n = n1 + n2
        mean = n1 * n2 / 2
        tie_term = float((tie_counts**3 - tie_counts).sum())
        variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)))
        if variance <= 0:
            p = 1.0
        else:
            u_big = max(u1, n1 * n2 - u1)
            z = (u_big - mean - 0.5) / math.sqrt(variance)
            p = float(min(1.0, 2 * special.ndtr(-z)))
    else:
        raise ValueError(f"unknown method {method!r}")
    return MannWhitney(
        u=u1, p=float(p), n1=n1, n2=n2, rank_biserial=2 * u1 / (n1 * n2) - 1, method=method
    )


@dataclass(frozen=True)
class KruskalWallis:
    h: float
    p: float
    epsilon_squared: float


def kruskal_wallis(samples: Sequence[Sequence[float]]) -> KruskalWallis:
    """Kruskal-Wallis H across three or more segments, with epsilon² = H / (n - 1)."""
    result = stats.kruskal(*samples)
    n = sum(len(s) for s in samples)
    h = float(result.statistic)
    return KruskalWallis(h=h, p=float(result.pvalue), epsilon_squared=h / (n - 1) if n > 1 else 0)


@dataclass
class SegmentComparison:
    """One item compared across segments; `refused` holds the segments too small to report."""

    summaries: dict[str, LikertSummary] = field(default_factory=dict)
    refused: dict[str, int] = field(default_factory=dict)
    test: str = ""
    statistic: float | None = None
    p: float | None = None
    effect_name: str = ""
    effect: float | None = None

    @property
    def reportable(self) -> list[str]:
        return list(self.summaries)


def compare_segments(
    segments: Mapping[str, Iterable[int | None]],
    *,
    points: int,
    minimum: int = DEFAULT_MINIMUM_SEGMENT,
) -> SegmentComparison:
    """Compare one Likert item between segments (e.g. joined with colleagues vs alone).

    A segment with fewer than `minimum` answers is refused: it gets no summary and takes no
    part in the test, and `refused` says how many answers it had so that a page can say why.
    Two reportable segments are compared with Mann-Whitney U (effect: rank-biserial r, first
    segment against second), more with Kruskal-Wallis H (effect: epsilon squared).
    """
    if minimum < 1:
        raise ValueError("the minimum segment size must be at least 1")
    comparison = SegmentComparison()
    samples: dict[str, list[int]] = {}
    for name, values in segments.items():
        answered = [int(v) for v in values if v is not None]
        if len(answered) < minimum:
            comparison.refused[name] = len(answered)
            continue
        samples[name] = answered
        comparison.summaries[name] = likert_summary(answered, points=points)
    names = list(samples)
    if len(names) == 2:
        result = mann_whitney_u(samples[names[0]], samples[names[1]])
        comparison.test = "Mann-Whitney U"
        comparison.statistic, comparison.p = result.u, result.p
        comparison.effect_name, comparison.effect = "rank-biserial r", result.rank_biserial
    elif len(names) > 2:
        pooled = [v for name in names for v in samples[name]]
        if len(set(pooled)) > 1:
            result = kruskal_wallis([samples[name] for name in names])
            comparison.test = "Kruskal-Wallis H"
            comparison.statistic, comparison.p = result.h, result.p
            comparison.effect_name, comparison.effect = "epsilon²", result.epsilon_squared
    return comparison


def open_answers_by_segment(
    answers: Iterable[tuple[str, str]], *, minimum: int = DEFAULT_MINIMUM_SEGMENT
) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Group (segment, text) pairs by segment; returns (listed, refused counts).

    Blank answers are skipped. A segment with fewer than `minimum` non-blank answers is not
    listed, since a few verbatim answers can identify who wrote them.
    """
    grouped: dict[str, list[str]] = {}
    for segment, text in answers:
        text = (text or "").strip()
        if text:
            grouped.setdefault(segment, []).append(text)
    listed = {s: texts for s, texts in grouped.items() if len(texts) >= minimum}
    refused = {s: len(texts) for s, texts in grouped.items() if len(texts) < minimum}
    return listed, refused

"""A transparent risk score: the chance that a learner withdraws, with the reasons (pure).

No Django here (an import-linter contract checks it); the daily task is the adapter that
gathers the signals (`peerpath.progress.risk_service`).

The score is a logistic model over a handful of signals a tutor can read and check:

    days_inactive            days since the learner's last sign of activity (log scale)
    first_assignment_missed  1 when the first required work due by now was not done
    late_signup_days         days after the start the learner signed up (0 if before)
    due_done_share           share of the work due by now that the learner has done
    relative_progress        that share minus the run's median share (behind the run < 0)
    meetings_missed_share    share of the group meetings held so far the learner missed
    mean_score               mean score (0–100) of assessments handed in by now
    due_missed               how many pieces of required work due by now are not done (log)
    work_done                how many activities the learner has done so far (log)
    other_enrolments         the learner's other courses running at the same time
    earlier_attempts         earlier runs of this course the learner did not complete
    prior_knowledge          the learner's prior knowledge or education, 0–4
    course_withdrawal_rate   share of learners who withdrew in earlier runs of the course

Each signal is centred and scaled by its mean and spread in the training data, so a missing
signal (None) counts as an average learner and adds nothing. The score is
``sigmoid(intercept + Σ weight·z)``; each term ``weight·z`` is one reason, and the reasons
shown are the terms that push the score up, largest first, in words. `risk_fit` learns the
weights from past learners (plain Newton steps with a small ridge penalty); `DEFAULT_MODEL`
holds weights learnt on the Open University's 2013 presentations (see benchmarks/risk_oulad.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

FEATURES = (
    "days_inactive",
    "first_assignment_missed",
    "late_signup_days",
    "due_done_share",
    "relative_progress",
    "meetings_missed_share",
    "mean_score",
    "due_missed",
    "work_done",
    "other_enrolments",
    "earlier_attempts",
    "prior_knowledge",
    "course_withdrawal_rate",
)
# The direction each signal may push the risk. A fitted weight against it (a side effect of
# signals that overlap) is dropped and the model refitted, so that every reason shown reads
# the way a tutor expects: more inactivity never lowers the risk.
EXPECTED_SIGN = {
    "days_inactive": +1,
    "first_assignment_missed": +1,
    "late_signup_days": +1,
    "due_done_share": -1,
    "relative_progress": -1,
    "meetings_missed_share": +1,
    "mean_score": -1,
    "due_missed": +1,
    "work_done": -1,
    "other_enrolments": +1,
    "earlier_attempts": +1,
    "prior_knowledge": -1,
    "course_withdrawal_rate": +1,
}
LOG_SCALED = {"days_inactive", "late_signup_days", "due_missed", "work_done"}


@dataclass(frozen=True)
class Signals:
    """What is known about one learner on one day; None means "not known"."""

    days_inactive: float | None = None
    first_assignment_missed: bool | None = None
    late_signup_days: float | None = None
    due_done_share: float | None = None
    relative_progress: float | None = None
    meetings_missed_share: float | None = None
    mean_score: float | None = None
    due_missed: float | None = None
    work_done: float | None = None
    other_enrolments: float | None = None
    earlier_attempts: float | None = None
    prior_knowledge: float | None = None
    course_withdrawal_rate: float | None = None

    def values(self) -> list[float | None]:
        raw = [getattr(self, name) for name in FEATURES]
        out: list[float | None] = []
        for name, value in zip(FEATURES, raw, strict=True):
            if value is None:
                out.append(None)
            elif name in LOG_SCALED:
                out.append(math.log1p(max(float(value), 0.0)))
            else:
                out.append(float(value))
        return out


@dataclass(frozen=True)
class Reason:
    feature: str
    contribution: float  # on the log-odds scale
    text: str


@dataclass(frozen=True)
class RiskResult:
    score: float  # 0..1
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class RiskModel:
    intercept: float
    weights: dict[str, float]
    means: dict[str, float]
    scales: dict[str, float]
    features: tuple[str, ...] = FEATURES
    meta: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "intercept": self.intercept,
            "weights": dict(self.weights),
            "means": dict(self.means),
            "scales": dict(self.scales),
            "features": list(self.features),
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, data: dict) -> RiskModel:
        return cls(
            intercept=float(data["intercept"]),
            weights={k: float(v) for k, v in data["weights"].items()},
            means={k: float(v) for k, v in data["means"].items()},
            scales={k: float(v) for k, v in data["scales"].items()},
            features=tuple(data.get("features", FEATURES)),
            meta=dict(data.get("meta", {})),
        )

# Learnt by benchmarks/risk_oulad.py on the OULAD 2013 presentations (46,241 student-days at
# days 0, 28, 56 and 112), weights that came out against their expected direction dropped.
LEARNT_MODEL = RiskModel(
    intercept=-1.8364,
    weights={
        "course_withdrawal_rate": 0.1201,
        "earlier_attempts": 0.0255,
        "mean_score": -0.427,
        "other_enrolments": 0.2424,
        "prior_knowledge": -0.0985,
        "relative_progress": -0.1808,
        "work_done": -0.2859,
    },
    means={
        "course_withdrawal_rate": 0.2883,
        "earlier_attempts": 0.1708,
        "mean_score": 75.3871,
        "other_enrolments": 0.3677,
        "prior_knowledge": 1.726,
        "relative_progress": -0.1305,
        "work_done": 0.737,
    },
    scales={
        "course_withdrawal_rate": 0.0312,
        "earlier_attempts": 0.4804,
        "mean_score": 13.9497,
        "other_enrolments": 0.6044,
        "prior_knowledge": 0.7354,
        "relative_progress": 0.2976,
        "work_done": 0.6548,
    },
    meta={"trained_on": "OULAD 2013", "rows": 46241, "withdrew": 7083},
)

# Signals OULAD cannot teach: it has no meetings, and its only "activity" is handing in an
# assessment every few weeks, so days of inactivity there say little. On PeerPath, activity is
# daily (completions, attendance, xAPI, sign-in) and meetings are weekly; these weights are set
# by hand (a week without activity or missing half the meetings roughly doubles the odds) and
# shown as such. `benchmarks/risk_oulad.py` reports the AUC of this shipped model too.
HAND_SET = {
    # feature: (weight, mean, scale)
    "days_inactive": (0.35, 1.9, 1.0),
    "meetings_missed_share": (0.6, 0.3, 0.3),
    "first_assignment_missed": (0.3, 0.1, 0.3),
}


def _with_hand_set(model: RiskModel) -> RiskModel:
    weights, means, scales = dict(model.weights), dict(model.means), dict(model.scales)
    for name, (weight, mean, scale) in HAND_SET.items():
        if name not in weights:
            weights[name], means[name], scales[name] = weight, mean, scale
    meta = {**model.meta, "hand_set": sorted(set(HAND_SET) - set(model.weights))}
    return RiskModel(model.intercept, weights, means, scales, model.features, meta)


DEFAULT_MODEL = _with_hand_set(LEARNT_MODEL)


def _describe(name: str, signals: Signals) -> str:
    value = getattr(signals, name)
    if name == "days_inactive":
        return f"no activity for {int(value)} days"
    if name == "first_assignment_missed":
        return "missed the first assignment"
    if name == "late_signup_days":
        return f"signed up {int(value)} days after the start"
    if name == "due_done_share":
        return f"has done {value:.0%} of the work due so far"
    if name == "relative_progress":
        return f"{abs(value):.0%} behind the run's typical progress" if value < 0 else (
            "progress near the run's typical learner"
        )
    if name == "meetings_missed_share":
        return f"missed {value:.0%} of the group meetings"
    if name == "mean_score":
        return f"mean assessment score {value:.0f}"
    if name == "due_missed":
        return f"{int(value)} pieces of work due and not done"
    if name == "work_done":
        return f"{int(value)} activities done so far"
    if name == "other_enrolments":
        return f"{int(value)} other courses at the same time"
    if name == "earlier_attempts":
        return f"{int(value)} earlier attempts at this course"
    if name == "prior_knowledge":
        return f"prior knowledge {int(value)} of 4"
    if name == "course_withdrawal_rate":
        return f"{value:.0%} withdrew from earlier runs of this course"
    return name


def _z(model: RiskModel, values: Sequence[float | None]) -> list[float]:
    z = []
    for name, value in zip(model.features, values, strict=True):
        if value is None or name not in model.weights:
            z.append(0.0)
        else:
            z.append((value - model.means[name]) / (model.scales[name] or 1.0))
    return z


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def risk_score(signals: Signals, model: RiskModel, *, max_reasons: int = 3) -> RiskResult:
    """The learner's chance of withdrawing under `model`, with the reasons pushing it up."""
    values = signals.values()
    z = _z(model, values)
    terms = [
        (name, model.weights.get(name, 0.0) * zi)
        for name, zi, value in zip(model.features, z, values, strict=True)
        if value is not None
    ]
    logit = model.intercept + sum(t for _, t in terms)
    reasons = tuple(
        Reason(feature=name, contribution=round(t, 3), text=_describe(name, signals))
        for name, t in sorted(terms, key=lambda item: -item[1])
        if t > 0.05
    )[:max_reasons]
    return RiskResult(score=_sigmoid(logit), reasons=reasons)


def risk_fit(
    rows: Sequence[Signals],
    withdrew: Sequence[bool],
    *,
    ridge: float = 1.0,
    iterations: int = 50,
    features: Sequence[str] = FEATURES,
) -> RiskModel:
    """Fit a logistic model on past learners (signals on a given day, whether they withdrew).

    Features never observed in `rows` get no weight; missing values count as the mean. A
    feature whose weight comes out against its expected direction is dropped and the rest
    refitted, until every weight agrees with `EXPECTED_SIGN`."""
    if len(rows) != len(withdrew) or not rows:
        raise ValueError("rows and withdrew must be non-empty and of the same length")
    index = [FEATURES.index(name) for name in features]
    raw = np.array(
        [[np.nan if v is None else v for v in (s.values()[i] for i in index)] for s in rows],
        dtype=float,
    )
    y = np.asarray(withdrew, dtype=float)
    used = [j for j in range(len(index)) if np.isfinite(raw[:, j]).any()]
    while True:
        names = [features[j] for j in used]
        part = raw[:, used]
        means = np.nanmean(part, axis=0) if used else np.zeros(0)
        scales = np.nanstd(part, axis=0) if used else np.zeros(0)
        scales[scales == 0] = 1.0
        beta = _newton(part, y, means, scales, ridge=ridge, iterations=iterations)
        wrong = [
            j
            for j, name, weight in zip(used, names, beta[1:], strict=True)
            if weight * EXPECTED_SIGN.get(name, 0) < 0
        ]
        if not wrong:
            break
        worst = max(wrong, key=lambda j: abs(beta[1 + used.index(j)]))
        used.remove(worst)
    return RiskModel(
        intercept=float(beta[0]),
        weights={n: float(w) for n, w in zip(names, beta[1:], strict=True)},
        means={n: float(m) for n, m in zip(names, means, strict=True)},
        scales={n: float(s) for n, s in zip(names, scales, strict=True)},
        features=tuple(FEATURES),
        meta={"trained_on": len(rows), "withdrew": int(y.sum())},
    )


def _newton(raw, y, means, scales, *, ridge: float, iterations: int) -> np.ndarray:
    x = np.where(np.isfinite(raw), (raw - means) / scales, 0.0)
    x = np.hstack([np.ones((len(x), 1)), x])
    beta = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], ridge)
    penalty[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ beta, -30, 30)))
        gradient = x.T @ (p - y) + penalty * beta
        hessian = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve (ties count half); None when one class is missing."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if positives == 0 or negatives == 0:
        return None
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s), dtype=float)
    sorted_scores = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))

"""The risk score: a pure, transparent logistic model with reasons."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerpath.progress.risk import (
    DEFAULT_MODEL,
    EXPECTED_SIGN,
    RiskModel,
    Signals,
    risk_fit,
    risk_score,
    roc_auc,
)

MODEL = RiskModel(
    intercept=-1.0,
    weights={"days_inactive": 1.0, "meetings_missed_share": 0.5, "relative_progress": -0.8},
    means={"days_inactive": 1.0, "meetings_missed_share": 0.2, "relative_progress": 0.0},
    scales={"days_inactive": 1.0, "meetings_missed_share": 0.2, "relative_progress": 0.2},
)


def test_an_average_learner_scores_the_base_rate_and_has_no_reasons():
    result = risk_score(Signals(), MODEL)
    assert result.score == pytest.approx(1 / (1 + math.e))
    assert result.reasons == ()


def test_a_quiet_learner_who_misses_meetings_scores_higher_with_the_reasons_in_words():
    quiet = risk_score(
        Signals(days_inactive=20, meetings_missed_share=0.8, relative_progress=-0.5), MODEL
    )
    busy = risk_score(
        Signals(days_inactive=0, meetings_missed_share=0.0, relative_progress=0.1), MODEL
    )
    assert quiet.score > 0.9 > 0.2 > busy.score
    texts = [reason.text for reason in quiet.reasons]
    assert texts[0] == "no activity for 20 days"
    assert "missed 80% of the group meetings" in texts
    assert "50% behind the run's typical progress" in texts
    contributions = [reason.contribution for reason in quiet.reasons]
    assert contributions == sorted(contributions, reverse=True)
    assert busy.reasons == ()


def test_the_fit_learns_the_direction_of_a_signal_from_past_learners():
    rows, labels = [], []
    for days in range(0, 30):
        for repeat in range(10):
            rows.append(Signals(days_inactive=days, mean_score=50 + repeat))
            labels.append(days > 10 and repeat % 3 != 0)
    model = risk_fit(rows, labels)
    assert model.weights["days_inactive"] > 0
    assert "meetings_missed_share" not in model.weights  # never observed: no weight
    auc = roc_auc([risk_score(s, model).score for s in rows], labels)
    assert auc > 0.75  # 2 in 3 of the quiet ones withdrew: no model can rank them apart


def test_a_weight_against_its_expected_direction_is_dropped():
    # mean_score "should" lower the risk; here high scores withdraw more, so it is dropped
    rows = [Signals(mean_score=score, days_inactive=score % 7) for score in range(100)]
    labels = [score > 50 for score in range(100)]
    model = risk_fit(rows, labels)
    assert "mean_score" not in model.weights
    for name, weight in model.weights.items():
        assert weight * EXPECTED_SIGN[name] >= 0


def test_roc_auc_matches_hand_computed_values():
    assert roc_auc([0.1, 0.2, 0.3, 0.4], [False, False, True, True]) == 1.0
    assert roc_auc([0.1, 0.2, 0.3, 0.4], [True, True, False, False]) == 0.0
    assert roc_auc([0.5, 0.5], [True, False]) == 0.5
    assert roc_auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == 0.75
    assert roc_auc([0.1, 0.2], [True, True]) is None


def test_the_shipped_model_weights_point_the_expected_way_and_round_trip():
    for name, weight in DEFAULT_MODEL.weights.items():
        assert weight * EXPECTED_SIGN[name] > 0, name
    assert RiskModel.from_dict(DEFAULT_MODEL.to_dict()) == DEFAULT_MODEL


signal_values = st.one_of(st.none(), st.floats(min_value=0, max_value=365))


@given(days=st.floats(min_value=0, max_value=200), more=st.floats(min_value=0, max_value=200),
       missed=st.one_of(st.none(), st.floats(min_value=0, max_value=1)))
def test_more_inactivity_never_lowers_the_risk(days, more, missed):
    base = Signals(days_inactive=days, meetings_missed_share=missed)
    later = Signals(days_inactive=days + more, meetings_missed_share=missed)
    assert risk_score(later, DEFAULT_MODEL).score >= risk_score(base, DEFAULT_MODEL).score
    assert 0.0 <= risk_score(later, DEFAULT_MODEL).score <= 1.0

"""The pure survey statistics against published values and against SciPy."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import kruskal, mannwhitneyu

from peerpath.surveys import statistics as S

# The Law School Admission Test, section VI: 1000 examinees, 5 items scored 0/1, given as the
# frequency of each response pattern in Bock, R. D. & Lieberman, M. (1970), Fitting a response
# model for n dichotomously scored items, Psychometrika 35, 179-197 (distributed as `LSAT` in
# the R package ltm). Its published coefficient alpha is 0.295 (ltm: `descript(LSAT)` and
# `cronbach.alpha(LSAT)`, "alpha: 0.295"); the published item difficulties are .924, .709,
# .553, .763 and .870, which the table below reproduces.
LSAT_PATTERNS = {
    "00000": 3, "00001": 6, "00010": 2, "00011": 11, "00100": 1, "00101": 1, "00110": 3,
    "00111": 4, "01000": 1, "01001": 8, "01010": 0, "01011": 16, "01100": 0, "01101": 3,
    "01110": 2, "01111": 15, "10000": 10, "10001": 29, "10010": 14, "10011": 81, "10100": 3,
    "10101": 28, "10110": 15, "10111": 80, "11000": 16, "11001": 56, "11010": 21,
    "11011": 173, "11100": 11, "11101": 61, "11110": 28, "11111": 298,
}


def lsat_rows():
    return [[int(c) for c in pattern] for pattern, n in LSAT_PATTERNS.items() for _ in range(n)]


def test_the_lsat_table_is_the_published_one():
    rows = lsat_rows()
    assert len(rows) == 1000
    difficulties = [round(sum(r[i] for r in rows) / 1000, 3) for i in range(5)]
    assert difficulties == [0.924, 0.709, 0.553, 0.763, 0.870]


def test_cronbach_alpha_of_the_lsat_matches_the_published_value():
    result = S.reliability(lsat_rows())
    assert (result.n, result.k) == (1000, 5)
    assert round(result.alpha, 3) == 0.295
    assert result.low < result.alpha < result.high


def test_feldt_interval_matches_the_published_worked_example():
    # MRC Cognition and Brain Sciences Unit statistics wiki, "R code from Chris Evans for
    # computing confidence intervals for Cronbach's alpha" (Feldt's method):
    # alpha .913, n = 873, k = 20 gives 0.9044024 to 0.9211588 (95%).
    # https://imaging.mrc-cbu.cam.ac.uk/statswiki/FAQ/cafun
    low, high = S.feldt_interval(0.913, n=873, k=20)
    assert low == pytest.approx(0.9044024, abs=5e-7)
    assert high == pytest.approx(0.9211588, abs=5e-7)


def test_wider_confidence_gives_a_wider_interval():
    low95, high95 = S.feldt_interval(0.8, n=50, k=6)
    low99, high99 = S.feldt_interval(0.8, n=50, k=6, confidence=0.99)
    assert low99 < low95 < 0.8 < high95 < high99


def test_alpha_leaves_out_respondents_who_skipped_an_item():
    rows = [[4, 4, 3], [2, 1, 2], [3, 3, 3], [1, 2, 1], [4, None, 4]]
    alpha, n, k = S.cronbach_alpha(rows)
    assert (n, k) == (4, 3)
    assert alpha == pytest.approx(S.cronbach_alpha(rows[:4])[0])


def test_alpha_refuses_a_scale_without_variance():
    with pytest.raises(ValueError, match="same total"):
        S.cronbach_alpha([[3, 3], [3, 3], [3, 3]])


@pytest.mark.parametrize("seed", range(60))
def test_mann_whitney_u_agrees_with_scipy(seed):
    rng = random.Random(seed)
    n1, n2 = rng.randint(1, 30), rng.randint(1, 30)
    if seed % 2:  # Likert answers: many ties, asymptotic test with tie correction
        x = [rng.randint(1, 5) for _ in range(n1)]
        y = [rng.randint(1, 5) for _ in range(n2)]
    else:  # continuous values: exact test for small samples
        x = [rng.random() for _ in range(n1)]
        y = [rng.random() + 0.3 for _ in range(n2)]
    ours = S.mann_whitney_u(x, y)
    theirs = mannwhitneyu(x, y, alternative="two-sided")
    assert ours.u == pytest.approx(theirs.statistic, abs=1e-9)
    assert ours.p == pytest.approx(theirs.pvalue, abs=1e-12)


def test_mann_whitney_exact_and_asymptotic_agree_with_scipy_when_forced():
    x, y = [1.1, 2.4, 3.9, 0.5, 7.0], [5.5, 6.1, 8.3, 9.9, 4.2, 3.3]
    for method in ("exact", "asymptotic"):
        ours = S.mann_whitney_u(x, y, method=method)
        theirs = mannwhitneyu(x, y, alternative="two-sided", method=method)
        assert ours.p == pytest.approx(theirs.pvalue, abs=1e-12)


def test_rank_biserial_is_one_when_every_x_beats_every_y():
    result = S.mann_whitney_u([5, 5, 4, 5], [1, 2, 1, 2, 3])
    assert result.rank_biserial == 1.0
    assert S.mann_whitney_u([1, 2, 1, 2, 3], [5, 5, 4, 5]).rank_biserial == -1.0


@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=25),
    st.lists(st.integers(1, 5), min_size=1, max_size=25),
)
def test_u_of_both_orders_sums_to_all_pairs(x, y):
    a, b = S.mann_whitney_u(x, y), S.mann_whitney_u(y, x)
    assert a.u + b.u == pytest.approx(len(x) * len(y))
    assert a.rank_biserial == pytest.approx(-b.rank_biserial)
    assert 0 <= a.p <= 1 and a.p == pytest.approx(b.p)


@given(st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=2, max_size=40))
def test_alpha_never_exceeds_one(rows):
    try:
        alpha, _, _ = S.cronbach_alpha(rows)
    except ValueError:
        return
    assert alpha <= 1 + 1e-12


def test_likert_summary_counts_mean_median_and_top_two_boxes():
    summary = S.likert_summary([1, 2, 2, 3, 4, 4, 4, None], points=4)
    assert summary.n == 7
    assert summary.counts == {1: 1, 2: 2, 3: 1, 4: 3}
    assert summary.mean == pytest.approx(20 / 7)
    assert summary.median == 3
    assert summary.top_two_box == pytest.approx(4 / 7)


def test_likert_summary_refuses_values_outside_the_scale():
    with pytest.raises(ValueError, match="outside the scale 1..5"):
        S.likert_summary([1, 6], points=5)


def test_response_rate():
    assert S.response_rate(invited=200, responded=130) == 0.65
    assert S.response_rate(invited=0, responded=0) is None
    with pytest.raises(ValueError):
        S.response_rate(invited=3, responded=4)


def test_choice_frequencies_single_and_multiple():
    counts = S.choice_frequencies(
        ["video", ["video", "text"], None, "text"], options=["video", "text", "audio"]
    )
    assert counts == {"video": 2, "text": 2, "audio": 0}
    with pytest.raises(ValueError, match="'radio'"):
        S.choice_frequencies(["radio"], options=["video"])


def test_segment_comparison_refuses_small_segments_and_tests_the_rest():
    colleagues = [4, 4, 5, 3, 5, 4, 5, 4]
    alone = [2, 3, 3, 2, 4, 3, 2]
    comparison = S.compare_segments(
        {"with colleagues": colleagues, "alone": alone, "unknown": [1, 5]}, points=5, minimum=5
    )
    assert comparison.refused == {"unknown": 2}
    assert comparison.reportable == ["with colleagues", "alone"]
    assert comparison.test == "Mann-Whitney U"
    reference = mannwhitneyu(colleagues, alone, alternative="two-sided")
    assert comparison.statistic == pytest.approx(reference.statistic)
    assert comparison.p == pytest.approx(reference.pvalue)
    assert comparison.effect == pytest.approx(2 * reference.statistic / (8 * 7) - 1)
    assert comparison.effect > 0.5


def test_three_segments_use_kruskal_wallis_like_scipy():
    a, b, c = [1, 2, 2, 3, 1], [3, 3, 4, 2, 3], [5, 4, 4, 5, 3]
    comparison = S.compare_segments({"small": a, "medium": b, "large": c}, points=5, minimum=5)
    reference = kruskal(a, b, c)
    assert comparison.test == "Kruskal-Wallis H"
    assert comparison.statistic == pytest.approx(reference.statistic)
    assert comparison.p == pytest.approx(reference.pvalue)
    assert comparison.effect == pytest.approx(reference.statistic / 14)


def test_no_test_when_only_one_segment_is_large_enough():
    comparison = S.compare_segments({"a": [1, 2, 3, 4, 5], "b": [1]}, points=5, minimum=5)
    assert comparison.test == "" and comparison.p is None
    assert comparison.refused == {"b": 1}


def test_open_answers_are_listed_per_segment_and_small_segments_withheld():
    listed, refused = S.open_answers_by_segment(
        [("alone", "good"), ("alone", " "), ("alone", "fine"), ("team", "great")], minimum=2
    )
    assert listed == {"alone": ["good", "fine"]}
    assert refused == {"team": 1}


def test_feldt_interval_is_finite_for_small_samples():
    low, high = S.feldt_interval(0.7, n=5, k=3)
    assert math.isfinite(low) and math.isfinite(high) and low < 0.7 < high

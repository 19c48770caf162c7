"""Rules and learners refuse bad values with a message naming the field; the generator is
deterministic and realistic enough to benchmark with."""

import numpy as np
import pytest

from peerpath.grouping.solver import Learner, LearnerTable, Rules, generate_learners, generate_table


def test_rules_from_dict_accepts_the_documented_fields():
    rules = Rules.from_dict(
        {
            "min_size": 4,
            "max_size": 8,
            "target_size": 6,
            "colleagues": "spread",
            "allowed_hours": [1, 2],
            "weights": {"size": 1},
        }
    )
    assert (rules.min_size, rules.colleagues, rules.allowed_hours) == (
        4,
        "spread",
        frozenset({1, 2}),
    )
    assert rules.weights.size == 1.0 and rules.weights.unassigned == 1000.0
    assert Rules.from_dict(rules.to_dict()) == rules


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"colour": 1}, "colour"),
        ({"min_size": "six"}, "min_size"),
        ({"min_size": 6, "max_size": 5}, "max_size"),
        ({"target_size": 12}, "target_size"),
        ({"colleagues": "mixed"}, "colleagues"),
        ({"allowed_hours": [3, 168]}, "allowed_hours"),
        ({"allowed_hours": []}, "allowed_hours"),
        ({"weights": {"size": -1}}, "weights.size"),
        ({"weights": {"beauty": 1}}, "weights.beauty"),
        ({"backup_hour": "yes"}, "backup_hour"),
    ],
)
def test_rules_from_dict_rejects_bad_values_naming_the_field(data, field):
    with pytest.raises(ValueError, match=rf"^{field}:"):
        Rules.from_dict(data)


def test_learner_rejects_hours_outside_the_week():
    with pytest.raises(ValueError, match="availability: hour 170"):
        Learner(id="a", language="en", availability=frozenset({170}))


def test_size_feasibility_matches_cutting_into_groups():
    rules = Rules(min_size=6, max_size=10)
    feasible = [n for n in range(30) if rules.size_is_feasible(n)]
    assert feasible == [0, 6, 7, 8, 9, 10, *range(12, 30)]


@pytest.mark.parametrize("profile", ["global", "national"])
def test_generator_is_deterministic_and_seed_sensitive(profile):
    assert generate_learners(profile, 300, seed=4) == generate_learners(profile, 300, seed=4)
    assert generate_learners(profile, 300, seed=4) != generate_learners(profile, 300, seed=5)


def test_generator_gives_about_eleven_hours_a_week_and_profile_traits():
    table = generate_table("global", 20_000, seed=1)
    hours = np.diff(table.hour_ptr)
    assert 9 <= np.median(hours) <= 13
    us = sum(
        table.timezone == table.timezones.index(z)
        for z in table.timezones
        if z.startswith("America/")
        and z
        not in {
            "America/Sao_Paulo",
            "America/Mexico_City",
            "America/Bogota",
            "America/Toronto",
            "America/Vancouver",
        }
    )
    assert 0.35 < us.mean() < 0.45
    assert len(table.languages) >= 5
    national = generate_table("national", 20_000, seed=1)
    assert national.languages == ["fr"]
    assert 0.57 < national.with_colleagues.mean() < 0.63


def test_table_round_trips_learners():
    learners = generate_learners("national", 200, seed=2)
    table = LearnerTable.from_learners(learners)
    assert table.to_learners() == learners
    assert (table.bits == generate_table("national", 200, seed=2).bits).all()

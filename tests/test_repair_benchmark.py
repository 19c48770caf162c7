"""The repair benchmark's own counting: disruption figures, lower bounds and the seed list."""

import argparse
import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "repair.py"
spec = importlib.util.spec_from_file_location("repair_benchmark", SCRIPT)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


def test_disruption_counts_a_time_change_apart_from_a_learner_left_waiting():
    # four active learners in group 0 (hour 10); group 1 meets at 10 too, group 2 at 20
    old_of = np.array([0, 0, 0, 0, 1])
    new_of = np.array([0, 1, 2, -1, 1])  # stays, same hour elsewhere, other hour, waits
    old_hour = np.array([10, 10, 20])
    active = np.ones(5, bool)
    moved, total, changed, kept, new_wait = bench.disruption(
        old_of, new_of, old_hour, old_hour, active
    )
    assert (moved, total, changed, new_wait) == (3, 5, 1, 1)
    assert kept == pytest.approx(0 / 6)


def test_the_lower_bounds_hold_for_the_repair_week_by_week():
    rows = list(bench.simulate("global", 3_000, 2, 4, ("repair",)))
    assert len(rows) == 4
    for row in rows:
        assert row["thin"] == 0 and row["hard"] == 0
        assert row["bound_moves"] <= row["moved"]
        assert row["bound_time"] <= row["changed"] + row["new_wait"]
    assert any(row["bound_moves"] > 0 for row in rows)  # the bound is not trivially 0


def test_merging_ahead_keeps_each_week_within_its_move_budget_and_stops_at_the_last():
    rows = list(bench.simulate("global", 3_000, 2, 8, ("repair", "no-ahead"), 0.12))
    ahead = [r for r in rows if r["name"] == "repair"]
    assert all(r["merged"] == 0 for r in rows if r["name"] == "no-ahead")
    assert any(r["merged"] > 0 for r in ahead)  # it does merge on this run
    for row in ahead:
        assert row["thin"] == 0 and row["hard"] == 0 and row["changed"] >= 0
        if row["merged"]:
            assert row["moved"] <= int(0.12 * row["total"]), row
    assert ahead[-1]["merged"] == 0  # week 8 of 8: no week follows


def test_the_seed_list_reads_ranges_and_lists_and_names_a_bad_value():
    assert bench.seed_range("1-4") == [1, 2, 3, 4]
    assert bench.seed_range("3,7") == [3, 7]
    for bad in ("x", "4-1", "1-y"):
        with pytest.raises(argparse.ArgumentTypeError, match=repr(bad)):
            bench.seed_range(bad)


def test_the_seed_summary_prints_each_seeds_worst_week_and_the_worst_over_all(capsys):
    args = argparse.Namespace(
        profile="global", learners=3_000, seeds=[2, 3], weeks=3, merge_ahead=12.0
    )
    assert bench.summary(args) == 0
    lines = capsys.readouterr().out.splitlines()
    worst = 0.0
    for seed, line in zip((2, 3), lines[3:5], strict=True):
        rows = list(bench.simulate("global", 3_000, seed, 3, ("repair",)))
        top = max(rows, key=lambda r: bench.pct(r, "moved"))
        worst = max(worst, bench.pct(top, "moved"))
        fields = line.split()
        assert fields[0] == str(seed)
        assert fields[1] == f"{bench.pct(top, 'moved'):.2f}%" and fields[2] == str(top["week"])
    assert lines[-1].startswith(f"worst over the seeds: moved {worst:.2f}% (target 15%)")

"""The `peerpath group ...` command-line contract, end to end through `cli.main`."""

import json

from peerpath.grouping.solver.cli import main

from .helpers import assert_hard_rules_hold


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_generate_then_solve_round_trip_writes_groups_and_unassigned(tmp_path, capsys):
    learners_file, out = tmp_path / "learners.jsonl", tmp_path / "groups.jsonl"
    assert (
        main(
            [
                "group",
                "generate",
                "--profile",
                "national",
                "--learners",
                "300",
                "--seed",
                "7",
                "--out",
                str(learners_file),
            ]
        )
        == 0
    )
    assert len(read_jsonl(learners_file)) == 300
    assert (
        main(["group", "solve", "--learners", str(learners_file), "--out", str(out), "--seed", "1"])
        == 0
    )
    printed = capsys.readouterr().out
    assert "hard violations 0" in printed and "lower bound" in printed
    lines = read_jsonl(out)
    groups, last = lines[:-1], lines[-1]
    assert set(last) == {"unassigned"} and all(
        set(u) == {"id", "reason"} for u in last["unassigned"]
    )
    assert all(set(g) == {"group", "hour", "members"} for g in groups)
    placed = [m for g in groups for m in g["members"]] + [u["id"] for u in last["unassigned"]]
    assert sorted(placed) == sorted(row["id"] for row in read_jsonl(learners_file))

    from peerpath.grouping.solver import Group, Rules, Solution, Unassigned
    from peerpath.grouping.solver.files import read_learners
    from peerpath.grouping.solver.quality import check_hard_rules

    learners = read_learners(learners_file)
    rebuilt = [Group(id=g["group"], hour=g["hour"], members=g["members"]) for g in groups]
    unassigned = [Unassigned(**u) for u in last["unassigned"]]
    assert not any(check_hard_rules(learners, Rules(), rebuilt, unassigned).values())

    class _Report:
        hard_total = 0

    assert_hard_rules_hold(learners, Rules(), Solution(rebuilt, unassigned, _Report()))


def test_generate_is_deterministic(tmp_path):
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (first, second):
        main(
            [
                "group",
                "generate",
                "--profile",
                "global",
                "--learners",
                "50",
                "--seed",
                "3",
                "--out",
                str(out),
            ]
        )
    assert first.read_bytes() == second.read_bytes()


def test_rules_from_yaml_are_applied(tmp_path, capsys):
    learners_file, rules_file, out = (
        tmp_path / "l.jsonl",
        tmp_path / "rules.yaml",
        tmp_path / "g.jsonl",
    )
    main(
        [
            "group",
            "generate",
            "--profile",
            "global",
            "--learners",
            "400",
            "--seed",
            "1",
            "--out",
            str(learners_file),
        ]
    )
    rules_file.write_text(
        "min_size: 4\nmax_size: 5\ntarget_size: 5\nallowed_hours: [0, 1, 2, 20, 21, 22, 23]\n"
    )
    assert (
        main(
            [
                "group",
                "solve",
                "--learners",
                str(learners_file),
                "--rules",
                str(rules_file),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    groups = read_jsonl(out)[:-1]
    assert groups and all(
        4 <= len(g["members"]) <= 5 and g["hour"] in {0, 1, 2, 20, 21, 22, 23} for g in groups
    )


def test_bad_learner_line_is_named_with_file_line_and_field_and_nothing_is_written(
    tmp_path, capsys
):
    learners_file, out = tmp_path / "learners.jsonl", tmp_path / "groups.jsonl"
    good = {"id": "a", "language": "en", "availability": [1, 2]}
    lines = [json.dumps({**good, "id": f"x{i}"}) for i in range(11)]
    lines.append(json.dumps({**good, "id": "bad", "availability": [3, 170]}))
    learners_file.write_text("\n".join(lines) + "\n")
    assert main(["group", "solve", "--learners", str(learners_file), "--out", str(out)]) == 2
    assert (
        f"{learners_file} line 12: availability: hour 170 out of range 0..167"
        in capsys.readouterr().err
    )
    assert not out.exists()


def test_other_input_mistakes_are_reported_with_their_field(tmp_path, capsys):
    out = tmp_path / "g.jsonl"
    ok = '{"id": "a", "language": "en", "availability": [1]'
    cases = {
        '{"id": "a", "language": "en"}': "line 1: availability: missing",
        ok + ', "role": "boss"}': "line 1: role: 'boss'",
        ok + ', "colour": 1}': "line 1: colour: unknown field",
        ok + "}\n" + ok + "}": "line 2: id: 'a' already used on line 1",
        ok + ', "knowledge": 7}': "line 1: knowledge: 7 out of range 0..4",
        "{not json": "line 1: not valid JSON",
    }
    for text, expected in cases.items():
        learners_file = tmp_path / "l.jsonl"
        learners_file.write_text(text + "\n")
        assert main(["group", "solve", "--learners", str(learners_file), "--out", str(out)]) == 2
        assert expected in capsys.readouterr().err
    rules_file = tmp_path / "rules.json"
    rules_file.write_text('{"min_size": 6, "max_szie": 9}')
    learners_file.write_text('{"id": "a", "language": "en", "availability": [1]}\n')
    assert (
        main(
            [
                "group",
                "solve",
                "--learners",
                str(learners_file),
                "--rules",
                str(rules_file),
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "rules.json: max_szie: unknown rule" in capsys.readouterr().err
    assert (
        main(["group", "solve", "--learners", str(tmp_path / "missing.jsonl"), "--out", str(out)])
        == 2
    )
    assert "missing.jsonl: cannot be read" in capsys.readouterr().err
    assert not out.exists()


def test_usage_errors_exit_with_status_2(capsys):
    assert main(["group", "solve", "--out", "x.jsonl"]) == 2
    assert main(["group", "generate", "--profile", "moon", "--learners", "5", "--out", "x"]) == 2

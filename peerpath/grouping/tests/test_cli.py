"""`peerpath group generate` and `peerpath group solve`, run as a user runs them."""

import json
import subprocess
import sys


def peerpath(*args, cwd):
    return subprocess.run([sys.executable, "-m", "peerpath.cli.main", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_solving_ten_thousand_generated_learners_exits_0_and_every_group_can_meet(tmp_path):
    learners_file, groups_file = tmp_path / "learners.jsonl", tmp_path / "groups.jsonl"
    made = peerpath("group", "generate", "--profile", "global", "--learners", "10000",
                    "--seed", "11", "--out", str(learners_file), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    solved = peerpath("group", "solve", "--learners", str(learners_file),
                      "--out", str(groups_file), cwd=tmp_path)
    assert solved.returncode == 0, solved.stderr
    assert "hard violations 0" in solved.stdout

    # an independent check of the hard rules, from the files alone
    learners = {row["id"]: row for row in map(json.loads, learners_file.open())}
    rows = [json.loads(line) for line in groups_file.open()]
    groups = [row for row in rows if "group" in row]
    (unassigned_row,) = [row for row in rows if "unassigned" in row]
    seen = []
    for group in groups:
        members = [learners[m] for m in group["members"]]
        assert 6 <= len(members) <= 10
        assert len({m["language"] for m in members}) == 1
        assert all(group["hour"] in m["availability"] for m in members)
        seen.extend(group["members"])
    unassigned = [u["id"] for u in unassigned_row["unassigned"]]
    assert all(u["reason"] for u in unassigned_row["unassigned"])
    assert len(seen) == len(set(seen))
    assert sorted(seen + unassigned) == sorted(learners)


def test_a_bad_learner_file_names_the_line_and_writes_nothing(tmp_path):
    learners_file, groups_file = tmp_path / "learners.jsonl", tmp_path / "groups.jsonl"
    learners_file.write_text(
        '{"id": "a", "language": "en", "timezone": "UTC", "availability": [1, 2]}\n'
        '{"id": "b", "language": "en", "timezone": "UTC", "availability": [170]}\n'
    )
    solved = peerpath("group", "solve", "--learners", str(learners_file),
                      "--out", str(groups_file), cwd=tmp_path)
    assert solved.returncode == 2
    assert "line 2" in solved.stderr and "170" in solved.stderr
    assert not groups_file.exists()

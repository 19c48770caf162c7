"""Every requirement in requirements.py has a test, and every test names real requirements."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from peerpath.xapi.tests.conftest import DUMP_VARIABLE, requirement_marks
from peerpath.xapi.tests.requirements import BY_ID, REQUIREMENTS

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]


def _module_paths(nodeids) -> set[str]:
    return {nodeid.split("::")[0] for nodeid in nodeids}


@pytest.fixture(scope="module")
def traced(request) -> dict[str, dict]:
    """{test node id: its requirement marks} over every test of this folder.

    Taken from this run when it collected the whole folder; otherwise from a collection run
    of the folder in a subprocess, so that the check holds when one file is run alone.
    """
    wanted = {str(path.relative_to(ROOT)) for path in HERE.glob("test_*.py")}
    items = [
        item
        for item in request.session.items
        if item.nodeid.startswith(str(HERE.relative_to(ROOT)))
    ]
    if wanted <= _module_paths(item.nodeid for item in items):
        return {item.nodeid: requirement_marks(item) for item in items}
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "marks.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:xdist",
                str(HERE),
            ],
            cwd=ROOT,
            env=dict(os.environ, **{DUMP_VARIABLE: str(dump)}),
            check=True,
            capture_output=True,
        )
        return json.loads(dump.read_text())


def test_every_marker_names_a_listed_requirement(traced):
    unknown = {
        nodeid: [i for i in marks["ids"] if i not in BY_ID] for nodeid, marks in traced.items()
    }
    assert {k: v for k, v in unknown.items() if v} == {}


def test_every_requirement_has_a_test(traced):
    covered = {i for marks in traced.values() for i in marks["ids"]}
    missing = [r.id for r in REQUIREMENTS if r.id not in covered]
    assert missing == []


def test_unmet_requirements_have_strict_xfail_tests_and_met_ones_a_passing_test(traced):
    """A requirement PeerPath does not meet is shown by strict xfail tests, not hidden; one it
    meets needs at least one test expected to pass."""
    wrong = []
    for requirement in REQUIREMENTS:
        tests = [m for m in traced.values() if requirement.id in m["ids"]]
        expected_to_fail = [m for m in tests if m["xfail_strict"]]
        if requirement.unmet and (not tests or len(expected_to_fail) != len(tests)):
            wrong.append(f"{requirement.id}: listed as unmet, but a test expects it met")
        if not requirement.unmet and tests and len(expected_to_fail) == len(tests):
            wrong.append(f"{requirement.id}: every test is xfail, but it is not listed as unmet")
    assert wrong == []


def test_requirement_ids_are_unique_and_well_formed():
    ids = [r.id for r in REQUIREMENTS]
    assert len(ids) == len(set(ids))
    for requirement in REQUIREMENTS:
        assert requirement.part in {"Data", "Communication"}
        assert requirement.section[0].isdigit(), requirement.id
        assert requirement.text, requirement.id

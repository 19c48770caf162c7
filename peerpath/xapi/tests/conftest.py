"""Fixtures for the LRS tests: a client with credentials and an HTTP helper that sends them.

Also registers the `xapi_req` marker that traces a test to the spec requirements it checks
(requirements.py), and, when PEERPATH_XAPI_REQ_DUMP names a file, writes each collected test's
requirement ids there (test_requirements.py uses it when a run collected only some tests).
"""

import json
import os

import pytest

from peerpath.xapi.services import client_create
from peerpath.xapi.tests.helpers import Lrs

DUMP_VARIABLE = "PEERPATH_XAPI_REQ_DUMP"


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "xapi_req(*ids): the xAPI requirements (peerpath/xapi/tests/requirements.py) "
        "the test checks",
    )


def requirement_marks(item) -> dict:
    """{"ids": [...], "xfail_strict": bool} for one collected test."""
    ids = [i for mark in item.iter_markers("xapi_req") for i in mark.args]
    xfail = item.get_closest_marker("xfail")
    strict = bool(xfail and xfail.kwargs.get("strict", False))
    return {"ids": ids, "xfail_strict": strict}


def pytest_collection_finish(session):
    path = os.environ.get(DUMP_VARIABLE)
    if path:
        marks = {item.nodeid: requirement_marks(item) for item in session.items}
        with open(path, "w", encoding="utf-8") as out:
            json.dump(marks, out)


@pytest.fixture
def xapi_client(db):
    client, secret = client_create(name="Quiz tool")
    client.raw_secret = secret
    return client


@pytest.fixture
def lrs(client, xapi_client):
    return Lrs(client, xapi_client.key, xapi_client.raw_secret)

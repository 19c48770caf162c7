"""Fixtures for the LRS tests: a client with credentials and an HTTP helper that sends them."""

import pytest

from peerpath.xapi.services import client_create
from peerpath.xapi.tests.helpers import Lrs


@pytest.fixture
def xapi_client(db):
    client, secret = client_create(name="Quiz tool")
    client.raw_secret = secret
    return client


@pytest.fixture
def lrs(client, xapi_client):
    return Lrs(client, xapi_client.key, xapi_client.raw_secret)

"""Failures nobody planned for: an exception inside a view still gets an LRS-shaped reply."""

import logging

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client

from peerpath.xapi.models import Document, Statement
from peerpath.xapi.tests.helpers import Lrs, make_statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_lrs(xapi_client):
    # The test client re-raises a view's exception by default; a real server answers instead.
    return Lrs(Client(raise_request_exception=False), xapi_client.key, xapi_client.raw_secret)


def _fail(*args, **kwargs):
    raise RuntimeError("disk on fire at /srv/secret/path")


@pytest.mark.xapi_req("COMM-3.3-a")
def test_an_exception_half_way_through_a_batch_is_a_500_with_the_version_and_stores_nothing(
    quiet_lrs, monkeypatch, caplog, settings
):
    settings.DEBUG = False
    # The statement rows are already inserted when the StatementRef rows fail to be.
    monkeypatch.setattr("peerpath.xapi.services.statements.target_rows_insert", _fail)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = quiet_lrs.post([make_statement(), make_statement()])
    assert response.status_code == 500
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")
    assert response.json() == {
        "error": {"status": 500, "message": "the LRS failed to handle this request"}
    }
    assert b"Traceback" not in response.content
    assert b"/srv/secret" not in response.content
    assert Statement.objects.count() == 0
    # The traceback still reaches the error log, as it would without the LRS's wrapper.
    assert any(record.exc_info and record.status_code == 500 for record in caplog.records)


@pytest.mark.xapi_req("COMM-3.3-a")
def test_a_failing_document_write_is_a_500_with_the_1_0_3_version_header(
    quiet_lrs, monkeypatch, settings
):
    settings.DEBUG = False
    quiet_lrs.version = "1.0.3"
    monkeypatch.setattr("peerpath.xapi.views.documents.document_write", _fail)
    response = quiet_lrs.request(
        "put",
        "/xapi/activities/profile?activityId=http://e.org/a&profileId=p",
        b"{}",
    )
    assert response.status_code == 500
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["Content-Type"] == "application/json"
    assert "disk on fire" not in response.json()["error"]["message"]
    assert Document.objects.count() == 0


def test_with_debug_on_the_500_names_the_exception_but_carries_no_traceback(
    quiet_lrs, monkeypatch, settings
):
    settings.DEBUG = True
    monkeypatch.setattr("peerpath.xapi.selectors.statement_list", _fail)
    response = quiet_lrs.get()
    assert response.status_code == 500
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert response.json()["error"]["message"].endswith(
        "RuntimeError: disk on fire at /srv/secret/path"
    )
    assert b"Traceback" not in response.content


def test_django_s_own_refusals_keep_their_status_and_gain_the_version_header(
    quiet_lrs, monkeypatch
):
    def suspicious(*args, **kwargs):
        raise SuspiciousOperation("too many fields")

    monkeypatch.setattr("peerpath.xapi.selectors.statement_list", suspicious)
    response = quiet_lrs.get()
    assert response.status_code == 400
    assert response["X-Experience-API-Version"] == "2.0.0"

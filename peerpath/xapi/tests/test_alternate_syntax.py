"""The alternate request syntax of xAPI 1.0.3 (Communication 1.3), refused in xAPI 2.0.

A client that cannot send some methods or headers POSTs `?method=X` with a url-encoded form
that carries the headers, the parameters and the body as `content`.
"""

import json
from urllib.parse import urlencode

import pytest

from peerpath.xapi.models import Document, Statement
from peerpath.xapi.tests.helpers import make_statement, new_id

pytestmark = pytest.mark.django_db
FORM = "application/x-www-form-urlencoded"


def alternate(lrs, path, method, form, *, headers=True, version="1.0.3", query=None):
    """POST path?method=... with the form; headers=False sends no real headers at all."""
    extra = {"X-Experience-API-Version": version} if headers else {}
    if headers:
        extra["Authorization"] = lrs.auth
    return lrs.http.post(
        f"{path}?{urlencode(query or {'method': method})}",
        data=urlencode(form),
        content_type=FORM,
        headers=extra,
    )


@pytest.mark.xapi_req("COMM-1.3-a", "COMM-2.1.2-b")
def test_get_through_post_returns_a_statement_result(lrs):
    lrs.post(make_statement())
    response = alternate(lrs, "/xapi/statements", "GET", {"limit": 1})
    assert response.status_code == 200, response.content
    assert set(response.json()) == {"statements", "more"}
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.xapi_req("COMM-1.3-a", "COMM-1.3-b", "COMM-1.3-c", "COMM-1.3-d")
def test_put_with_headers_and_content_in_the_form_stores_the_statement(lrs):
    sid = new_id()
    form = {
        "statementId": sid,
        "content": json.dumps(make_statement()),
        "Authorization": lrs.auth,
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
    }
    response = alternate(lrs, "/xapi/statements", "PUT", form, headers=False)
    assert response.status_code == 204, response.content
    assert Statement.objects.filter(statement_id=sid).exists()


@pytest.mark.xapi_req("COMM-1.3-b")
def test_credentials_in_the_form_are_checked_like_the_header(lrs):
    form = {"Authorization": "Basic bm86cGU=", "X-Experience-API-Version": "1.0.3"}
    response = alternate(lrs, "/xapi/statements", "GET", form, headers=False)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"method": "PUT", "statementId": "x"}, "every parameter except method"),
        ({"method": "put"}, "is not one of"),
        ({"method": "PATCH"}, "is not one of"),
    ],
)
@pytest.mark.xapi_req("COMM-1.3-a")
def test_extra_parameters_or_unknown_methods_are_400(lrs, query, message):
    form = {"statementId": new_id(), "content": json.dumps(make_statement())}
    response = alternate(lrs, "/xapi/statements", None, form, query=query)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_alternate_syntax_must_be_a_post(lrs):
    response = lrs.request(
        "get", "/xapi/statements?method=GET", headers={"X-Experience-API-Version": "1.0.3"}
    )
    assert response.status_code == 400
    assert "must be sent as a POST" in response.json()["error"]["message"]


def test_body_that_is_not_a_url_encoded_form_is_400(lrs):
    form = {"statementId": new_id(), "content": json.dumps(make_statement())}
    response = lrs.request(
        "post",
        "/xapi/statements?method=PUT",
        json.dumps(form),
        content_type="application/json",
        headers={"X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 400
    assert "x-www-form-urlencoded" in response.json()["error"]["message"]


def test_put_without_content_is_400(lrs):
    response = alternate(lrs, "/xapi/statements", "PUT", {"statementId": new_id()})
    assert response.status_code == 400
    assert "body" in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-1.3-e")
def test_xapi_2_refuses_the_alternate_syntax(lrs):
    for method in ("GET", "PUT", "POST"):
        response = alternate(lrs, "/xapi/statements", method, {}, version="2.0.0")
        assert response.status_code == 400
        assert "2.0 has no alternate request syntax" in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-1.3-b")
def test_document_resources_take_concurrency_headers_from_the_form(lrs):
    agent = json.dumps({"mbox": "mailto:ada@example.org"})
    where = {"activityId": "http://example.org/a", "agent": agent, "stateId": "s"}
    created = alternate(
        lrs,
        "/xapi/activities/state",
        "PUT",
        where | {"content": "first", "Content-Type": "text/plain"},
    )
    assert created.status_code == 204, created.content
    stale = alternate(
        lrs,
        "/xapi/activities/state",
        "PUT",
        where | {"content": "second", "Content-Type": "text/plain", "If-Match": '"nope"'},
    )
    assert stale.status_code == 412
    got = alternate(lrs, "/xapi/activities/state", "GET", where)
    assert got.status_code == 200
    assert got.content == b"first"
    assert got["ETag"] == created["ETag"]
    assert alternate(lrs, "/xapi/activities/state", "DELETE", where).status_code == 204
    assert Document.objects.count() == 0


@pytest.mark.xapi_req("COMM-3.2-f")
def test_an_oversized_form_is_413_before_it_is_read(lrs, settings):
    settings.PEERPATH_XAPI_MAX_BODY = 100
    form = {"statementId": new_id(), "content": json.dumps(make_statement())}
    response = alternate(lrs, "/xapi/statements", "PUT", form)
    assert response.status_code == 413
    assert Statement.objects.count() == 0

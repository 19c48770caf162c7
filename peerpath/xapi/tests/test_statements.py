"""The Statements resource over HTTP: storing, returning exactly, conflicts, voiding, headers."""

import base64
import json

import pytest

from peerpath.xapi.models import Statement, XapiClient
from peerpath.xapi.tests.helpers import make_statement, new_id

pytestmark = pytest.mark.django_db
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


@pytest.mark.xapi_req(
    "COMM-2.1.1-a", "DATA-2.2-e", "DATA-2.4.7-b", "DATA-2.4.9-a", "DATA-2.4.10-b", "COMM-1.4-a"
)
def test_put_stores_the_statement_and_get_returns_it_exactly_with_lrs_properties(lrs, xapi_client):
    sid = new_id()
    stmt = make_statement(result={"score": {"raw": 1.0, "max": 2}}, context={"platform": "É"})
    response = lrs.put(stmt, sid)
    assert response.status_code == 204
    assert response["X-Experience-API-Version"] == "2.0.0"
    got = lrs.get({"statementId": sid})
    assert got.status_code == 200
    body = got.json()
    assert {k: body[k] for k in stmt} == stmt
    assert body["id"] == sid
    assert body["version"] == "2.0.0"
    assert body["timestamp"] == body["stored"]
    assert body["authority"]["account"]["name"] == xapi_client.key
    assert got["Last-Modified"]
    assert got["X-Experience-API-Consistent-Through"]


@pytest.mark.xapi_req("COMM-2.1.1-c", "DATA-2.3.1-a")
def test_re_put_of_the_same_statement_is_204_and_stores_nothing_new(lrs):
    sid, stmt = new_id(), make_statement()
    assert lrs.put(stmt, sid).status_code == 204
    assert lrs.put(stmt, sid).status_code == 204
    assert Statement.objects.count() == 1


@pytest.mark.xapi_req("COMM-2.1.1-c", "DATA-2.3.1-a")
def test_put_with_the_same_id_and_other_content_is_a_409_conflict(lrs):
    sid = new_id()
    lrs.put(make_statement(), sid)
    response = lrs.put(make_statement(verb="http://example.org/verbs/other"), sid)
    assert response.status_code == 409
    assert sid in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-2.1.1-b", "COMM-2.1.1-d")
def test_put_requires_statement_id_matching_the_body(lrs):
    assert lrs.request("put", "/xapi/statements", make_statement()).status_code == 400
    response = lrs.put(make_statement(id=new_id()), new_id())
    assert response.status_code == 400
    assert "statementId" in response.json()["error"]["message"]


@pytest.mark.xapi_req("DATA-2.4.1-a", "COMM-2.1.2-a")
def test_post_single_returns_its_generated_id(lrs):
    response = lrs.post(make_statement())
    assert response.status_code == 200
    [sid] = response.json()
    assert Statement.objects.get().statement_id.hex == sid.replace("-", "")


@pytest.mark.xapi_req("COMM-2.1.2-a", "COMM-1.5.1-a")
def test_post_batch_returns_ids_in_order(lrs):
    ids = [new_id() for _ in range(3)]
    response = lrs.post([make_statement(id=i) for i in ids])
    assert response.status_code == 200
    assert response.json() == ids


@pytest.mark.xapi_req("DATA-2.2-d", "COMM-3.2-d")
def test_bad_statement_in_a_batch_is_400_naming_it_and_stores_nothing(lrs):
    batch = [make_statement(), make_statement(actor="ada@example.org")]
    response = lrs.post(batch)
    assert response.status_code == 400
    assert "statements[1].actor.mbox" in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        ("{not json", "application/json", "malformed JSON"),
        ('"a string"', "application/json", "body"),
        (json.dumps(dict(make_statement(), actor=1)), "application/json", "actor: must be"),
        ("", "application/json", "empty"),
        ('{"a": NaN}', "application/json", "malformed JSON"),
        ("<xml/>", "text/xml", "Content-Type"),
    ],
)
@pytest.mark.xapi_req("COMM-3.2-a", "DATA-2.2-c")
def test_malformed_bodies_are_400_with_a_message_and_store_nothing(
    lrs, body, content_type, expected
):
    response = lrs.post(body, content_type=content_type)
    assert response.status_code == 400
    assert expected in response.json()["error"]["message"]
    assert Statement.objects.count() == 0


def test_duplicate_ids_within_a_batch_are_rejected(lrs):
    sid = new_id()
    response = lrs.post([make_statement(id=sid), make_statement(id=sid)])
    assert response.status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("COMM-3.3-d", "COMM-3.3-a")
def test_missing_or_unknown_version_header_is_400_and_echoes_a_version(lrs):
    response = lrs.post(make_statement(), version=False)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]["message"]
    assert response["X-Experience-API-Version"]
    lrs.version = "0.95"
    assert lrs.post(make_statement()).status_code == 400
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("COMM-3.3-b", "DATA-2.4.10-b")
def test_1_0_3_clients_are_answered_in_1_0_3_and_statements_get_version_1_0_0(lrs):
    lrs.version = "1.0.3"
    sid = new_id()
    response = lrs.put(make_statement(), sid)
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert lrs.get({"statementId": sid}).json()["version"] == "1.0.0"


@pytest.mark.xapi_req("COMM-4.0-a")
def test_requests_without_or_with_wrong_credentials_are_401(lrs, xapi_client):
    assert lrs.post(make_statement(), auth=False).status_code == 401
    wrong = "Basic " + base64.b64encode(f"{xapi_client.key}:nope".encode()).decode()
    response = lrs.post(make_statement(), headers={"Authorization": wrong})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    XapiClient.objects.update(active=False)
    assert lrs.post(make_statement()).status_code == 401
    assert Statement.objects.count() == 0


@pytest.mark.xapi_req("COMM-4.0-a", "COMM-4.0-b")
def test_a_deactivated_client_is_refused_at_once_here_and_within_seconds_elsewhere(
    lrs, xapi_client, monkeypatch
):
    from peerpath.xapi import auth
    from peerpath.xapi.services import client_deactivate

    assert lrs.get().status_code == 200
    client_deactivate(client=XapiClient.objects.get(pk=xapi_client.pk))
    assert lrs.get().status_code == 401
    # Deactivated by another process: this one notices once its memory of the client expires.
    XapiClient.objects.update(active=True)
    assert lrs.get().status_code == 200
    XapiClient.objects.update(active=False)
    later = auth.time.monotonic() + auth.CACHE_SECONDS + 1
    monkeypatch.setattr(auth.time, "monotonic", lambda: later)
    assert lrs.get().status_code == 401


@pytest.mark.xapi_req("COMM-2.8-a")
def test_about_needs_no_credentials_and_lists_versions(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert "2.0.0" in response.json()["version"]
    assert "1.0.3" in response.json()["version"]


@pytest.mark.xapi_req("DATA-2.3.2-b", "COMM-2.1.4-a", "COMM-2.1.4-b")
def test_voiding_hides_the_statement_and_voidedstatementid_returns_it(lrs):
    target = new_id()
    lrs.put(make_statement(), target)
    voiding = make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target})
    assert lrs.post(voiding).status_code == 200
    assert lrs.get({"statementId": target}).status_code == 404
    got = lrs.get({"voidedStatementId": target})
    assert got.status_code == 200
    assert got.json()["id"] == target
    listed = [s["verb"]["id"] for s in lrs.get().json()["statements"]]
    assert listed == [VOIDED]


@pytest.mark.xapi_req("DATA-2.3.2-c")
def test_a_voiding_statement_cannot_be_voided(lrs):
    target, voiding = new_id(), new_id()
    lrs.put(make_statement(), target)
    lrs.put(
        make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target}), voiding
    )
    response = lrs.post(
        make_statement(verb=VOIDED, object={"objectType": "StatementRef", "id": voiding})
    )
    assert response.status_code == 400
    assert lrs.get({"statementId": voiding}).status_code == 200


@pytest.mark.xapi_req("COMM-2.1.3-b", "COMM-3.2-b", "COMM-3.2-a")
def test_get_by_id_refuses_other_filters_and_unknown_parameters(lrs):
    sid = new_id()
    lrs.put(make_statement(), sid)
    assert lrs.get({"statementId": sid, "verb": "http://e.org/v"}).status_code == 400
    assert lrs.get({"colour": "blue"}).status_code == 400
    assert lrs.get({"statementId": "nope"}).status_code == 400
    assert lrs.get({"statementId": new_id()}).status_code == 404


@pytest.mark.xapi_req("DATA-4.4-a")
def test_statement_ids_are_stored_and_returned_as_sent_in_lowercase(lrs):
    sid = new_id().upper()
    lrs.put(make_statement(id=sid), sid)
    assert lrs.get({"statementId": sid.lower()}).json()["id"] == sid.lower()
    assert json.loads(Statement.objects.get().payload)["id"] == sid.lower()

"""The State, Activity Profile and Agent Profile resources, the Activities, Agents and About
resources, and concurrency, against the spec's requirement list (requirements.py)."""

import datetime as dt
import hashlib
import json
from urllib.parse import urlencode

import pytest
import time_machine

from peerpath.xapi.models import Document

pytestmark = pytest.mark.django_db
ACTIVITY = "http://example.org/activities/never-seen"
AGENT = json.dumps({"mbox": "mailto:stranger@example.org"})
REGISTRATION = "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"

# Each document resource: its path, the parameters naming the context, the id parameter.
RESOURCES = {
    "state": ("/xapi/activities/state", {"activityId": ACTIVITY, "agent": AGENT}, "stateId"),
    "activity_profile": ("/xapi/activities/profile", {"activityId": ACTIVITY}, "profileId"),
    "agent_profile": ("/xapi/agents/profile", {"agent": AGENT}, "profileId"),
}


def url(resource, *, drop=(), **extra):
    path, context, _ = RESOURCES[resource]
    params = {k: v for k, v in {**context, **extra}.items() if k not in drop}
    return path + "?" + urlencode(params)


def doc_url(resource, document_id="doc", **extra):
    return url(resource, **{RESOURCES[resource][2]: document_id}, **extra)


@pytest.fixture(params=sorted(RESOURCES))
def resource(request):
    return request.param


@pytest.mark.xapi_req("COMM-2.2-a", "COMM-2.3-a", "COMM-2.6-a", "COMM-2.7-a", "COMM-2.2-e")
def test_each_method_answers_with_the_spec_status_for_unknown_activities_and_agents(lrs, resource):
    address = doc_url(resource)
    assert lrs.request("put", address, {"a": 1}, headers={"If-None-Match": "*"}).status_code == 204
    got = lrs.request("get", address)
    assert got.status_code == 200
    assert got.json() == {"a": 1}
    assert got["Last-Modified"].endswith("GMT")
    assert lrs.request(
        "post", address, {"b": 2}, headers={"If-Match": got["ETag"]}
    ).status_code == (204)
    assert lrs.request("get", address).json() == {"a": 1, "b": 2}
    assert lrs.request("delete", address).status_code == 204
    assert lrs.request("get", address).status_code == 404


@pytest.mark.xapi_req("COMM-2.2-b", "COMM-2.2-d")
def test_post_merges_only_top_level_properties_replacing_nested_objects_whole(lrs, resource):
    address = doc_url(resource, "merge")
    first = {"x": "foo", "y": "bar", "nested": {"keep": 1, "also": 2}}
    assert lrs.request("post", address, first).status_code == 204  # stored as PUT would
    assert lrs.request(
        "post", address, {"x": "bash", "z": "faz", "nested": {"new": 3}}
    ).status_code == (204)
    merged = lrs.request("get", address).json()
    assert merged == {"x": "bash", "y": "bar", "z": "faz", "nested": {"new": 3}}


@pytest.mark.xapi_req("COMM-2.2-c")
@pytest.mark.parametrize(
    ("existing", "posted"),
    [
        ((b'{"a": 1}', "application/json"), (b"plain", "text/plain")),
        ((b"plain", "text/plain"), (b'{"a": 1}', "application/json")),
        ((b'{"a": 1}', "application/json"), (b"[1, 2]", "application/json")),
        ((b'{"a": 1}', "application/json"), (b"{not json", "application/json")),
        (None, (b"{not json", "application/json")),
    ],
)
def test_post_that_cannot_merge_two_json_objects_is_400_and_changes_nothing(
    lrs, resource, existing, posted
):
    address = doc_url(resource, "m")
    if existing:
        lrs.request("put", address, existing[0], content_type=existing[1])
    before = list(Document.objects.values_list("content", "etag"))
    response = lrs.request("post", address, posted[0], content_type=posted[1])
    assert response.status_code == 400
    assert response.json()["error"]["message"]
    assert list(Document.objects.values_list("content", "etag")) == before


@pytest.mark.xapi_req("COMM-2.3-b", "COMM-2.6-b", "COMM-2.7-b", "COMM-3.2-a")
@pytest.mark.parametrize("method", ["get", "put", "post", "delete"])
def test_each_required_parameter_is_enforced_with_400_naming_it(lrs, resource, method):
    _, context, id_name = RESOURCES[resource]
    for missing in context:
        response = lrs.request(
            method, doc_url(resource, drop=(missing,)), b"x", content_type="text/plain"
        )
        assert response.status_code == 400, (missing, method)
        assert missing in response.json()["error"]["message"]
    if method in {"put", "post"} or (method == "delete" and resource != "state"):
        response = lrs.request(method, url(resource), b"x", content_type="text/plain")
        assert response.status_code == 400
        assert id_name in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-2.3-c", "COMM-2.6-b")
@pytest.mark.parametrize("method", ["get", "put", "post", "delete"])
@pytest.mark.parametrize(
    ("resource", "params", "name"),
    [
        ("state", {"agent": "mbox=mailto:a@e.org"}, "agent"),
        ("state", {"agent": json.dumps({"name": "no IFI"})}, "agent"),
        ("state", {"registration": "not-a-uuid"}, "registration"),
        ("state", {"activityId": "not an IRI"}, "activityId"),
        ("agent_profile", {"agent": "[]"}, "agent"),
        (
            "agent_profile",
            {"agent": json.dumps({"objectType": "Group", "mbox": "mailto:g@e.org"})},
            "agent",
        ),
        ("activity_profile", {"activityId": "relative/id"}, "activityId"),
    ],
)
def test_malformed_parameters_are_400_on_every_method(lrs, method, resource, params, name):
    response = lrs.request(method, doc_url(resource, **params), b"x", content_type="text/plain")
    assert response.status_code == 400
    assert name in response.json()["error"]["message"]
    assert Document.objects.count() == 0


@pytest.mark.xapi_req("COMM-2.3-c")
@pytest.mark.parametrize("method", ["get", "delete"])
def test_since_that_is_not_a_timestamp_is_400_when_listing_or_deleting_state(lrs, method):
    lrs.request("put", doc_url("state", "kept"), b"x", content_type="text/plain")
    response = lrs.request(method, url("state", since="yesterday"))
    assert response.status_code == 400
    assert "since" in response.json()["error"]["message"]
    assert Document.objects.count() == 1


@pytest.mark.xapi_req("COMM-2.3-d", "COMM-2.6-c", "COMM-2.7-c")
def test_listing_returns_the_ids_of_the_context_updated_after_since_exclusive(lrs, resource):
    base = dt.datetime(2026, 5, 1, 9, tzinfo=dt.UTC)
    for minute, name in enumerate(("early", "edge", "late")):
        with time_machine.travel(base + dt.timedelta(minutes=minute), tick=False):
            lrs.request("put", doc_url(resource, name), {"n": name}, headers={"If-None-Match": "*"})
    assert sorted(lrs.request("get", url(resource)).json()) == ["early", "edge", "late"]
    edge = (base + dt.timedelta(minutes=1)).isoformat()
    assert lrs.request("get", url(resource, since=edge)).json() == ["late"]


@pytest.mark.xapi_req("COMM-2.3-e", "COMM-2.3-f")
def test_state_delete_without_state_id_clears_only_its_context_and_registration(lrs):
    lrs.request(
        "put", doc_url("state", "a", registration=REGISTRATION), b"1", content_type="text/plain"
    )
    lrs.request("put", doc_url("state", "a"), b"2", content_type="text/plain")
    assert lrs.request("get", doc_url("state", "a", registration=REGISTRATION)).content == b"1"
    assert lrs.request("get", doc_url("state", "a")).content == b"2"
    assert lrs.request("delete", url("state", registration=REGISTRATION)).status_code == 204
    assert lrs.request("get", doc_url("state", "a", registration=REGISTRATION)).status_code == 404
    assert lrs.request("get", doc_url("state", "a")).content == b"2"


@pytest.mark.xapi_req("COMM-3.1-a")
def test_etag_is_the_quoted_lowercase_sha1_of_the_returned_content(lrs, resource):
    content = b"\x00binary \xff content"
    lrs.request(
        "put",
        doc_url(resource),
        content,
        content_type="application/octet-stream",
        headers={"If-None-Match": "*"},
    )
    got = lrs.request("get", doc_url(resource))
    assert got.content == content
    assert got["ETag"] == '"' + hashlib.sha1(content).hexdigest() + '"'


@pytest.mark.xapi_req("COMM-3.1-b", "COMM-3.1-c", "COMM-3.1-d")
def test_failed_put_preconditions_are_412_and_change_nothing(lrs, resource):
    address = doc_url(resource)
    assert lrs.request("put", address, {"v": 1}, headers={"If-None-Match": "*"}).status_code == 204
    etag = lrs.request("get", address)["ETag"]
    stale = lrs.request("put", address, {"v": 2}, headers={"If-Match": '"0000"'})
    exists = lrs.request("put", address, {"v": 3}, headers={"If-None-Match": "*"})
    assert (stale.status_code, exists.status_code) == (412, 412)
    assert lrs.request("get", address).json() == {"v": 1}
    assert lrs.request("put", address, {"v": 4}, headers={"If-Match": etag}).status_code == 204
    assert lrs.request("get", address).json() == {"v": 4}


@pytest.mark.xapi_req("COMM-3.1-e")
@pytest.mark.parametrize("resource", ["activity_profile", "agent_profile"])
@pytest.mark.parametrize("version", ["1.0.3", "2.0.0"])
def test_put_without_a_precondition_over_a_profile_is_409_explaining_what_to_do(
    lrs, resource, version
):
    lrs.version = version
    address = doc_url(resource)
    assert lrs.request("put", address, {"v": 1}).status_code == 204  # nothing to overwrite yet
    response = lrs.request("put", address, {"v": 2})
    assert response.status_code == 409
    assert "If-Match" in response.json()["error"]["message"]
    assert lrs.request("get", address).json() == {"v": 1}


def test_1_0_3_state_may_be_overwritten_without_concurrency_headers(lrs):
    # 1.0.3 Communication 3.1: "The State Resource will permit PUT, POST and DELETE requests
    # without concurrency headers".
    lrs.version = "1.0.3"
    lrs.request("put", doc_url("state"), {"v": 1})
    assert lrs.request("put", doc_url("state"), {"v": 2}).status_code == 204
    assert lrs.request("get", doc_url("state")).json() == {"v": 2}


@pytest.mark.xapi_req("COMM-3.1-f")
def test_post_and_delete_honour_if_match_and_if_none_match(lrs, resource):
    address = doc_url(resource)
    lrs.request("put", address, {"v": 1}, headers={"If-None-Match": "*"})
    etag = lrs.request("get", address)["ETag"]
    assert lrs.request("post", address, {"w": 2}, headers={"If-Match": '"old"'}).status_code == 412
    assert lrs.request("post", address, {"w": 2}, headers={"If-None-Match": "*"}).status_code == 412
    assert lrs.request("delete", address, headers={"If-Match": '"old"'}).status_code == 412
    assert lrs.request("get", address).json() == {"v": 1}
    assert lrs.request("delete", address, headers={"If-Match": etag}).status_code == 204


@pytest.mark.xapi_req("COMM-2.4-a", "COMM-2.4-b")
def test_agents_returns_a_person_with_array_properties_for_any_agent(lrs):
    account = {"homePage": "https://lms.example.org", "name": "42"}
    for agent, expected in [
        (
            {"name": "Ada", "mbox": "mailto:ada@example.org"},
            {"name": ["Ada"], "mbox": ["mailto:ada@example.org"]},
        ),
        ({"account": account}, {"account": [account]}),
        ({"openid": "https://id.example.org/ada"}, {"openid": ["https://id.example.org/ada"]}),
        ({"mbox_sha1sum": "a" * 40}, {"mbox_sha1sum": ["a" * 40]}),
    ]:
        response = lrs.request("get", "/xapi/agents?" + urlencode({"agent": json.dumps(agent)}))
        assert response.status_code == 200
        assert response.json() == {"objectType": "Person", **expected}


@pytest.mark.xapi_req("COMM-2.4-c")
@pytest.mark.parametrize(
    "query",
    [
        {},
        {"agent": "not json"},
        {"agent": json.dumps({"objectType": "Group", "member": [{"mbox": "mailto:a@e.org"}]})},
        {"agent": json.dumps({"mbox": "a@e.org"})},
    ],
)
def test_agents_needs_one_valid_agent(lrs, query):
    response = lrs.request("get", "/xapi/agents?" + urlencode(query))
    assert response.status_code == 400
    assert "agent" in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-2.5-a", "COMM-2.5-b")
def test_activities_returns_an_activity_even_unknown_and_needs_its_id(lrs):
    response = lrs.request("get", "/xapi/activities?" + urlencode({"activityId": ACTIVITY}))
    assert response.json() == {"objectType": "Activity", "id": ACTIVITY}
    missing = lrs.request("get", "/xapi/activities")
    assert missing.status_code == 400
    assert "activityId" in missing.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-2.8-a", "COMM-2.8-b", "COMM-2.8-c")
@pytest.mark.parametrize("version", [None, "1.0.3", "2.0.0", "0.9", "nonsense"])
def test_about_lists_the_versions_and_nothing_outside_extensions_whatever_the_header(
    client, version
):
    headers = {"X-Experience-API-Version": version} if version else {}
    response = client.get("/xapi/about", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert set(body) <= {"version", "extensions"}
    assert {"1.0.3", "2.0.0"} <= set(body["version"])


@pytest.mark.xapi_req("COMM-3.3-a", "COMM-3.3-b")
@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/xapi/activities/state?activityId=x", 400),
        ("get", doc_url("activity_profile", "missing"), 404),
        ("delete", "/xapi/agents?agent=%7B%7D", 405),
        ("options", "/xapi/statements", 204),
        ("get", "/xapi/about", 200),
        ("get", "/xapi/statement", 404),
        ("put", "/xapi/extensions/anything", 404),
    ],
)
@pytest.mark.parametrize(
    ("sent", "answered"), [("1.0.3", "1.0.3"), ("1.0", "1.0.3"), ("2.0.0", "2.0.0")]
)
def test_every_response_names_the_latest_patch_of_the_version_spoken(
    lrs, method, path, status, sent, answered
):
    lrs.version = sent
    response = lrs.request(method, path)
    assert response.status_code == status
    assert response["X-Experience-API-Version"] == answered

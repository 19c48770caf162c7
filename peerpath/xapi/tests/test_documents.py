"""State, Activity Profile and Agent Profile documents with ETag concurrency; Activities, Agents."""

import json
from urllib.parse import urlencode

import pytest

from peerpath.xapi.tests.helpers import make_statement

pytestmark = pytest.mark.django_db
ACTIVITY = "http://example.org/activities/intro"
AGENT = json.dumps({"mbox": "mailto:ada@example.org"})


def state_url(**extra):
    return "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": AGENT, **extra})


def profile_url(**extra):
    return "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def agent_profile_url(**extra):
    return "/xapi/agents/profile?" + urlencode({"agent": AGENT, **extra})


@pytest.mark.xapi_req("COMM-2.3-a", "COMM-3.1-a", "COMM-2.2-e")
def test_state_put_get_and_delete(lrs):
    url = state_url(stateId="bookmark")
    assert lrs.request("put", url, b"page 3", content_type="text/plain").status_code == 204
    got = lrs.request("get", url)
    assert got.status_code == 200
    assert got.content == b"page 3"
    assert got["Content-Type"] == "text/plain"
    assert got["ETag"].startswith('"')
    assert got["Last-Modified"]
    assert lrs.request("delete", url).status_code == 204
    assert lrs.request("get", url).status_code == 404


@pytest.mark.xapi_req("COMM-2.2-b", "COMM-2.2-d")
def test_state_post_merges_json_objects(lrs):
    url = state_url(stateId="progress")
    lrs.request("post", url, {"a": 1, "b": 1})
    lrs.request("post", url, {"b": 2, "c": 3})
    assert lrs.request("get", url).json() == {"a": 1, "b": 2, "c": 3}


@pytest.mark.xapi_req("COMM-2.2-c")
def test_post_onto_a_non_json_document_is_400(lrs):
    url = state_url(stateId="bookmark")
    lrs.request("put", url, b"plain", content_type="text/plain")
    assert lrs.request("post", url, {"b": 2}).status_code == 400


@pytest.mark.xapi_req("COMM-2.3-d", "COMM-2.3-e", "COMM-2.3-f")
def test_state_ids_are_listed_and_deleted_together_within_a_registration(lrs):
    registration = "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
    for name in ("one", "two"):
        lrs.request("put", state_url(stateId=name, registration=registration), {"x": name})
    lrs.request("put", state_url(stateId="elsewhere"), {"x": 1})
    listed = lrs.request("get", state_url(registration=registration)).json()
    assert sorted(listed) == ["one", "two"]
    assert lrs.request("delete", state_url(registration=registration)).status_code == 204
    assert lrs.request("get", state_url(registration=registration)).json() == []
    assert lrs.request("get", state_url()).json() == ["elsewhere"]


@pytest.mark.xapi_req("COMM-2.3-b", "COMM-2.3-c")
def test_state_requires_activity_and_a_valid_agent(lrs):
    response = lrs.request("get", "/xapi/activities/state?" + urlencode({"agent": AGENT}))
    assert response.status_code == 400
    assert "activityId" in response.json()["error"]["message"]
    bad_agent = "/xapi/activities/state?" + urlencode({"activityId": ACTIVITY, "agent": "{}"})
    assert lrs.request("get", bad_agent).status_code == 400


@pytest.mark.xapi_req("COMM-3.1-e", "COMM-3.1-b")
def test_profile_put_over_an_existing_document_needs_a_precondition(lrs):
    url = profile_url(profileId="settings")
    assert lrs.request("put", url, {"v": 1}).status_code == 204
    assert lrs.request("put", url, {"v": 2}).status_code == 409
    etag = lrs.request("get", url)["ETag"]
    assert lrs.request("put", url, {"v": 2}, headers={"If-Match": '"stale"'}).status_code == 412
    assert lrs.request("put", url, {"v": 2}, headers={"If-Match": etag}).status_code == 204
    assert lrs.request("get", url).json() == {"v": 2}


@pytest.mark.xapi_req("COMM-3.1-c", "COMM-3.1-d")
def test_if_none_match_star_refuses_to_overwrite(lrs):
    url = agent_profile_url(profileId="prefs")
    headers = {"If-None-Match": "*"}
    assert lrs.request("put", url, {"v": 1}, headers=headers).status_code == 204
    assert lrs.request("put", url, {"v": 2}, headers=headers).status_code == 412
    assert lrs.request("get", url).json() == {"v": 1}


@pytest.mark.xapi_req("COMM-3.1-b")
def test_if_match_on_a_missing_document_is_412(lrs):
    url = profile_url(profileId="missing")
    assert lrs.request("put", url, {"v": 1}, headers={"If-Match": '"abc"'}).status_code == 412


@pytest.mark.xapi_req("COMM-2.6-c")
def test_profile_ids_are_listed_since_a_time(lrs):
    lrs.request("put", agent_profile_url(profileId="a"), {"v": 1})
    assert lrs.request("get", agent_profile_url()).json() == ["a"]
    later = lrs.request("get", agent_profile_url(since="2999-01-01T00:00:00Z")).json()
    assert later == []


@pytest.mark.xapi_req("COMM-2.5-a")
def test_activities_resource_returns_the_latest_definition(lrs):
    definition = {"name": {"en": "Intro"}, "type": "http://adlnet.gov/expapi/activities/lesson"}
    lrs.post(make_statement(object={"id": ACTIVITY, "definition": definition}))
    got = lrs.request("get", "/xapi/activities?" + urlencode({"activityId": ACTIVITY}))
    assert got.json() == {"objectType": "Activity", "id": ACTIVITY, "definition": definition}


@pytest.mark.xapi_req("COMM-2.4-a")
def test_agents_resource_returns_a_person(lrs):
    got = lrs.request("get", "/xapi/agents?" + urlencode({"agent": AGENT}))
    assert got.json() == {"objectType": "Person", "mbox": ["mailto:ada@example.org"]}


@pytest.mark.xapi_req("COMM-4.0-a")
def test_documents_need_credentials(lrs):
    assert lrs.request("get", state_url(stateId="x"), auth=False).status_code == 401

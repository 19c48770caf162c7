"""GET statements by filters, in order, in pages linked by `more`, in each format."""

import datetime as dt

import pytest
import time_machine

from peerpath.xapi.services import client_create
from peerpath.xapi.tests.helpers import Lrs, ids_of, make_statement, new_id

pytestmark = pytest.mark.django_db
ADA, BOB = "mailto:ada@example.org", "mailto:bob@example.org"
READ, QUIZ = "http://example.org/activities/read", "http://example.org/activities/quiz"
DID = "http://example.org/verbs/did"


def store(lrs, when, **kwargs):
    sid = new_id()
    with time_machine.travel(when, tick=False):
        assert lrs.put(make_statement(**kwargs), sid).status_code == 204
    return sid


@pytest.fixture
def history(lrs):
    base = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    registration = new_id()
    return {
        "a": store(lrs, base, actor=ADA, activity=READ),
        "b": store(
            lrs,
            base + dt.timedelta(minutes=1),
            actor=BOB,
            activity=QUIZ,
            verb=DID,
            context={"registration": registration},
        ),
        "c": store(
            lrs,
            base + dt.timedelta(minutes=2),
            actor=ADA,
            activity=QUIZ,
            context={"contextActivities": {"parent": {"id": READ}}, "instructor": {"mbox": BOB}},
        ),
        "registration": registration,
        "base": base,
    }


@pytest.mark.xapi_req("COMM-2.1.3-p")
def test_statements_come_newest_first_or_ascending(lrs, history):
    assert ids_of(lrs.get()) == [history["c"], history["b"], history["a"]]
    assert ids_of(lrs.get({"ascending": "true"})) == [history["a"], history["b"], history["c"]]


@pytest.mark.xapi_req("COMM-2.1.3-g", "COMM-2.1.3-h", "COMM-2.1.3-i", "COMM-2.1.3-j")
def test_filter_by_agent_verb_activity_and_registration(lrs, history):
    assert ids_of(lrs.get({"agent": {"mbox": ADA}})) == [history["c"], history["a"]]
    assert ids_of(lrs.get({"verb": DID})) == [history["b"]]
    assert ids_of(lrs.get({"activity": QUIZ})) == [history["c"], history["b"]]
    assert ids_of(lrs.get({"registration": history["registration"]})) == [history["b"]]


@pytest.mark.xapi_req("COMM-2.1.3-k", "COMM-2.1.3-l")
def test_related_activities_and_agents_widen_the_filter(lrs, history):
    assert ids_of(lrs.get({"activity": READ})) == [history["a"]]
    assert ids_of(lrs.get({"activity": READ, "related_activities": "true"})) == [
        history["c"],
        history["a"],
    ]
    assert ids_of(lrs.get({"agent": {"mbox": BOB}, "related_agents": "true"})) == [
        history["c"],
        history["b"],
    ]


@pytest.mark.xapi_req("COMM-2.1.3-m")
def test_since_is_exclusive_and_until_inclusive(lrs, history):
    middle = (history["base"] + dt.timedelta(minutes=1)).isoformat()
    assert ids_of(lrs.get({"since": middle})) == [history["c"]]
    assert ids_of(lrs.get({"until": middle})) == [history["b"], history["a"]]


@pytest.mark.xapi_req("COMM-2.1.3-n", "DATA-2.5-b", "DATA-2.5-c")
def test_limit_pages_with_a_more_link_until_the_end(lrs, history):
    first = lrs.get({"limit": 2})
    assert ids_of(first) == [history["c"], history["b"]]
    more = first.json()["more"]
    assert more.startswith("/xapi/statements?more=")
    second = lrs.request("get", more)
    assert ids_of(second) == [history["a"]]
    assert second.json()["more"] == ""


def test_a_tampered_more_link_is_400(lrs, history):
    more = lrs.get({"limit": 1}).json()["more"]
    assert lrs.request("get", more[:-3] + "abc").status_code == 400


def test_more_link_of_one_client_does_not_work_for_another(lrs, history, client):
    more = lrs.get({"limit": 1}).json()["more"]
    other, secret = client_create(name="Other")
    assert Lrs(client, other.key, secret).request("get", more).status_code == 400


@pytest.mark.xapi_req("COMM-3.2-a")
def test_bad_filter_values_are_400_naming_the_parameter(lrs, history):
    for params, name in [
        ({"agent": "not json"}, "agent"),
        ({"agent": {"name": "x"}}, "agent"),
        ({"verb": "did"}, "verb"),
        ({"since": "yesterday"}, "since"),
        ({"limit": "-1"}, "limit"),
        ({"format": "full"}, "format"),
        ({"ascending": "yes"}, "ascending"),
        ({"registration": "1"}, "registration"),
    ]:
        response = lrs.get(params)
        assert response.status_code == 400, params
        assert name in response.json()["error"]["message"]


@pytest.mark.xapi_req("COMM-2.1.3-o")
def test_ids_format_strips_names_and_definitions(lrs):
    sid = new_id()
    lrs.put(make_statement(object={"id": READ, "definition": {"name": {"en": "Read"}}}), sid)
    got = lrs.get({"statementId": sid, "format": "ids"}).json()
    assert got["actor"] == {"objectType": "Agent", "mbox": ADA}
    assert got["object"] == {"id": READ}


@pytest.mark.xapi_req("COMM-2.1.3-r")
def test_canonical_format_returns_the_preferred_language(lrs):
    sid = new_id()
    lrs.put(
        make_statement(
            verb="http://e.org/v",
            object={"id": READ, "definition": {"name": {"en": "Read", "nb": "Les"}}},
        ),
        sid,
    )
    got = lrs.request(
        "get",
        f"/xapi/statements?statementId={sid}&format=canonical",
        headers={"Accept-Language": "nb, en;q=0.5"},
    ).json()
    assert got["object"]["definition"]["name"] == {"nb": "Les"}


@pytest.mark.xapi_req("COMM-4.0-b")
def test_run_scoped_client_sees_only_statements_of_its_run(lrs, history, client):
    from tests.factories import RunFactory

    scoped, secret = client_create(name="Run tool", run=RunFactory())
    other = Lrs(client, scoped.key, secret)
    assert ids_of(other.get()) == []
    sid = new_id()
    other.put(make_statement(), sid)
    assert ids_of(other.get()) == [sid]

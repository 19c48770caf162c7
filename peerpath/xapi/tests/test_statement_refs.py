"""Statements that target other statements: voiding in any order, StatementRef filter matching.

Spec: xAPI 1.0.3 Data 2.3.2 and Communication 2.1.3 "Filter Conditions for StatementRefs";
IEEE 9274.1.1 (xAPI 2.0) keeps both rules.
"""

import datetime as dt

import pytest
import time_machine

from peerpath.xapi.models import Statement, StatementTarget
from peerpath.xapi.tests.helpers import ids_of, make_statement, new_id

pytestmark = pytest.mark.django_db
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
CONFIRMED = "http://example.org/verbs/confirmed"
BEN, ANDREW, CLARA = "mailto:ben@example.org", "mailto:andrew@example.org", "mailto:c@example.org"
TRAINING = "http://example.org/activities/explosives-training"
BASE = dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC)


def ref(statement_id):
    return {"objectType": "StatementRef", "id": statement_id}


def put_at(lrs, minutes, statement_id, **kwargs):
    with time_machine.travel(BASE + dt.timedelta(minutes=minutes), tick=False):
        response = lrs.put(make_statement(**kwargs), statement_id)
    assert response.status_code == 204, response.content
    return statement_id


# Voiding (Data 2.3.2): "An LRS MUST consider a Statement it contains voided if and only if the
# Statement is not itself a voiding Statement and the LRS also contains a voiding Statement
# referring to the first Statement" — whatever order they arrived in.


@pytest.mark.xapi_req("DATA-2.3.2-b")
def test_statement_arriving_after_its_voiding_statement_is_stored_voided(lrs):
    target = new_id()
    assert lrs.post(make_statement(verb=VOIDED, object=ref(target))).status_code == 200
    assert lrs.put(make_statement(), target).status_code == 204
    assert lrs.get({"statementId": target}).status_code == 404
    assert lrs.get({"voidedStatementId": target}).json()["id"] == target
    assert [s["verb"]["id"] for s in lrs.get().json()["statements"]] == [VOIDED]


def test_voiding_statement_first_in_the_same_batch_voids_the_later_one(lrs):
    target = new_id()
    batch = [make_statement(verb=VOIDED, object=ref(target)), make_statement(id=target)]
    assert lrs.post(batch).status_code == 200
    assert Statement.objects.get(statement_id=target).voided is True


@pytest.mark.xapi_req("DATA-2.3.2-c")
def test_a_voiding_statement_arriving_after_a_voiding_statement_that_targets_it_stays_valid(lrs):
    late = new_id()
    assert lrs.post(make_statement(verb=VOIDED, object=ref(late))).status_code == 200
    # `late` itself voids something: a voiding statement cannot be voided.
    assert lrs.put(make_statement(verb=VOIDED, object=ref(new_id())), late).status_code == 204
    assert lrs.get({"statementId": late}).status_code == 200


@pytest.mark.xapi_req("DATA-2.3.1-a")
def test_resending_a_voided_statement_does_not_unvoid_it(lrs):
    target = new_id()
    lrs.post(make_statement(verb=VOIDED, object=ref(target)))
    lrs.put(make_statement(), target)
    assert lrs.put(make_statement(), target).status_code == 204
    assert lrs.get({"statementId": target}).status_code == 404


# Filter Conditions for StatementRefs (Communication 2.1.3): a statement targeting another
# meets the non-time filters when its target does, recursively; since/until/limit still apply
# to the targeting statement; StatementRefs in context do not count.


@pytest.fixture
def story(lrs):
    """Ben passed the training; Andrew confirmed it; Clara noted Andrew's confirmation."""
    passed = put_at(lrs, 0, new_id(), actor=BEN, verb=PASSED, activity=TRAINING)
    confirmed = put_at(lrs, 1, new_id(), actor=ANDREW, verb=CONFIRMED, object=ref(passed))
    noted = put_at(lrs, 2, new_id(), actor=CLARA, verb=CONFIRMED, object=ref(confirmed))
    other = put_at(lrs, 3, new_id(), actor=ANDREW, activity="http://example.org/activities/x")
    return {"passed": passed, "confirmed": confirmed, "noted": noted, "other": other}


@pytest.mark.xapi_req("COMM-2.1.3-q")
def test_statements_targeting_a_matching_statement_match_each_filter(lrs, story):
    chain = [story["noted"], story["confirmed"], story["passed"]]
    assert ids_of(lrs.get({"agent": {"mbox": BEN}})) == chain
    assert ids_of(lrs.get({"activity": TRAINING})) == chain
    assert ids_of(lrs.get({"verb": PASSED})) == chain


@pytest.mark.xapi_req("COMM-2.1.3-q")
def test_the_filters_are_matched_together_on_one_statement_of_the_chain(lrs, story):
    # Andrew's own statements, plus Clara's note, which targets one of them.
    assert ids_of(lrs.get({"agent": {"mbox": ANDREW}})) == [
        story["other"],
        story["noted"],
        story["confirmed"],
    ]
    # Nobody in the chain is both Ben and "confirmed".
    assert ids_of(lrs.get({"agent": {"mbox": BEN}, "verb": CONFIRMED})) == []


@pytest.mark.xapi_req("COMM-2.1.3-q")
def test_time_filters_and_paging_apply_to_the_targeting_statement(lrs, story):
    since = (BASE + dt.timedelta(minutes=1, seconds=30)).isoformat()
    assert ids_of(lrs.get({"activity": TRAINING, "since": since})) == [story["noted"]]
    until = (BASE + dt.timedelta(minutes=1)).isoformat()
    assert ids_of(lrs.get({"activity": TRAINING, "until": until, "ascending": "true"})) == [
        story["passed"],
        story["confirmed"],
    ]
    pages, response = [], lrs.get({"activity": TRAINING, "limit": 1})
    while True:
        pages += ids_of(response)
        more = response.json()["more"]
        if not more:
            break
        response = lrs.request("get", more)
    assert pages == [story["noted"], story["confirmed"], story["passed"]]


@pytest.mark.xapi_req("COMM-2.1.4-b")
def test_statements_targeting_a_voided_statement_are_still_returned(lrs):
    target = put_at(lrs, 0, new_id(), actor=BEN, verb=PASSED, activity=TRAINING)
    voiding = put_at(lrs, 1, new_id(), actor=ANDREW, verb=VOIDED, object=ref(target))
    assert ids_of(lrs.get({"activity": TRAINING})) == [voiding]
    assert ids_of(lrs.get({"agent": {"mbox": BEN}})) == [voiding]


@pytest.mark.xapi_req("COMM-2.1.3-q")
def test_chain_is_completed_when_a_missing_target_arrives_later(lrs):
    late, root = new_id(), new_id()
    first = put_at(lrs, 0, new_id(), actor=CLARA, verb=CONFIRMED, object=ref(late))
    assert ids_of(lrs.get({"activity": TRAINING})) == []
    put_at(lrs, 1, root, actor=BEN, verb=PASSED, activity=TRAINING)
    put_at(lrs, 2, late, actor=ANDREW, verb=CONFIRMED, object=ref(root))
    assert ids_of(lrs.get({"activity": TRAINING})) == [late, root, first]
    assert StatementTarget.objects.filter(depth=2).count() == 1


@pytest.mark.xapi_req("COMM-2.1.3-q")
def test_a_statement_ref_in_context_does_not_make_a_statement_match(lrs):
    passed = put_at(lrs, 0, new_id(), actor=BEN, verb=PASSED, activity=TRAINING)
    put_at(
        lrs,
        1,
        new_id(),
        actor=ANDREW,
        activity="http://example.org/activities/y",
        context={"statement": ref(passed)},
    )
    assert ids_of(lrs.get({"activity": TRAINING})) == [passed]


def test_a_cycle_of_statement_refs_is_stored_and_queried_without_looping(lrs):
    a, b = new_id(), new_id()
    put_at(lrs, 0, a, actor=BEN, verb=CONFIRMED, object=ref(b))
    put_at(lrs, 1, b, actor=ANDREW, verb=CONFIRMED, object=ref(a))
    assert ids_of(lrs.get({"agent": {"mbox": BEN}})) == [b, a]

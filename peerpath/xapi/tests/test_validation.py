"""The pure statement validator, section by section of the spec's data requirements."""

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerpath.xapi.tests.helpers import make_statement
from peerpath.xapi.tests.rejected_statements import REJECTED
from peerpath.xapi.validation import Invalid, agent_ifi, parse_timestamp, validate_statement
from peerpath.xapi.validation.facts import same_statement, statement_facts
from peerpath.xapi.validation.formats import canonical_format, ids_format


@pytest.mark.parametrize(
    ("stmt", "path"),
    [
        pytest.param(stmt, path, id=case, marks=pytest.mark.xapi_req(requirement))
        for case, requirement, stmt, path in REJECTED
    ],
)
def test_invalid_statement_is_rejected_naming_the_property(stmt, path):
    with pytest.raises(Invalid) as error:
        validate_statement(stmt)
    assert error.value.path == path, str(error.value)


def test_a_complete_valid_statement_passes():
    stmt = make_statement(
        id="6690E6C9-3EF0-4ED3-8B37-7F3964730BEE",
        result={
            "score": {"scaled": 0.5, "raw": 5, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "duration": "PT1H2M3.5S",
            "response": "x",
            "extensions": {"http://e.org/ext": {"any": ["thing"]}},
        },
        context={
            "registration": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "instructor": {"mbox": "mailto:teacher@example.org"},
            "team": {"objectType": "Group", "member": [{"mbox": "mailto:a@example.org"}]},
            "contextActivities": {
                "parent": {"id": "http://example.org/course"},
                "category": [{"id": "http://example.org/cat"}],
            },
            "language": "nb-NO",
            "platform": "Moodle",
            "revision": "3",
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": {"mbox": "mailto:peer@example.org"},
                    "relevantTypes": ["http://e.org/peer"],
                }
            ],
        },
        timestamp="2026-01-31T12:00:00.123+01:00",
        attachments=[
            {
                "usageType": "http://e.org/u",
                "display": {"en": "x"},
                "contentType": "text/plain",
                "length": 3,
                "sha2": "a" * 64,
            }
        ],
        version="2.0.0",
    )
    assert validate_statement(stmt) is stmt


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("20090131T230000-0100", "2009-02-01T00:00:00+00:00"),
        ("20090131T230000.5Z", "2009-01-31T23:00:00.500000+00:00"),
        ("2009-01-31T23:00:00-01:00", "2009-02-01T00:00:00+00:00"),
    ],
)
@pytest.mark.xapi_req("DATA-4.5-a")
def test_timestamps_in_iso_8601_basic_and_extended_format_parse(text, utc):
    assert parse_timestamp(text, "timestamp").astimezone(dt.UTC).isoformat() == utc


@pytest.mark.parametrize("text", ["2009-0131T23:00:00Z", "20090131T23:00:00Z", "2009-01-31"])
@pytest.mark.xapi_req("DATA-4.5-a")
def test_mixed_or_partial_timestamps_are_refused(text):
    with pytest.raises(Invalid):
        parse_timestamp(text, "timestamp")


@pytest.mark.xapi_req("DATA-2.4.7-c")
def test_timestamp_without_zone_is_accepted_for_1_0_3_clients():
    validate_statement(make_statement(timestamp="2026-01-01T00:00:00"), version="1.0.3")


@pytest.mark.xapi_req("DATA-2.4.6-f")
def test_context_agents_are_a_2_0_property():
    stmt = make_statement(context={"contextAgents": []})
    validate_statement(stmt, version="2.0.0")
    with pytest.raises(Invalid):
        validate_statement(stmt, version="1.0.3")


def test_facts_index_actor_verb_activity_and_related_parts():
    stmt = make_statement(
        context={
            "contextActivities": {"parent": {"id": "http://e.org/p"}},
            "instructor": {"mbox": "mailto:t@e.org"},
            "registration": "6690E6C9-3EF0-4ED3-8B37-7F3964730BEE",
        }
    )
    facts = statement_facts(stmt)
    assert facts.actor_ifi == "mbox:mailto:ada@example.org"
    assert facts.activity_iri == "http://example.org/activities/intro"
    assert facts.related_activities == {"http://e.org/p"}
    assert facts.related_agents == {"mbox:mailto:t@e.org"}
    assert facts.registration == "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"
    assert facts.learner_emails == ["ada@example.org"]


def test_completion_is_a_completing_verb_or_a_true_completion_result():
    assert statement_facts(make_statement(verb="http://adlnet.gov/expapi/verbs/passed")).completes
    assert statement_facts(make_statement(result={"completion": True})).completes
    assert not statement_facts(make_statement(result={"completion": False})).completes


@pytest.mark.xapi_req("COMM-2.1.1-c")
def test_statements_differing_only_in_lrs_set_properties_are_the_same():
    one = make_statement(timestamp="2026-01-01T01:00:00+01:00")
    two = dict(
        copy.deepcopy(one),
        stored="2026-02-01T00:00:00Z",
        version="2.0.0",
        timestamp="2026-01-01T00:00:00Z",
    )
    assert same_statement(two, one)
    assert not same_statement(make_statement(verb="http://e.org/other"), one)


@pytest.mark.xapi_req("COMM-2.1.3-o", "COMM-2.1.3-r")
def test_ids_format_keeps_only_identifiers_and_canonical_one_language():
    stmt = make_statement(
        object={"id": "http://e.org/a", "definition": {"name": {"en": "A", "nb": "En"}}}
    )
    assert ids_format(stmt)["actor"] == {"objectType": "Agent", "mbox": "mailto:ada@example.org"}
    assert ids_format(stmt)["object"] == {"id": "http://e.org/a"}
    canonical = canonical_format(stmt, ["nb"])
    assert canonical["object"]["definition"]["name"] == {"nb": "En"}


@given(st.datetimes(timezones=st.just(__import__("datetime").UTC)))
def test_any_utc_instant_written_in_iso_8601_parses_back(instant):
    text = instant.isoformat().replace("+00:00", "Z")
    assert parse_timestamp(text, "timestamp") == instant


def test_account_ifi_joins_home_page_and_name():
    agent = {"account": {"homePage": "https://lms.example.org", "name": "42"}}
    assert agent_ifi(agent) == "account:https://lms.example.org|42"

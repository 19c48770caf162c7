"""The pure statement validator, section by section of the spec's data requirements."""

import copy
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from peerpath.xapi.tests.helpers import make_statement
from peerpath.xapi.validation import Invalid, agent_ifi, parse_timestamp, validate_statement
from peerpath.xapi.validation.facts import same_statement, statement_facts
from peerpath.xapi.validation.formats import canonical_format, ids_format


def bad(**changes):
    stmt = make_statement()
    for path, value in changes.items():
        target = stmt
        keys = path.split("__")
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        if value is DELETE:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
    return stmt


DELETE = object()

REJECTED = [
    ("missing actor", bad(actor=DELETE), "actor"),
    ("missing verb", bad(verb=DELETE), "verb"),
    ("missing object", bad(object=DELETE), "object"),
    ("unknown top-level property", bad(colour="blue"), "colour"),
    ("null property", bad(result=None), "result"),
    ("id not a UUID", bad(id="not-a-uuid"), "id"),
    ("mbox without mailto", bad(actor__mbox="ada@example.org"), "actor.mbox"),
    ("agent with two IFIs", bad(actor__openid="http://openid.example.org/ada"), "actor"),
    ("agent without IFI", bad(actor={"objectType": "Agent", "name": "Nobody"}), "actor"),
    ("mbox_sha1sum not hex", bad(actor={"mbox_sha1sum": "xyz"}), "actor.mbox_sha1sum"),
    ("account without homePage", bad(actor={"account": {"name": "ada"}}), "actor.account.homePage"),
    (
        "account homePage not an IRI",
        bad(actor={"account": {"homePage": "example", "name": "a"}}),
        "actor.account.homePage",
    ),
    ("unknown actor objectType", bad(actor__objectType="Person"), "actor.objectType"),
    ("anonymous group without members", bad(actor={"objectType": "Group"}), "actor.member"),
    (
        "group with a group member",
        bad(
            actor={
                "objectType": "Group",
                "member": [{"objectType": "Group", "mbox": "mailto:g@example.org"}],
            }
        ),
        "actor.member[0].objectType",
    ),
    ("verb id not an IRI", bad(verb__id="completed"), "verb.id"),
    (
        "verb display not a language map",
        bad(verb__display={"en_US": "did"}),
        "verb.display['en_US']",
    ),
    ("verb display value not a string", bad(verb__display={"en": 3}), "verb.display.en"),
    ("unknown object type", bad(object__objectType="Thing"), "object.objectType"),
    ("activity id not an IRI", bad(object__id="intro"), "object.id"),
    (
        "unknown definition property",
        bad(object__definition={"colour": "red"}),
        "object.definition.colour",
    ),
    (
        "bad interaction type",
        bad(object__definition={"interactionType": "essay"}),
        "object.definition.interactionType",
    ),
    (
        "extension key not an IRI",
        bad(object__definition={"extensions": {"level": 3}}),
        "object.definition.extensions['level']",
    ),
    (
        "statement ref without UUID",
        bad(object={"objectType": "StatementRef", "id": "x"}),
        "object.id",
    ),
    ("voided verb on an activity", bad(verb__id="http://adlnet.gov/expapi/verbs/voided"), "object"),
    ("scaled score above 1", bad(result={"score": {"scaled": 1.5}}), "result.score.scaled"),
    (
        "raw score below min",
        bad(result={"score": {"raw": 1, "min": 2, "max": 5}}),
        "result.score.raw",
    ),
    ("max not above min", bad(result={"score": {"min": 5, "max": 5}}), "result.score.max"),
    ("score as a string", bad(result={"score": {"raw": "10"}}), "result.score.raw"),
    ("success not boolean", bad(result={"success": "yes"}), "result.success"),
    ("bad duration", bad(result={"duration": "1 hour"}), "result.duration"),
    ("registration not a UUID", bad(context={"registration": "abc"}), "context.registration"),
    ("bad language tag", bad(context={"language": "english!"}), "context.language"),
    (
        "revision with an agent object",
        bad(
            object={"objectType": "Agent", "mbox": "mailto:b@example.org"},
            context={"revision": "2"},
        ),
        "context.revision",
    ),
    (
        "team that is an agent",
        bad(context={"team": {"mbox": "mailto:t@example.org"}}),
        "context.team.objectType",
    ),
    (
        "context activity without id",
        bad(context={"contextActivities": {"parent": [{}]}}),
        "context.contextActivities.parent[0].id",
    ),
    (
        "unknown context activity kind",
        bad(context={"contextActivities": {"sibling": {"id": "http://e.org/a"}}}),
        "context.contextActivities.sibling",
    ),
    ("timestamp not ISO 8601", bad(timestamp="yesterday"), "timestamp"),
    ("timestamp with -00:00", bad(timestamp="2026-01-01T00:00:00-00:00"), "timestamp"),
    ("timestamp without zone in 2.0", bad(timestamp="2026-01-01T00:00:00"), "timestamp"),
    ("impossible date", bad(timestamp="2026-02-30T00:00:00Z"), "timestamp"),
    ("unknown version", bad(version="3.0.0"), "version"),
    (
        "attachment without sha2",
        bad(
            attachments=[
                {
                    "usageType": "http://e.org/u",
                    "display": {"en": "x"},
                    "contentType": "text/plain",
                    "length": 1,
                }
            ]
        ),
        "attachments[0].sha2",
    ),
    (
        "substatement inside a substatement",
        bad(
            object={
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:a@e.org"},
                "verb": {"id": "http://e.org/v"},
                "object": {"objectType": "SubStatement"},
            }
        ),
        "object.object.objectType",
    ),
    (
        "substatement with an id",
        bad(
            object={
                "objectType": "SubStatement",
                "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
                "actor": {"mbox": "mailto:a@e.org"},
                "verb": {"id": "http://e.org/v"},
                "object": {"id": "http://e.org/a"},
            }
        ),
        "object.id",
    ),
    (
        "context agent without objectType",
        bad(context={"contextAgents": [{"agent": {"mbox": "mailto:a@e.org"}}]}),
        "context.contextAgents[0].objectType",
    ),
    # Found by running the Learning Locker corpus (peerpath/xapi/conformance/run.py):
    (
        "correct responses without an interaction type",
        bad(object__definition={"correctResponsesPattern": ["a"]}),
        "object.definition.correctResponsesPattern",
    ),
    (
        "a component the interaction type does not have",
        bad(object__definition={"interactionType": "likert", "choices": []}),
        "object.definition.choices",
    ),
    ("weeks combined with days", bad(result={"duration": "P4W1D"}), "result.duration"),
    (
        "an identified group as authority",
        bad(
            authority={
                "objectType": "Group",
                "mbox": "mailto:g@e.org",
                "member": [{"mbox": "mailto:a@e.org"}, {"mbox": "mailto:b@e.org"}],
            }
        ),
        "authority.mbox",
    ),
]


@pytest.mark.parametrize(("case", "stmt", "path"), REJECTED, ids=[r[0] for r in REJECTED])
def test_invalid_statement_is_rejected_naming_the_property(case, stmt, path):
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
def test_timestamps_in_iso_8601_basic_and_extended_format_parse(text, utc):
    assert parse_timestamp(text, "timestamp").astimezone(dt.UTC).isoformat() == utc


@pytest.mark.parametrize("text", ["2009-0131T23:00:00Z", "20090131T23:00:00Z", "2009-01-31"])
def test_mixed_or_partial_timestamps_are_refused(text):
    with pytest.raises(Invalid):
        parse_timestamp(text, "timestamp")


def test_timestamp_without_zone_is_accepted_for_1_0_3_clients():
    validate_statement(make_statement(timestamp="2026-01-01T00:00:00"), version="1.0.3")


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

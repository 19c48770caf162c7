"""Statements the validator must refuse, each with the requirement it breaks (requirements.py)
and the property its error names: (case, requirement id, statement, path)."""

from peerpath.xapi.tests.helpers import make_statement


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
    ("missing actor", "DATA-2.2-c", bad(actor=DELETE), "actor"),
    ("missing verb", "DATA-2.2-c", bad(verb=DELETE), "verb"),
    ("missing object", "DATA-2.2-c", bad(object=DELETE), "object"),
    ("unknown top-level property", "DATA-2.2-b", bad(colour="blue"), "colour"),
    ("null property", "DATA-2.2-a", bad(result=None), "result"),
    ("id not a UUID", "DATA-2.4.1-b", bad(id="not-a-uuid"), "id"),
    ("mbox without mailto", "DATA-2.4.2-b", bad(actor__mbox="ada@example.org"), "actor.mbox"),
    (
        "agent with two IFIs",
        "DATA-2.4.2-a",
        bad(actor__openid="http://openid.example.org/ada"),
        "actor",
    ),
    (
        "agent without IFI",
        "DATA-2.4.2-a",
        bad(actor={"objectType": "Agent", "name": "Nobody"}),
        "actor",
    ),
    (
        "mbox_sha1sum not hex",
        "DATA-2.4.2-b",
        bad(actor={"mbox_sha1sum": "xyz"}),
        "actor.mbox_sha1sum",
    ),
    (
        "account without homePage",
        "DATA-2.4.2-c",
        bad(actor={"account": {"name": "ada"}}),
        "actor.account.homePage",
    ),
    (
        "account homePage not an IRI",
        "DATA-2.4.2-c",
        bad(actor={"account": {"homePage": "example", "name": "a"}}),
        "actor.account.homePage",
    ),
    (
        "unknown actor objectType",
        "DATA-2.4.2-f",
        bad(actor__objectType="Person"),
        "actor.objectType",
    ),
    (
        "anonymous group without members",
        "DATA-2.4.2-d",
        bad(actor={"objectType": "Group"}),
        "actor.member",
    ),
    (
        "group with a group member",
        "DATA-2.4.2-e",
        bad(
            actor={
                "objectType": "Group",
                "member": [{"objectType": "Group", "mbox": "mailto:g@example.org"}],
            }
        ),
        "actor.member[0].objectType",
    ),
    ("verb id not an IRI", "DATA-2.4.3-a", bad(verb__id="completed"), "verb.id"),
    (
        "verb display not a language map",
        "DATA-4.2-a",
        bad(verb__display={"en_US": "did"}),
        "verb.display['en_US']",
    ),
    (
        "verb display value not a string",
        "DATA-2.4.3-b",
        bad(verb__display={"en": 3}),
        "verb.display.en",
    ),
    ("unknown object type", "DATA-2.4.4-b", bad(object__objectType="Thing"), "object.objectType"),
    ("activity id not an IRI", "DATA-2.4.4-a", bad(object__id="intro"), "object.id"),
    (
        "unknown definition property",
        "DATA-2.4.4-c",
        bad(object__definition={"colour": "red"}),
        "object.definition.colour",
    ),
    (
        "bad interaction type",
        "DATA-2.4.4-d",
        bad(object__definition={"interactionType": "essay"}),
        "object.definition.interactionType",
    ),
    (
        "extension key not an IRI",
        "DATA-4.1-a",
        bad(object__definition={"extensions": {"level": 3}}),
        "object.definition.extensions['level']",
    ),
    (
        "statement ref without UUID",
        "DATA-2.4.4-e",
        bad(object={"objectType": "StatementRef", "id": "x"}),
        "object.id",
    ),
    (
        "voided verb on an activity",
        "DATA-2.3.2-a",
        bad(verb__id="http://adlnet.gov/expapi/verbs/voided"),
        "object",
    ),
    (
        "scaled score above 1",
        "DATA-2.4.5-a",
        bad(result={"score": {"scaled": 1.5}}),
        "result.score.scaled",
    ),
    (
        "raw score below min",
        "DATA-2.4.5-a",
        bad(result={"score": {"raw": 1, "min": 2, "max": 5}}),
        "result.score.raw",
    ),
    (
        "max not above min",
        "DATA-2.4.5-a",
        bad(result={"score": {"min": 5, "max": 5}}),
        "result.score.max",
    ),
    ("score as a string", "DATA-2.4.5-a", bad(result={"score": {"raw": "10"}}), "result.score.raw"),
    ("success not boolean", "DATA-2.4.5-b", bad(result={"success": "yes"}), "result.success"),
    ("bad duration", "DATA-2.4.5-c", bad(result={"duration": "1 hour"}), "result.duration"),
    (
        "registration not a UUID",
        "DATA-2.4.6-a",
        bad(context={"registration": "abc"}),
        "context.registration",
    ),
    ("bad language tag", "DATA-2.4.6-e", bad(context={"language": "english!"}), "context.language"),
    (
        "revision with an agent object",
        "DATA-2.4.6-b",
        bad(
            object={"objectType": "Agent", "mbox": "mailto:b@example.org"},
            context={"revision": "2"},
        ),
        "context.revision",
    ),
    (
        "team that is an agent",
        "DATA-2.4.6-c",
        bad(context={"team": {"mbox": "mailto:t@example.org"}}),
        "context.team.objectType",
    ),
    (
        "context activity without id",
        "DATA-2.4.6-d",
        bad(context={"contextActivities": {"parent": [{}]}}),
        "context.contextActivities.parent[0].id",
    ),
    (
        "unknown context activity kind",
        "DATA-2.4.6-d",
        bad(context={"contextActivities": {"sibling": {"id": "http://e.org/a"}}}),
        "context.contextActivities.sibling",
    ),
    ("timestamp not ISO 8601", "DATA-2.4.7-a", bad(timestamp="yesterday"), "timestamp"),
    (
        "timestamp with -00:00",
        "DATA-4.5-a",
        bad(timestamp="2026-01-01T00:00:00-00:00"),
        "timestamp",
    ),
    (
        "timestamp without zone in 2.0",
        "DATA-2.4.7-c",
        bad(timestamp="2026-01-01T00:00:00"),
        "timestamp",
    ),
    ("impossible date", "DATA-4.5-a", bad(timestamp="2026-02-30T00:00:00Z"), "timestamp"),
    ("unknown version", "DATA-2.4.10-a", bad(version="3.0.0"), "version"),
    (
        "attachment without sha2",
        "DATA-2.4.11-a",
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
        "DATA-2.4.4-f",
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
        "DATA-2.4.4-f",
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
        "DATA-2.4.6-f",
        bad(context={"contextAgents": [{"agent": {"mbox": "mailto:a@e.org"}}]}),
        "context.contextAgents[0].objectType",
    ),
    # Found by running the Learning Locker corpus (peerpath/xapi/conformance/run.py):
    (
        "correct responses without an interaction type",
        "DATA-2.4.4-d",
        bad(object__definition={"correctResponsesPattern": ["a"]}),
        "object.definition.correctResponsesPattern",
    ),
    (
        "a component the interaction type does not have",
        "DATA-2.4.4-d",
        bad(object__definition={"interactionType": "likert", "choices": []}),
        "object.definition.choices",
    ),
    (
        "weeks combined with days",
        "DATA-4.6-a",
        bad(result={"duration": "P4W1D"}),
        "result.duration",
    ),
    (
        "an identified group as authority",
        "DATA-2.4.9-b",
        bad(
            authority={
                "objectType": "Group",
                "mbox": "mailto:g@e.org",
                "member": [{"mbox": "mailto:a@e.org"}, {"mbox": "mailto:b@e.org"}],
            }
        ),
        "authority.mbox",
    ),
    # Traced to the requirement list (requirements.py):
    ("property key in another case", "DATA-2.2-b", bad(Actor={"mbox": "mailto:a@e.org"}), "Actor"),
    ("verb that is a string", "DATA-2.2-c", bad(verb="http://e.org/v"), "verb"),
    (
        "group without objectType is an agent, and members are no agent property",
        "DATA-2.4.2-d",
        bad(actor={"name": "Team", "member": [{"mbox": "mailto:a@e.org"}]}),
        "actor.member",
    ),
    ("completion not boolean", "DATA-2.4.5-b", bad(result={"completion": 1}), "result.completion"),
    (
        "platform with a group object",
        "DATA-2.4.6-b",
        bad(
            object={"objectType": "Group", "member": [{"mbox": "mailto:b@example.org"}]},
            context={"platform": "Moodle"},
        ),
        "context.platform",
    ),
    ("a version before 1.0.0", "DATA-2.4.10-a", bad(version="0.95"), "version"),
    (
        "substatement with stored",
        "DATA-2.4.4-f",
        bad(
            object={
                "objectType": "SubStatement",
                "actor": {"mbox": "mailto:a@e.org"},
                "verb": {"id": "http://e.org/v"},
                "object": {"id": "http://e.org/a"},
                "stored": "2026-01-01T00:00:00Z",
            }
        ),
        "object.stored",
    ),
    (
        "attachment without usageType",
        "DATA-2.4.11-a",
        bad(
            attachments=[
                {"display": {"en": "x"}, "contentType": "text/plain", "length": 1, "sha2": "a" * 64}
            ]
        ),
        "attachments[0].usageType",
    ),
    (
        "UUID without hyphens",
        "DATA-4.4-a",
        bad(context={"registration": "6690e6c93ef04ed38b377f3964730bee"}),
        "context.registration",
    ),
    ("relative IRI", "DATA-4.3-a", bad(verb__id="/verbs/did"), "verb.id"),
    (
        "context group without objectType",
        "DATA-2.4.6-f",
        bad(context={"contextGroups": [{"group": {"objectType": "Group", "member": []}}]}),
        "context.contextGroups[0].objectType",
    ),
]

"""What the store indexes about a valid statement, and how two statements compare."""

import datetime as dt
import json
from dataclasses import dataclass, field

from peerpath.xapi.validation.formats import context_activities_as_arrays
from peerpath.xapi.validation.statement import COMPLETION_VERBS, VOIDED_VERB
from peerpath.xapi.validation.values import agent_ifi, parse_timestamp


@dataclass
class StatementFacts:
    verb: str
    activity_iri: str | None
    actor_ifi: str | None
    object_ifi: str | None
    voids: str | None
    registration: str | None
    timestamp: dt.datetime | None
    completes: bool
    learner_emails: list[str]
    related_activities: set[str] = field(default_factory=set)
    related_agents: set[str] = field(default_factory=set)
    definition: dict | None = None
    # The id of the statement a StatementRef object points to (voiding or not).
    statement_ref: str | None = None
    # The actor's account as (homePage without trailing slash, name), if it has one.
    account: tuple[str, str] | None = None
    # Members of an actor or object that is a Group: the agent filter matches them too.
    member_agents: set[str] = field(default_factory=set)


def _activities(context: dict) -> list[dict]:
    found = []
    for value in (context.get("contextActivities") or {}).values():
        found.extend(value if isinstance(value, list) else [value])
    return found


def _agents(agent: dict | None) -> list[dict]:
    if not agent:
        return []
    return [agent, *agent.get("member", [])]


def _collect_related(stmt: dict, activities: set[str], agents: set[str]) -> None:
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        activities.add(obj["id"])
    elif kind in {"Agent", "Group"}:
        agents.update(filter(None, map(agent_ifi, _agents(obj))))
    elif kind == "SubStatement":
        _collect_related(obj, activities, agents)
    agents.update(filter(None, map(agent_ifi, _agents(stmt["actor"]))))
    context = stmt.get("context") or {}
    activities.update(activity["id"] for activity in _activities(context))
    for key in ("instructor", "team"):
        agents.update(filter(None, map(agent_ifi, _agents(context.get(key)))))
    for item in context.get("contextAgents") or []:
        agents.update(filter(None, [agent_ifi(item["agent"])]))
    for item in context.get("contextGroups") or []:
        agents.update(filter(None, map(agent_ifi, _agents(item["group"]))))


def learner_emails(actor: dict) -> list[str]:
    """E-mail addresses that may name a PeerPath learner: mbox, or an account name."""
    emails = []
    if "mbox" in actor:
        emails.append(actor["mbox"][7:])
    elif "account" in actor and "@" in actor["account"]["name"]:
        emails.append(actor["account"]["name"])
    return emails


def statement_facts(stmt: dict) -> StatementFacts:
    """Index columns for a statement already validated."""
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    verb = stmt["verb"]["id"]
    result = stmt.get("result") or {}
    context = stmt.get("context") or {}
    facts = StatementFacts(
        verb=verb,
        activity_iri=obj["id"] if kind == "Activity" else None,
        actor_ifi=agent_ifi(stmt["actor"]),
        object_ifi=agent_ifi(obj) if kind in {"Agent", "Group"} else None,
        voids=obj["id"].lower() if verb == VOIDED_VERB else None,
        registration=context.get("registration", "").lower() or None,
        timestamp=parse_timestamp(stmt["timestamp"], "timestamp") if "timestamp" in stmt else None,
        completes=kind == "Activity"
        and (verb in COMPLETION_VERBS or result.get("completion") is True),
        learner_emails=learner_emails(stmt["actor"]),
        definition=obj.get("definition") if kind == "Activity" else None,
        statement_ref=obj["id"].lower() if kind == "StatementRef" else None,
        account=(
            (stmt["actor"]["account"]["homePage"].rstrip("/"), stmt["actor"]["account"]["name"])
            if "account" in stmt["actor"]
            else None
        ),
    )
    _collect_related(stmt, facts.related_activities, facts.related_agents)
    for agent in (stmt["actor"], obj if kind == "Group" else None):
        if agent:
            facts.member_agents.update(filter(None, map(agent_ifi, agent.get("member", []))))
    # Actor and object are found through their own indexed columns.
    facts.related_activities.discard(facts.activity_iri)
    facts.related_agents.discard(facts.actor_ifi)
    facts.related_agents.discard(facts.object_ifi)
    return facts


LRS_SET = ("stored", "authority", "version", "id")


def comparable(stmt: dict, *, with_timestamp: bool) -> str:
    """A canonical text for deciding whether two statements with one id are the same."""
    stmt = context_activities_as_arrays(stmt)
    body = {key: value for key, value in stmt.items() if key not in LRS_SET}
    if "timestamp" in body:
        if with_timestamp:
            instant = parse_timestamp(body["timestamp"], "timestamp")
            body["timestamp"] = instant.astimezone(dt.UTC).isoformat()
        else:
            del body["timestamp"]
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


def same_statement(existing: dict, incoming: dict) -> bool:
    with_timestamp = "timestamp" in incoming
    return comparable(existing, with_timestamp=with_timestamp) == comparable(
        incoming, with_timestamp=with_timestamp
    )

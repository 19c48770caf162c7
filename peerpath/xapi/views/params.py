"""Query parameters of the xAPI resources, parsed strictly: unknown or malformed ones are 400."""

import json

from peerpath.xapi.errors import BadRequest
from peerpath.xapi.selectors import StatementQuery
from peerpath.xapi.validation import Invalid, agent_ifi, parse_timestamp, validate_agent
from peerpath.xapi.validation.values import validate_iri, validate_uuid

STATEMENT_PARAMS = {
    "statementId",
    "voidedStatementId",
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
    "more",
}
SINGLE_PARAMS = {"statementId", "voidedStatementId", "format", "attachments"}
FORMATS = {"exact", "ids", "canonical"}


def check_known(params, allowed: set[str]) -> None:
    for name in params:
        if name not in allowed:
            raise BadRequest(f"{name}: this parameter is not recognised here")


def boolean(params, name: str) -> bool:
    value = params.get(name, "false").lower()
    if value not in {"true", "false"}:
        raise BadRequest(f"{name}: must be true or false")
    return value == "true"


def agent_param(
    params, name: str = "agent", *, required: bool = True, allow_group: bool = True
) -> str | None:
    """The normalized IFI of the agent (or, if allowed, identified Group) given as JSON."""
    raw = params.get(name)
    if raw is None:
        if required:
            raise BadRequest(f"{name}: the parameter is required")
        return None
    try:
        agent = json.loads(raw)
    except ValueError:
        raise BadRequest(f"{name}: must be an Agent as JSON") from None
    validate_agent(agent, name, allow_group=allow_group)
    ifi = agent_ifi(agent)
    if ifi is None:
        raise Invalid(name, "must be an Agent or an identified Group")
    return ifi


def iri_param(params, name: str, *, required: bool = True) -> str | None:
    raw = params.get(name)
    if raw is None:
        if required:
            raise BadRequest(f"{name}: the parameter is required")
        return None
    return validate_iri(raw, name, indexed=True)


def uuid_param(params, name: str) -> str | None:
    raw = params.get(name)
    return None if raw is None else validate_uuid(raw, name)


def timestamp_param(params, name: str):
    raw = params.get(name)
    return None if raw is None else parse_timestamp(raw, name)


def statement_format(params) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise BadRequest("format: must be exact, ids or canonical")
    return value


def statement_query(params) -> StatementQuery:
    limit = params.get("limit", "0")
    if not limit.isdigit():
        raise BadRequest("limit: must be a whole number, 0 for the server's maximum")
    for name in ("since", "until"):
        timestamp_param(params, name)
    return StatementQuery(
        agent=agent_param(params, required=False),
        verb=iri_param(params, "verb", required=False),
        activity=iri_param(params, "activity", required=False),
        registration=uuid_param(params, "registration"),
        related_activities=boolean(params, "related_activities"),
        related_agents=boolean(params, "related_agents"),
        since=params.get("since"),
        until=params.get("until"),
        limit=int(limit),
        ascending=boolean(params, "ascending"),
        format=statement_format(params),
        attachments=boolean(params, "attachments"),
    )

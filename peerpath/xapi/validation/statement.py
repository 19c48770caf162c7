"""Statement validation per the xAPI spec (1.0.3 and 2.0.0): structure, types, value formats."""

from typing import Any

from peerpath.xapi.validation.errors import Invalid
from peerpath.xapi.validation.values import (
    IFI_KEYS,
    SHA2_RE,
    parse_timestamp,
    require_bool,
    require_keys,
    require_number,
    require_object,
    require_string,
    validate_agent,
    validate_duration,
    validate_extensions,
    validate_iri,
    validate_language_map,
    validate_language_tag,
    validate_uuid,
    where,
)

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
COMPLETION_VERBS = frozenset(
    {
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/passed",
        "http://adlnet.gov/expapi/verbs/mastered",
    }
)
STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}
COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
# Which interaction components each interactionType may carry (1.0.3 Data 2.4.4.1).
COMPONENTS_OF = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    *COMPONENT_LISTS,
}
CONTEXT_KEYS_1 = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_KEYS_2 = CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}


def validate_statement(stmt: Any, path: str = "", *, version: str = "2.0.0") -> dict:
    """Check a statement as received; raise Invalid naming the first bad property."""
    two = version.startswith("2.")
    require_object(stmt, path or "statement")
    require_keys(stmt, path, STATEMENT_KEYS, ("actor", "verb", "object"))
    if "id" in stmt:
        validate_uuid(stmt["id"], where(path, "id"))
    _validate_core(stmt, path, two=two, substatement=False)
    if "stored" in stmt:
        parse_timestamp(stmt["stored"], where(path, "stored"))
    if "authority" in stmt:
        _validate_authority(stmt["authority"], where(path, "authority"))
    if "version" in stmt:
        value = require_string(stmt["version"], where(path, "version"))
        if not (value.startswith("1.0.") or value in {"1.0", "2.0.0"}) or not _is_semver(value):
            raise Invalid(where(path, "version"), f"must be 1.0.x or 2.0.0, not {value[:20]!r}")
    return stmt


def _is_semver(value: str) -> bool:
    parts = value.split(".")
    return all(part.isdigit() for part in parts[:3]) and 2 <= len(parts) <= 3


def _validate_core(stmt: dict, path: str, *, two: bool, substatement: bool) -> None:
    validate_agent(stmt["actor"], where(path, "actor"))
    verb = _validate_verb(stmt["verb"], where(path, "verb"))
    obj = _validate_object(
        stmt["object"], where(path, "object"), two=two, substatement=substatement
    )
    if verb == VOIDED_VERB and obj.get("objectType") != "StatementRef":
        raise Invalid(where(path, "object"), "must be a StatementRef when the verb is 'voided'")
    if "result" in stmt:
        _validate_result(stmt["result"], where(path, "result"))
    if "context" in stmt:
        _validate_context(stmt["context"], where(path, "context"), obj, two=two)
    if "timestamp" in stmt:
        parse_timestamp(stmt["timestamp"], where(path, "timestamp"), require_zone=two)
    if "attachments" in stmt:
        _validate_attachments(stmt["attachments"], where(path, "attachments"))


def _validate_verb(verb: Any, path: str) -> str:
    require_object(verb, path)
    require_keys(verb, path, {"id", "display"}, ("id",))
    validate_iri(verb["id"], where(path, "id"), indexed=True)
    if "display" in verb:
        validate_language_map(verb["display"], where(path, "display"))
    return verb["id"]


def _validate_authority(authority: Any, path: str) -> None:
    validate_agent(authority, path)
    if authority.get("objectType") == "Group":
        members = authority.get("member") or []
        if len(members) != 2:
            raise Invalid(path, "a Group authority must be an OAuth pair of two Agents")
        for key in IFI_KEYS:
            if key in authority:
                raise Invalid(
                    where(path, key), "a Group authority is anonymous: the pair of its members"
                )


def _validate_object(obj: Any, path: str, *, two: bool, substatement: bool) -> dict:
    require_object(obj, path)
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        validate_activity(obj, path)
    elif kind in {"Agent", "Group"}:
        validate_agent(obj, path)
    elif kind == "StatementRef":
        require_keys(obj, path, {"objectType", "id"}, ("objectType", "id"))
        validate_uuid(obj["id"], where(path, "id"))
    elif kind == "SubStatement":
        if substatement:
            raise Invalid(
                where(path, "objectType"), "a SubStatement must not contain a SubStatement"
            )
        require_keys(obj, path, SUBSTATEMENT_KEYS, ("actor", "verb", "object"))
        _validate_core(obj, path, two=two, substatement=True)
    else:
        raise Invalid(
            where(path, "objectType"),
            f"must be Activity, Agent, Group, StatementRef or SubStatement, not {str(kind)[:40]!r}",
        )
    return obj


def validate_activity(obj: Any, path: str) -> dict:
    require_object(obj, path)
    require_keys(obj, path, {"objectType", "id", "definition"}, ("id",))
    if obj.get("objectType", "Activity") != "Activity":
        raise Invalid(where(path, "objectType"), "must be 'Activity'")
    validate_iri(obj["id"], where(path, "id"), indexed=True)
    if "definition" in obj:
        _validate_definition(obj["definition"], where(path, "definition"))
    return obj


def _validate_definition(definition: Any, path: str) -> None:
    require_object(definition, path)
    require_keys(definition, path, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            validate_language_map(definition[key], where(path, key))
    if "type" in definition:
        validate_iri(definition["type"], where(path, "type"))
    if "moreInfo" in definition:
        validate_iri(definition["moreInfo"], where(path, "moreInfo"))
    if "extensions" in definition:
        validate_extensions(definition["extensions"], where(path, "extensions"))
    interaction = definition.get("interactionType")
    if interaction is not None and interaction not in INTERACTION_TYPES:
        raise Invalid(
            where(path, "interactionType"), f"must be one of {', '.join(sorted(INTERACTION_TYPES))}"
        )
    if "correctResponsesPattern" in definition:
        if interaction is None:
            raise Invalid(where(path, "correctResponsesPattern"), "needs an interactionType")
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list):
            raise Invalid(where(path, "correctResponsesPattern"), "must be an array of strings")
        for index, item in enumerate(pattern):
            require_string(item, where(where(path, "correctResponsesPattern"), index))
    for key in COMPONENT_LISTS:
        if key not in definition:
            continue
        if interaction is None:
            raise Invalid(where(path, key), "needs an interactionType")
        if key not in COMPONENTS_OF.get(interaction, set()):
            raise Invalid(where(path, key), f"is not a component of a {interaction!r} interaction")
        components = definition[key]
        if not isinstance(components, list):
            raise Invalid(where(path, key), "must be an array of interaction components")
        seen = set()
        for index, component in enumerate(components):
            at = where(where(path, key), index)
            require_object(component, at)
            require_keys(component, at, {"id", "description"}, ("id",))
            ident = require_string(component["id"], where(at, "id"))
            if ident in seen:
                raise Invalid(where(at, "id"), f"repeats the id {ident[:40]!r}")
            seen.add(ident)
            if "description" in component:
                validate_language_map(component["description"], where(at, "description"))


def _validate_result(result: Any, path: str) -> None:
    require_object(result, path)
    require_keys(
        result, path, {"score", "success", "completion", "response", "duration", "extensions"}
    )
    if "score" in result:
        _validate_score(result["score"], where(path, "score"))
    for key in ("success", "completion"):
        if key in result:
            require_bool(result[key], where(path, key))
    if "response" in result:
        require_string(result["response"], where(path, "response"))
    if "duration" in result:
        validate_duration(result["duration"], where(path, "duration"))
    if "extensions" in result:
        validate_extensions(result["extensions"], where(path, "extensions"))


def _validate_score(score: Any, path: str) -> None:
    require_object(score, path)
    require_keys(score, path, {"scaled", "raw", "min", "max"})
    for key in score:
        require_number(score[key], where(path, key))
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        raise Invalid(where(path, "scaled"), "must be between -1 and 1")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and low >= high:
        raise Invalid(where(path, "max"), "must be greater than min")
    if raw is not None and low is not None and raw < low:
        raise Invalid(where(path, "raw"), "must not be less than min")
    if raw is not None and high is not None and raw > high:
        raise Invalid(where(path, "raw"), "must not be more than max")


def _validate_context(context: Any, path: str, obj: dict, *, two: bool) -> None:
    require_object(context, path)
    require_keys(context, path, CONTEXT_KEYS_2 if two else CONTEXT_KEYS_1)
    if "registration" in context:
        validate_uuid(context["registration"], where(path, "registration"))
    if "instructor" in context:
        validate_agent(context["instructor"], where(path, "instructor"))
    if "team" in context:
        validate_agent(context["team"], where(path, "team"), group_only=True)
    if "contextActivities" in context:
        _validate_context_activities(context["contextActivities"], where(path, "contextActivities"))
    is_activity = obj.get("objectType", "Activity") == "Activity"
    for key in ("revision", "platform"):
        if key in context:
            require_string(context[key], where(path, key))
            if not is_activity:
                raise Invalid(where(path, key), "is only allowed when the object is an Activity")
    if "language" in context:
        validate_language_tag(context["language"], where(path, "language"))
    if "statement" in context:
        ref = require_object(context["statement"], where(path, "statement"))
        at = where(path, "statement")
        require_keys(ref, at, {"objectType", "id"}, ("objectType", "id"))
        if ref["objectType"] != "StatementRef":
            raise Invalid(where(at, "objectType"), "must be 'StatementRef'")
        validate_uuid(ref["id"], where(at, "id"))
    if "extensions" in context:
        validate_extensions(context["extensions"], where(path, "extensions"))
    for key, kind, inner in (
        ("contextAgents", "contextAgent", "agent"),
        ("contextGroups", "contextGroup", "group"),
    ):
        if key in context:
            _validate_context_actors(context[key], where(path, key), kind, inner)


def _validate_context_activities(value: Any, path: str) -> None:
    require_object(value, path)
    require_keys(value, path, {"parent", "grouping", "category", "other"})
    for key, activities in value.items():
        at = where(path, key)
        if isinstance(activities, dict):
            validate_activity(activities, at)
        elif isinstance(activities, list):
            for index, activity in enumerate(activities):
                validate_activity(activity, where(at, index))
        else:
            raise Invalid(at, "must be an Activity or an array of Activities")


def _validate_context_actors(value: Any, path: str, kind: str, inner: str) -> None:
    if not isinstance(value, list):
        raise Invalid(path, f"must be an array of {kind} objects")
    for index, item in enumerate(value):
        at = where(path, index)
        require_object(item, at)
        require_keys(item, at, {"objectType", inner, "relevantTypes"}, ("objectType", inner))
        if item["objectType"] != kind:
            raise Invalid(where(at, "objectType"), f"must be {kind!r}")
        validate_agent(
            item[inner], where(at, inner), allow_group=inner == "group", group_only=inner == "group"
        )
        if "relevantTypes" in item:
            types = item["relevantTypes"]
            if not isinstance(types, list) or not types:
                raise Invalid(where(at, "relevantTypes"), "must be a non-empty array of IRIs")
            for number, iri in enumerate(types):
                validate_iri(iri, where(where(at, "relevantTypes"), number))


def _validate_attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise Invalid(path, "must be an array of attachment objects")
    allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    for index, item in enumerate(value):
        at = where(path, index)
        require_object(item, at)
        require_keys(item, at, allowed, ("usageType", "display", "contentType", "length", "sha2"))
        validate_iri(item["usageType"], where(at, "usageType"))
        validate_language_map(item["display"], where(at, "display"))
        if "description" in item:
            validate_language_map(item["description"], where(at, "description"))
        content_type = require_string(item["contentType"], where(at, "contentType"))
        if "/" not in content_type:
            raise Invalid(where(at, "contentType"), "must be an Internet media type")
        length = item["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise Invalid(where(at, "length"), "must be a non-negative integer")
        if not SHA2_RE.match(require_string(item["sha2"], where(at, "sha2"))):
            raise Invalid(where(at, "sha2"), "must be a SHA-2 hash in hexadecimal")
        if "fileUrl" in item:
            validate_iri(item["fileUrl"], where(at, "fileUrl"))

"""The `format` parameter of GET statements: exact, ids, canonical."""

from typing import Any

from peerpath.xapi.validation.values import IFI_KEYS

LANGUAGE_MAP_KEYS = {"display", "name", "description"}


def _agent_ids(agent: dict) -> dict:
    out = {key: agent[key] for key in ("objectType", *IFI_KEYS) if key in agent}
    if agent.get("objectType") == "Group" and "member" in agent:
        out["member"] = [_agent_ids(member) for member in agent["member"]]
    return out


def _activity_ids(activity: dict) -> dict:
    return {key: activity[key] for key in ("objectType", "id") if key in activity}


def ids_format(stmt: dict) -> dict:
    """Keep only identifiers for Agents, Groups and Activities."""
    out = dict(stmt)
    out["actor"] = _agent_ids(stmt["actor"])
    out["verb"] = {"id": stmt["verb"]["id"]}
    obj = stmt["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        out["object"] = _activity_ids(obj)
    elif kind in {"Agent", "Group"}:
        out["object"] = _agent_ids(obj)
    elif kind == "SubStatement":
        out["object"] = ids_format(obj)
    if "authority" in stmt:
        out["authority"] = _agent_ids(stmt["authority"])
    context = stmt.get("context")
    if context:
        context = dict(context)
        for key in ("instructor", "team"):
            if key in context:
                context[key] = _agent_ids(context[key])
        if "contextActivities" in context:
            context["contextActivities"] = {
                key: [_activity_ids(a) for a in value]
                if isinstance(value, list)
                else _activity_ids(value)
                for key, value in context["contextActivities"].items()
            }
        out["context"] = context
    return out


def context_activities_as_arrays(stmt: dict) -> dict:
    """The statement with every contextActivities value an array, as the LRS must return it
    (a SubStatement's too); the very same object when nothing needs changing."""
    out = stmt
    context = stmt.get("context")
    activities = context.get("contextActivities") if context else None
    if activities and not all(isinstance(value, list) for value in activities.values()):
        arrays = {k: v if isinstance(v, list) else [v] for k, v in activities.items()}
        out = dict(stmt, context=dict(context, contextActivities=arrays))
    obj = stmt.get("object")
    if isinstance(obj, dict) and obj.get("objectType") == "SubStatement":
        sub = context_activities_as_arrays(obj)
        if sub is not obj:
            out = dict(out, object=sub)
    return out


def pick_language(language_map: dict, preferred: list[str]) -> dict:
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in preferred:
        wanted = wanted.lower()
        if wanted in lowered:
            tag = lowered[wanted]
            return {tag: language_map[tag]}
        for low, tag in lowered.items():
            if low.split("-")[0] == wanted.split("-")[0]:
                return {tag: language_map[tag]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}


def canonical_format(value: Any, preferred: list[str], key: str = "") -> Any:
    """Language maps reduced to the one language the client prefers most."""
    if isinstance(value, dict):
        if key in LANGUAGE_MAP_KEYS and all(isinstance(v, str) for v in value.values()):
            return pick_language(value, preferred)
        return {
            k: canonical_format(v, preferred, k) if k != "extensions" else v
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [canonical_format(item, preferred, key) for item in value]
    return value


def parse_accept_language(header: str) -> list[str]:
    weighted = []
    for index, part in enumerate(header.split(",")):
        bits = part.strip().split(";")
        if not bits[0]:
            continue
        quality = 1.0
        for bit in bits[1:]:
            if bit.strip().startswith("q="):
                try:
                    quality = float(bit.strip()[2:])
                except ValueError:
                    quality = 0.0
        weighted.append((-quality, index, bits[0].strip()))
    return [tag for _, _, tag in sorted(weighted) if tag != "*"]

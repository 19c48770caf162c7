"""xAPI value types: IRIs, UUIDs, timestamps, durations, language maps, agents and groups."""

import datetime as dt
import hashlib
import re
from typing import Any

from peerpath.xapi.validation.errors import Invalid

# The longest IRI or identifier this store indexes (a B-tree entry must stay small on PostgreSQL).
MAX_INDEXED_LENGTH = 2048

IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*$")
UUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^[0-9a-fA-F]{56}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{96}$|^[0-9a-fA-F]{128}$")
EMAIL_RE = re.compile(r"^[^@\s:]+@[^@\s]+$")
LANG_RE = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?$|^[xX](?:-[A-Za-z0-9]{1,8})+$"
)
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$"
)
# ISO 8601's basic format, without separators: 20090131T230000-0100.
TIMESTAMP_BASIC_RE = re.compile(
    r"^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})([.,]\d+)?(Z|[+-]\d{4}|[+-]\d{2})?$"
)
# ISO 8601: PnYnMnDTnHnMnS, or weeks alone (PnW), which do not combine with the other parts.
DURATION_RE = re.compile(
    r"^P(?!$)(\d+(?:\.\d+)?Y)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?D)?"
    r"(T(?=\d)(\d+(?:\.\d+)?H)?(\d+(?:\.\d+)?M)?(\d+(?:\.\d+)?S)?)?$"
    r"|^P\d+(?:\.\d+)?W$"
)
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")


def where(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise Invalid(path, "must be a JSON object")
    return value


def require_keys(obj: dict, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> None:
    for key in obj:
        if key not in allowed:
            raise Invalid(where(path, key), "is not a property allowed here")
        if obj[key] is None:
            raise Invalid(where(path, key), "must not be null")
    for key in required:
        if key not in obj:
            raise Invalid(where(path, key), "is required")


def require_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise Invalid(path, "must be a string")
    return value


def require_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(path, "must be true or false")
    return value


def require_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(path, "must be a number")
    return value


def validate_iri(value: Any, path: str, *, indexed: bool = False) -> str:
    require_string(value, path)
    if not IRI_RE.match(value):
        raise Invalid(path, f"must be an absolute IRI with a scheme, not {value[:80]!r}")
    if indexed and len(value) > MAX_INDEXED_LENGTH:
        raise Invalid(path, f"is longer than the {MAX_INDEXED_LENGTH} characters this LRS indexes")
    return value


def validate_uuid(value: Any, path: str) -> str:
    require_string(value, path)
    if not UUID_RE.match(value):
        raise Invalid(
            path, f"must be a UUID like 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', not {value[:60]!r}"
        )
    return value.lower()


def parse_timestamp(value: Any, path: str, *, require_zone: bool = False) -> dt.datetime:
    """An ISO 8601 date and time; '-00:00' (an unknown offset) is refused as the spec says."""
    require_string(value, path)
    match = TIMESTAMP_RE.match(value) or TIMESTAMP_BASIC_RE.match(value)
    if not match:
        raise Invalid(
            path, f"must be an ISO 8601 timestamp like 2026-01-31T12:00:00Z, not {value[:60]!r}"
        )
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone in {"-00:00", "-0000", "-00"}:
        raise Invalid(path, "must not use the offset -00:00")
    if zone is None and require_zone:
        raise Invalid(path, "must include a time zone (Z or an offset)")
    try:
        if match.re is TIMESTAMP_RE and (zone is None or zone == "Z" or len(zone) == 6):
            # The common shapes: the C parser is several times faster than the lines below.
            parsed = dt.datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)
        micro = int((fraction or ".0")[1:7].ljust(6, "0"))
        tz = dt.UTC
        if zone and zone != "Z":
            digits = zone[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            tz = dt.timezone(offset if zone[0] == "+" else -offset)
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tzinfo=tz
        )
    except ValueError as error:
        raise Invalid(path, f"is not a real date and time ({error})") from None


def validate_duration(value: Any, path: str) -> str:
    require_string(value, path)
    if not DURATION_RE.match(value) or value.endswith("T"):
        raise Invalid(path, f"must be an ISO 8601 duration like PT1H30M, not {value[:60]!r}")
    return value


def validate_language_tag(value: Any, path: str) -> str:
    require_string(value, path)
    if not LANG_RE.match(value):
        raise Invalid(path, f"must be an RFC 5646 language tag, not {value[:40]!r}")
    return value


def validate_language_map(value: Any, path: str) -> dict:
    require_object(value, path)
    for tag, text in value.items():
        validate_language_tag(tag, f"{path}[{tag!r}]")
        require_string(text, where(path, tag))
    return value


def validate_extensions(value: Any, path: str) -> dict:
    require_object(value, path)
    for key in value:
        validate_iri(key, f"{path}[{key!r}]")
    return value


def validate_mbox(value: Any, path: str) -> str:
    require_string(value, path)
    if not value.startswith("mailto:") or not EMAIL_RE.match(value[7:]):
        raise Invalid(path, f"must be a 'mailto:' IRI with an e-mail address, not {value[:80]!r}")
    return value


def validate_account(value: Any, path: str) -> dict:
    require_object(value, path)
    require_keys(value, path, {"homePage", "name"}, ("homePage", "name"))
    validate_iri(value["homePage"], where(path, "homePage"))
    require_string(value["name"], where(path, "name"))
    return value


def validate_ifis(obj: dict, path: str, *, required: bool) -> int:
    """Check each inverse functional identifier present; return how many there are."""
    count = 0
    if "mbox" in obj:
        validate_mbox(obj["mbox"], where(path, "mbox"))
        count += 1
    if "mbox_sha1sum" in obj:
        if not SHA1_RE.match(require_string(obj["mbox_sha1sum"], where(path, "mbox_sha1sum"))):
            raise Invalid(where(path, "mbox_sha1sum"), "must be 40 hexadecimal digits (SHA-1)")
        count += 1
    if "openid" in obj:
        validate_iri(obj["openid"], where(path, "openid"))
        count += 1
    if "account" in obj:
        validate_account(obj["account"], where(path, "account"))
        count += 1
    if count > 1:
        raise Invalid(path, "must have exactly one of mbox, mbox_sha1sum, openid, account")
    if required and count == 0:
        raise Invalid(path, "must have exactly one of mbox, mbox_sha1sum, openid, account")
    return count


AGENT_KEYS = {"objectType", "name", *IFI_KEYS}
GROUP_KEYS = {"objectType", "name", "member", *IFI_KEYS}


def validate_agent(
    value: Any, path: str, *, allow_group: bool = True, group_only: bool = False
) -> dict:
    """An Agent or a Group (identified, or anonymous with members)."""
    require_object(value, path)
    kind = value.get("objectType", "Agent")
    if kind == "Group" and allow_group:
        require_keys(value, path, GROUP_KEYS)
        if "name" in value:
            require_string(value["name"], where(path, "name"))
        identified = validate_ifis(value, path, required=False)
        members = value.get("member")
        if members is None and not identified:
            raise Invalid(where(path, "member"), "is required for an anonymous Group")
        if members is not None:
            if not isinstance(members, list):
                raise Invalid(where(path, "member"), "must be an array of Agents")
            if not identified and not members:
                raise Invalid(where(path, "member"), "must not be empty for an anonymous Group")
            for index, member in enumerate(members):
                validate_agent(member, where(where(path, "member"), index), allow_group=False)
        return value
    if group_only:
        raise Invalid(where(path, "objectType"), "must be 'Group'")
    if kind != "Agent":
        allowed = "'Agent' or 'Group'" if allow_group else "'Agent'"
        raise Invalid(where(path, "objectType"), f"must be {allowed}, not {str(kind)[:40]!r}")
    require_keys(value, path, AGENT_KEYS)
    if "name" in value:
        require_string(value["name"], where(path, "name"))
    validate_ifis(value, path, required=True)
    return value


def agent_ifi(agent: dict) -> str | None:
    """The normalized identifier used to index an agent or identified group; None if anonymous."""
    ifi = _plain_ifi(agent)
    if ifi is not None and len(ifi) > MAX_INDEXED_LENGTH:
        return "sha256:" + hashlib.sha256(ifi.encode()).hexdigest()
    return ifi


def _plain_ifi(agent: dict) -> str | None:
    if "mbox" in agent:
        return "mbox:" + agent["mbox"]
    if "mbox_sha1sum" in agent:
        return "mbox_sha1sum:" + agent["mbox_sha1sum"].lower()
    if "openid" in agent:
        return "openid:" + agent["openid"]
    if "account" in agent:
        return f"account:{agent['account']['homePage']}|{agent['account']['name']}"
    return None

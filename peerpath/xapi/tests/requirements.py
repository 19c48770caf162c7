"""The xAPI requirements the LRS must meet, section by section, as data the tests are traced to.

One entry per MUST / MUST NOT / SHALL that the xAPI 2.0 text (IEEE 9274.1.1) puts on an LRS in
its Data and Communication parts, plus the 1.0.3 rules that still apply when a client sends
`X-Experience-API-Version: 1.0.3` (marked "1.0.3"), and the few SHOULD* items the conformance
tests of both versions treat as requirements (marked "SHOULD*"). The id is
PART-SECTION-letter: DATA for the Data part, COMM for the Communication part.

Every test that checks a requirement carries `@pytest.mark.xapi_req(ID, ...)`;
test_requirements.py fails when a requirement has no such test or a marker names an unknown id.
A requirement PeerPath does not meet is listed with `unmet=True`; its tests are
`xfail(strict=True)`, so that meeting it one day turns them red until the list says so.
Requirements that cannot apply to PeerPath (it never does what they are about) are listed in
NOT_APPLICABLE with the reason.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Requirement:
    id: str
    text: str
    unmet: bool = False

    @property
    def part(self) -> str:
        return {"DATA": "Data", "COMM": "Communication"}[self.id.split("-")[0]]

    @property
    def section(self) -> str:
        return self.id.split("-")[1]


R = Requirement

REQUIREMENTS = (
    # Data 2.2 Formatting requirements
    R("DATA-2.2-a", "reject a statement with a null value anywhere outside extensions"),
    R("DATA-2.2-b", "reject a statement with properties the spec does not define (case matters)"),
    R("DATA-2.2-c", "reject a statement whose property has the wrong type"),
    R("DATA-2.2-d", "reject a batch when any statement in it is invalid, storing none of it"),
    R("DATA-2.2-e", "return every property exactly as received, apart from those the LRS sets"),
    # Data 2.3 Statement lifecycle
    R("DATA-2.3.1-a", "never change a stored statement when one with its id arrives again"),
    R("DATA-2.3.2-a", "a voiding statement's object MUST be a StatementRef; reject it otherwise"),
    R("DATA-2.3.2-b", "consider a statement voided once a voiding statement refers to it"),
    R("DATA-2.3.2-c", "a voiding statement cannot itself be voided"),
    # Data 2.4 Statement properties
    R("DATA-2.4.1-a", "set a UUID id on a statement that arrives without one"),
    R("DATA-2.4.1-b", "reject a statement whose id is not a UUID"),
    R("DATA-2.4.2-a", "an Agent has exactly one inverse functional identifier"),
    R("DATA-2.4.2-b", "mbox is a mailto IRI; mbox_sha1sum the hex SHA-1 of one"),
    R("DATA-2.4.2-c", "an account has both homePage (an IRL) and name"),
    R("DATA-2.4.2-d", "a Group has objectType Group; an anonymous Group lists its members"),
    R("DATA-2.4.2-e", "a Group's members are Agents, never Groups"),
    R("DATA-2.4.2-f", "an actor's objectType is Agent or Group"),
    R("DATA-2.4.3-a", "a verb has an id that is an IRI"),
    R("DATA-2.4.3-b", "verb display is a language map of strings"),
    R("DATA-2.4.4-a", "an Activity has an id that is an IRI"),
    R("DATA-2.4.4-b", "an object's objectType is one the spec defines"),
    R("DATA-2.4.4-c", "an activity definition has only the properties the spec defines"),
    R(
        "DATA-2.4.4-d",
        "interactionType is one of the spec's; components and correct responses "
        "only with the interaction type they belong to",
    ),
    R("DATA-2.4.4-e", "a StatementRef's id is a UUID"),
    R(
        "DATA-2.4.4-f",
        "a SubStatement has no id, stored, version or authority, and no SubStatement inside it",
    ),
    R("DATA-2.4.5-a", "score: scaled within -1..1, raw within min..max, max above min, numbers"),
    R("DATA-2.4.5-b", "result success and completion are booleans"),
    R("DATA-2.4.5-c", "result duration is an ISO 8601 duration"),
    R("DATA-2.4.6-a", "context registration is a UUID"),
    R("DATA-2.4.6-b", "revision and platform only when the object is an Activity"),
    R("DATA-2.4.6-c", "context team is a Group"),
    R(
        "DATA-2.4.6-d",
        "contextActivities has only parent, grouping, category, other; each Activity has an id",
    ),
    R("DATA-2.4.6-e", "context language is an RFC 5646 tag"),
    R(
        "DATA-2.4.6-f",
        "2.0 contextAgents / contextGroups carry their objectType; they are 2.0 properties",
    ),
    R(
        "DATA-2.4.6-g",
        "return every contextActivities value as an array, even one sent as a single Activity",
    ),
    R("DATA-2.4.7-a", "timestamp is an ISO 8601 date and time"),
    R("DATA-2.4.7-b", "set timestamp to stored when the statement has none"),
    R("DATA-2.4.7-c", "2.0: reject a timestamp without a time zone (1.0.3 accepts it)"),
    R("DATA-2.4.8-a", "set stored on every statement, replacing any the client sent"),
    R("DATA-2.4.9-a", "every stored statement has an authority, the credentials' Agent"),
    R("DATA-2.4.9-b", "an authority Group is an anonymous Group of two Agents"),
    R("DATA-2.4.10-a", "accept a version property starting with 1.0. or 2.0.; reject others"),
    R("DATA-2.4.10-b", "set version when absent: 1.0.0 for 1.0.3 clients, 2.0.0 for 2.0"),
    R("DATA-2.4.10-c", "return statements with the version they were accepted with"),
    R("DATA-2.4.11-a", "an attachment has usageType, display, contentType, length and sha2"),
    # Data 2.5 Retrieval
    R("DATA-2.5-a", "a StatementResult has a statements array and more"),
    R("DATA-2.5-b", "more is an empty string when every result was returned"),
    R("DATA-2.5-c", "more is an IRL to the next page, answered like the original query"),
    # Data 2.6 Signed statements
    R("DATA-2.6-a", "reject a signed statement whose JWS payload is not the statement"),
    R("DATA-2.6-b", "reject a signature not made with RS256, RS384 or RS512"),
    R(
        "DATA-2.6-c",
        "a signature attachment has contentType application/octet-stream and comes as a part",
    ),
    R("DATA-2.6-d", "reject a signature the x5c certificate does not verify"),
    # Data 4 Special data types
    R("DATA-4.1-a", "extension keys are IRIs"),
    R("DATA-4.2-a", "language map keys are RFC 5646 language tags"),
    R("DATA-4.3-a", "IRIs are absolute, with a scheme"),
    R("DATA-4.4-a", "UUIDs are in the RFC 4122 text form"),
    R("DATA-4.5-a", "timestamps are ISO 8601; -00:00 is refused; impossible dates are refused"),
    R("DATA-4.5-b", "timestamps are returned with at least millisecond precision"),
    R("DATA-4.6-a", "durations are ISO 8601 durations (weeks not combined with other units)"),
    # Communication 1 Requests
    R("COMM-1.1-a", "answer HEAD as the same GET would be answered"),
    R("COMM-1.1-b", "omit the message body in answer to HEAD"),
    R("COMM-1.3-a", "1.0.3: support the alternate request syntax (POST ?method=...)"),
    R(
        "COMM-1.3-b",
        "1.0.3: treat the form's Authorization, X-Experience-API-Version, "
        "Content-Type, If-Match, If-None-Match as headers",
    ),
    R("COMM-1.3-c", "1.0.3: treat the other form fields (not content) as query parameters"),
    R("COMM-1.3-d", "1.0.3: interpret the content form field as a UTF-8 string"),
    R("COMM-1.3-e", "2.0: no alternate request syntax; refuse it with 400"),
    R("COMM-1.4-a", "encode and interpret all strings as UTF-8"),
    R("COMM-1.5.1-a", "accept application/json batches without attachments"),
    R("COMM-1.5.1-b", "accept application/json batches whose attachments all have a fileUrl"),
    R("COMM-1.5.2-a", "accept multipart/mixed batches with their attachments"),
    R("COMM-1.5.2-b", "reject attachments with neither a fileUrl nor a part with their hash"),
    R("COMM-1.5.2-c", "reject parts without X-Experience-API-Hash or with a hash matching none"),
    R("COMM-1.5.2-d", "reject parts not sent with Content-Transfer-Encoding: binary"),
    R("COMM-1.5.2-e", "the first part is the statements, as application/json"),
    R(
        "COMM-1.5.2-f",
        "match parts to attachments by SHA-2 only; reject a part whose content "
        "does not match its hash",
    ),
    R("COMM-1.5.2-g", "include attachments in multipart/mixed when the client asks"),
    # Communication 2 Resources
    R(
        "COMM-2.0-a",
        "support every resource: statements, state, activity and agent profiles, "
        "activities, agents, about",
    ),
    R("COMM-2.1.1-a", "PUT stores the statement and answers 204"),
    R("COMM-2.1.1-b", "PUT needs statementId; without it, 400"),
    R(
        "COMM-2.1.1-c",
        "never modify anything when a statement id is already stored; 409 when the content differs",
    ),
    R("COMM-2.1.1-d", "the statement's id must match statementId"),
    R("COMM-2.1.2-a", "POST answers 200 with the ids in the order of the statements"),
    R("COMM-2.1.2-b", "tell a POST that stores from a POST that queries by its parameters"),
    R("COMM-2.1.3-a", "400 when both statementId and voidedStatementId are given"),
    R(
        "COMM-2.1.3-b",
        "400 when statementId or voidedStatementId come with any parameter but "
        "attachments and format",
    ),
    R("COMM-2.1.3-c", "200 and an empty StatementResult when nothing matches"),
    R(
        "COMM-2.1.3-d",
        "X-Experience-API-Consistent-Through, ISO 8601, on all responses of the "
        "Statements resource, not before any returned stored",
    ),
    R("COMM-2.1.3-e", "attachments=true: multipart/mixed with every attachment"),
    R("COMM-2.1.3-f", "attachments=false: application/json without attachment data"),
    R("COMM-2.1.3-g", "agent filter: actor or object is the agent, or a Group with it as member"),
    R("COMM-2.1.3-h", "verb filter: the verb id"),
    R("COMM-2.1.3-i", "activity filter: the object is the Activity"),
    R("COMM-2.1.3-j", "registration filter"),
    R("COMM-2.1.3-k", "related_activities: also context activities and SubStatement parts"),
    R("COMM-2.1.3-l", "related_agents: also authority, instructor, team and SubStatement parts"),
    R("COMM-2.1.3-m", "since is exclusive, until inclusive, both on stored"),
    R("COMM-2.1.3-n", "limit: at most that many; 0 means the server's maximum"),
    R("COMM-2.1.3-o", "format exact (default), ids and canonical"),
    R("COMM-2.1.3-p", "newest stored first; ascending=true the other way"),
    R(
        "COMM-2.1.3-q",
        "a statement targeting (by StatementRef, recursively) a matching one "
        "matches the non-time filters; time and limit apply to it",
    ),
    R("COMM-2.1.3-r", "canonical: one language per language map, chosen by Accept-Language"),
    R("COMM-2.1.3-s", "SHOULD*: Last-Modified on statement responses"),
    R("COMM-2.1.4-a", "never return a voided statement except by voidedStatementId"),
    R("COMM-2.1.4-b", "still return statements targeting a voided statement"),
    R("COMM-2.2-a", "do not reject documents for activities or agents the LRS does not know"),
    R(
        "COMM-2.2-b",
        "POST of application/json onto a JSON document merges top-level properties and answers 204",
    ),
    R("COMM-2.2-c", "POST where either document is not a JSON object: 400, document unchanged"),
    R("COMM-2.2-d", "POST of a document that does not exist stores it as PUT would"),
    R("COMM-2.2-e", "SHOULD*: Last-Modified on a returned document"),
    R("COMM-2.3-a", "State: PUT, POST, DELETE answer 204; GET 200 with the document"),
    R("COMM-2.3-b", "State: activityId and agent are required (and stateId for PUT/POST)"),
    R("COMM-2.3-c", "State: agent must be JSON Agent; registration a UUID; since a timestamp"),
    R("COMM-2.3-d", "State: GET without stateId lists the ids, since exclusive"),
    R("COMM-2.3-e", "State: DELETE without stateId deletes the context's documents"),
    R("COMM-2.3-f", "State: documents are kept apart by registration"),
    R("COMM-2.4-a", "Agents: return a Person object, even for an unknown agent"),
    R("COMM-2.4-b", "Agents: Person properties are arrays of Agent values, each once"),
    R("COMM-2.4-c", "Agents: the agent parameter is required and must be an Agent"),
    R("COMM-2.5-a", "Activities: return the Activity object with its definition"),
    R("COMM-2.5-b", "Activities: the activityId parameter is required"),
    R("COMM-2.6-a", "Agent Profile: PUT, POST, DELETE answer 204; GET 200 with the document"),
    R("COMM-2.6-b", "Agent Profile: agent is required (an Agent); profileId for PUT/POST/DELETE"),
    R("COMM-2.6-c", "Agent Profile: GET without profileId lists the ids, since exclusive"),
    R("COMM-2.7-a", "Activity Profile: PUT, POST, DELETE answer 204; GET 200 with the document"),
    R("COMM-2.7-b", "Activity Profile: activityId is required; profileId for PUT/POST/DELETE"),
    R("COMM-2.7-c", "Activity Profile: GET without profileId lists the ids, since exclusive"),
    R("COMM-2.8-a", "About: a version array with the latest version of each major version"),
    R("COMM-2.8-b", "About: no properties outside extensions"),
    R("COMM-2.8-c", "About: do not reject requests for their version header"),
    # Communication 3 Data validation
    R("COMM-3.1-a", "a GET of a document carries an ETag: the quoted hex SHA-1 of the content"),
    R("COMM-3.1-b", "PUT with If-Match: 412 unless it matches the current ETag"),
    R("COMM-3.1-c", "PUT with If-None-Match: *: 412 when the document exists"),
    R("COMM-3.1-d", "a failed precondition modifies nothing"),
    R(
        "COMM-3.1-e",
        "PUT without either header onto an existing profile document: 409, "
        "explaining to fetch the document and send If-Match; nothing modified",
    ),
    R("COMM-3.1-f", "SHOULD*: If-Match / If-None-Match on POST and DELETE, 412 on failure"),
    R(
        "COMM-3.2-a",
        "the most appropriate code: 400 for invalid input (never 422), 404 for a "
        "missing document or statement, 405 for a method a resource lacks",
    ),
    R("COMM-3.2-b", "400 for a parameter the LRS does not recognise"),
    R("COMM-3.2-c", "400 for a parameter that differs from the spec's only in case"),
    R("COMM-3.2-d", "reject a batch when any statement in it is rejected"),
    R("COMM-3.2-e", "403 when the credentials do not permit the request"),
    R("COMM-3.2-f", "413 for a body larger than the configured maximum, which is configurable"),
    R("COMM-3.3-a", "X-Experience-API-Version on every response"),
    R("COMM-3.3-b", "that header is the latest patch version of the version spoken"),
    R("COMM-3.3-c", "accept 1.0 as 1.0.0, and 1.0.x"),
    R(
        "COMM-3.3-d",
        "reject a missing version header, one before 1.0.0 or an unknown one with "
        "400 and a short description",
    ),
    R("COMM-3.3-e", "never convert a statement of a newer version into an older format"),
    # Communication 4 Authentication
    R("COMM-4.0-a", "support at least one authentication method (HTTP Basic); 401 otherwise"),
    R("COMM-4.0-b", "decide what each set of credentials may do"),
)

# MUSTs of the text that cannot apply to PeerPath, and why.
NOT_APPLICABLE = {
    "COMM-1.5.2 (pull/push)": "the LRS never pulls statements from or pushes them to another LRS",
    "COMM-3.2 (429)": "the LRS does not limit request rates, so it never refuses for that reason",
    "COMM-4.1 / 4.2": "OAuth 1.0 is not offered; its registration and scope rules do not apply",
    "DATA-3.2": "hosted metadata is fetched by clients, not required of an LRS",
}

BY_ID = {requirement.id: requirement for requirement in REQUIREMENTS}


def summary() -> str:
    """How many requirements each section lists: `python -m peerpath.xapi.tests.requirements`."""
    counts: dict[tuple[str, str], int] = {}
    for requirement in REQUIREMENTS:
        key = (requirement.part, requirement.section)
        counts[key] = counts.get(key, 0) + 1
    lines = [f"{part} {section}: {count}" for (part, section), count in counts.items()]
    unmet = [r.id for r in REQUIREMENTS if r.unmet]
    lines.append(f"total: {len(REQUIREMENTS)}, unmet: {len(unmet)} {' '.join(unmet)}".rstrip())
    return "\n".join(lines)


if __name__ == "__main__":
    print(summary())

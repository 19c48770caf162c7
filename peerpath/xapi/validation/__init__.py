"""Pure xAPI validation and formatting: no Django import, so it is fast to test and reuse.

`validate_statement` raises `Invalid` with the JSON path of the first offending property;
`agent_ifi` gives the normalized inverse functional identifier that indexes agents.
"""

from peerpath.xapi.validation.errors import Invalid
from peerpath.xapi.validation.statement import (
    COMPLETION_VERBS,
    VOIDED_VERB,
    validate_statement,
)
from peerpath.xapi.validation.values import (
    agent_ifi,
    parse_timestamp,
    validate_agent,
    validate_language_map,
)

__all__ = [
    "COMPLETION_VERBS",
    "VOIDED_VERB",
    "Invalid",
    "agent_ifi",
    "parse_timestamp",
    "validate_agent",
    "validate_language_map",
    "validate_statement",
]

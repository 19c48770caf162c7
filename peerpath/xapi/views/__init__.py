"""HTTP views of the LRS; thin: parse parameters, call a service or selector, shape the reply."""

from peerpath.xapi.views.documents import (
    about,
    activities,
    activity_profile,
    agent_profile,
    agents,
    state,
    unknown_resource,
)
from peerpath.xapi.views.statements import statements

__all__ = [
    "about",
    "activities",
    "activity_profile",
    "agent_profile",
    "agents",
    "state",
    "statements",
    "unknown_resource",
]

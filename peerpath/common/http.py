"""Small helpers for views."""


def client_address(request) -> str:
    """The client's address, for rate limits. Behind a proxy, set it to pass REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"
